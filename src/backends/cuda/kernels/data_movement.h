// Data movement kernels: strided copies (Transpose, Slice, StridedSlice with negative
// strides, Reshape-copies, BroadcastTo), Concat / Pack and Split / SplitV / Unpack, Pad
// (constant, REFLECT, SYMMETRIC), Tile, and GatherV2.
//
// All tensors are dense row-major on the device unless a function takes strides; element
// types are moved as raw 1-, 2- or 4-byte values, so every DType works the same. Nothing
// is launched for empty outputs. Inputs and outputs must not overlap.
//
// How TF's ops map onto these calls:
//   Transpose              Transpose (a StridedCopy with permuted input strides)
//   Slice / StridedSlice   StridedCopy: `in` = the first selected element, in_strides[d] =
//                          slice_stride[d] * dense_stride[d] (negative for reversed dims);
//                          shrink / new axes simply drop / add a dim to out_shape.
//   BroadcastTo            StridedCopy with stride 0 on broadcast dims (BroadcastInput of
//                          elementwise.h computes such strides).
//   Reshape                no copy (same bytes); a StridedCopy when the input is a view.
//   Pack                   Concat of the inputs, each seen with a dim of 1 at the axis.
//   Unpack                 Split into sizes of 1, each output seen without the axis.
//   SplitV                 Split with the given sizes (-1 resolved by the caller).
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_DATA_MOVEMENT_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_DATA_MOVEMENT_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// For every index i of `out_shape`: out[dense(i)] = in[sum(i[d] * in_strides[d])].
// `in` points at the element of index 0 (not necessarily the lowest address: strides may
// be negative, or 0 to repeat). in_strides.rank == out_shape.rank.
Status StridedCopy(const void* in, const Dims& in_strides, const Dims& out_shape, DType dtype,
                   void* out, cudaStream_t stream);

// out = tf.transpose(in, perm): out_shape[k] = in_shape[perm[k]]. InvalidArgument when
// perm is not a permutation of [0, rank).
Status Transpose(const void* in, const Dims& in_shape, const std::vector<int>& perm, DType dtype,
                 void* out, cudaStream_t stream);

// out = concat(inputs, axis): all inputs have the rank of shapes[0] and equal dims except
// along `axis` (0 <= axis < rank). One launch per 32 inputs.
Status Concat(const std::vector<const void*>& inputs, const std::vector<Dims>& shapes, int axis,
              DType dtype, void* out, cudaStream_t stream);

// The inverse of Concat: outputs[k] receives `sizes[k]` consecutive slices of `in` along
// `axis`. sizes sum to in_shape[axis].
Status Split(const void* in, const Dims& in_shape, int axis, const std::vector<int64_t>& sizes,
             const std::vector<void*>& outputs, DType dtype, cudaStream_t stream);

enum class PadMode : uint8_t {
  kConstant,   // Pad, PadV2: positions outside the input get constant_value
  kReflect,    // MirrorPad REFLECT: the edge is not repeated (pads < dim size)
  kSymmetric,  // MirrorPad SYMMETRIC: the edge is repeated (pads <= dim size)
};

// out has dims before[d] + in_shape[d] + after[d]. constant_value is converted to `dtype`
// (rounded to nearest for half, truncated for int32, != 0 for bool). InvalidArgument for
// negative pads, or mirror pads too large for the dim (TF's rules).
Status Pad(const void* in, const Dims& in_shape, const std::vector<int64_t>& before,
           const std::vector<int64_t>& after, PadMode mode, double constant_value, DType dtype,
           void* out, cudaStream_t stream);

// Zero channels appended to every pixel of a [..., channels] tensor: `pixels` pixels of
// `channels` elements in, of `padded_channels` (>= channels) out. The channel padding of
// convolutions for tensor cores (an image's 3 channels to 4 or 8): where a padded pixel is 4,
// 8 or 16 bytes, one thread writes it as one store (an fp16 image to 4 channels at batch
// 128: about 30 us on an H100, where Pad's general index map takes several times that);
// otherwise as Pad does. InvalidArgument for negative sizes or padded_channels < channels.
Status PadChannels(const void* in, int64_t pixels, int64_t channels, int64_t padded_channels,
                   DType dtype, void* out, cudaStream_t stream);

// The input of a stride-2 convolution rearranged for a stride-1 one (channel_padding.h's
// space-to-depth form): in [N, H, W, C], out [N, out_rows, out_cols, out_channels] with
//   out[n, u, v, (2i + j) C + c] = in[n, 2u + i - pad_top, 2v + j - pad_left, c]
// for i, j in {0, 1}, zero where that is outside `in` and for channels from 4C on. Each
// thread writes 16 bytes: out_channels times the element size must be a multiple of 16
// (the tensor cores' channel multiples are), and `out` 16-byte aligned. InvalidArgument
// otherwise, or for negative sizes or pads, or out_channels < 4C.
Status SpaceToDepth2x2(const void* in, const Dims& in_shape, int64_t pad_top, int64_t pad_left,
                       int64_t out_rows, int64_t out_cols, int64_t out_channels, DType dtype,
                       void* out, cudaStream_t stream);

// out = tf.tile(in, multiples): out dims in_shape[d] * multiples[d], out[i] = in[i mod
// in_shape]. multiples >= 0.
Status Tile(const void* in, const Dims& in_shape, const std::vector<int64_t>& multiples,
            DType dtype, void* out, cudaStream_t stream);

enum class IndexType : uint8_t { kInt32, kInt64 };

// GatherV2 with batch_dims 0: out = params[:axis] + [num_indices] + params[axis+1:] (the
// caller sees the middle as the indices' shape), out[o, j, i] = params[o, indices[j], i].
// An index outside [0, params_shape[axis]) writes zeros for its slice (what TF's GPU kernel
// does; TF's CPU kernel fails the op instead) and, when `bad_index_flag` is not null, sets
// that device int32 to 1 (it is never cleared: the caller zeroes it beforehand and reads it
// after synchronizing, to report TF's error).
Status Gather(const void* params, const Dims& params_shape, int axis, const void* indices,
              IndexType index_type, int64_t num_indices, DType dtype, void* out,
              int32_t* bad_index_flag, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_DATA_MOVEMENT_H_
