// StridedCopy: the one data-movement loop behind transpose, slice, strided slice, reverse,
// tile, broadcast and pad.
//
// Each of those ops copies an n-d index space where both the source and the destination
// offset are affine in the index: offset = base + sum(index[k] * stride[k]). Strides are
// in elements and may be 0 (broadcast, tile) or negative (reverse, negative-stride
// slices). Adjacent dimensions that are contiguous in both source and destination are
// merged first, so the inner loop is as long as possible (a plain block copy when both
// sides are dense).
//
// Element types are storage types (kernels/cpu/element_storage.h); instantiated for all
// of them. Source and destination must not overlap. No shared state: concurrent calls are
// safe when their destinations are disjoint.
#ifndef TFTRT_KERNELS_CPU_STRIDED_COPY_H_
#define TFTRT_KERNELS_CPU_STRIDED_COPY_H_

#include <cstdint>
#include <vector>

#include "tftrt/tensor.h"

namespace tftrt {

// Row-major strides (in elements) of a dense array of `shape`.
std::vector<int64_t> DenseStrides(const Shape& shape);

// For every index i in [0, dims): dst[sum(i[k] * dst_strides[k])] =
// src[sum(i[k] * src_strides[k])]. `src` and `dst` point at the element of index 0, which
// need not be the lowest address when strides are negative.
// REQUIRES: dims.size() == src_strides.size() == dst_strides.size(), all dims >= 0.
template <typename S>
void StridedCopy(const Shape& dims, const S* src, const std::vector<int64_t>& src_strides, S* dst,
                 const std::vector<int64_t>& dst_strides);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_STRIDED_COPY_H_
