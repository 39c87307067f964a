// StridedSlice spec resolution: TensorFlow's full semantics of tf.strided_slice (Python's
// foo[b:e:s, ..., tf.newaxis, i]) turned into one canonical (begin, end, stride) per input
// dimension plus the output shape.
//
// The spec as the op receives it is "sparse": one entry per slice item, with bit i of each
// mask describing item i (begin_mask/end_mask: ignore begin[i]/end[i] and take the widest
// range; ellipsis_mask: item i is "..."; new_axis_mask: item i inserts a size-1 dimension;
// shrink_axis_mask: item i is a single index and its dimension is dropped). Resolution
// expands the ellipsis, clamps out-of-range begin/end exactly as TensorFlow
// (ValidateStridedSliceOp in tensorflow/core/util/strided_slice_op.cc) and reports TF's
// errors. Shared by the native StridedSlice kernel and the StridedSlice converter, which
// may know only part of the input shape (-1 dimensions) and not begin/end values.
#ifndef TFTRT_KERNELS_CPU_STRIDED_SLICE_H_
#define TFTRT_KERNELS_CPU_STRIDED_SLICE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The op's inputs and attributes. begin/end may be unknown (not constant) for the
// converter; strides must be known.
struct StridedSliceSpec {
  std::optional<std::vector<int64_t>> begin;
  std::optional<std::vector<int64_t>> end;
  std::vector<int64_t> strides;
  int64_t begin_mask = 0;
  int64_t end_mask = 0;
  int64_t ellipsis_mask = 0;
  int64_t new_axis_mask = 0;
  int64_t shrink_axis_mask = 0;
};

// Markers in ResolvedStridedSlice::final_dims.
inline constexpr int kStridedSliceNewAxis = -2;

struct ResolvedStridedSlice {
  // One entry per input dimension. When begin and end were known: begin in [0, dim] (or
  // [-1, dim-1] for negative strides) and end likewise, so that the slice visits
  // begin, begin+stride, ... while before end. Shrunk dimensions have end = begin + 1.
  std::vector<int64_t> begin;
  std::vector<int64_t> end;
  std::vector<int64_t> strides;
  // Per input dimension: after expansion, whether begin/end were masked and whether it is
  // shrunk (bit k = input dimension k).
  int64_t dense_begin_mask = 0;
  int64_t dense_end_mask = 0;
  int64_t dense_shrink_axis_mask = 0;
  // The slice's size per input dimension (-1 where unknown), shrunk dimensions as 1.
  Shape processing_shape;
  // The output shape: processing_shape without shrunk dimensions, with new axes (-1 where
  // unknown).
  Shape final_shape;
  // For each output dimension, the input dimension it comes from, or kStridedSliceNewAxis.
  std::vector<int> final_dims;
  // The slice takes every element in order (output == input, up to reshape).
  bool is_identity = false;
  // Every stride is 1.
  bool is_simple_slice = false;
  // Only dimension 0 is sliced (contiguous rows).
  bool slice_dim0 = false;
};

// Resolves `spec` against `input_shape` (dimensions may be -1 = unknown). InvalidArgument
// with TensorFlow's wording for: begin/end/strides of different lengths or >= 32 items,
// several ellipses, a zero stride, a non-positive stride on a shrunk axis, a shrunk index
// out of bounds, more slice items than input dimensions.
StatusOr<ResolvedStridedSlice> ResolveStridedSlice(const Shape& input_shape,
                                                   const StridedSliceSpec& spec);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_STRIDED_SLICE_H_
