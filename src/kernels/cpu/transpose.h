// Transpose: permuting the dimensions of a dense row-major array, as tf.transpose.
//
// Shared by the native Transpose kernel, layout changes in the passes, and the cpu engine
// backend. Element types are storage types (kernels/cpu/element_storage.h).
#ifndef TFTRT_KERNELS_CPU_TRANSPOSE_H_
#define TFTRT_KERNELS_CPU_TRANSPOSE_H_

#include <cstdint>
#include <vector>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// OK if `perm` is a permutation of [0, rank); otherwise an InvalidArgument with TF's
// wording ("3 is out of range [0 .. 3)", "1 is duplicated in 'perm'").
Status ValidatePermutation(const std::vector<int64_t>& perm, int rank);

// The shape of transposing `shape` by `perm`: result[i] = shape[perm[i]].
// REQUIRES: ValidatePermutation(perm, shape.size()) is OK.
Shape PermuteShape(const Shape& shape, const std::vector<int64_t>& perm);

// out = transpose(in, perm): out[i0, ..., in-1] = in[j] with j[perm[k]] = i[k].
// `out` holds PermuteShape(in_shape, perm) elements and does not overlap `in`.
template <typename S>
void Transpose(const S* in, const Shape& in_shape, const std::vector<int64_t>& perm, S* out);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_TRANSPOSE_H_
