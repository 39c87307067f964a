// Private to the array op family (runtime/ops/*_ops.cc of reshape, slice, gather, concat,
// fill) and image_ops.cc: the per-file registration functions that RegisterArrayOps calls,
// and the small input-reading helpers those kernels share.
#ifndef TFTRT_RUNTIME_OPS_ARRAY_OPS_INTERNAL_H_
#define TFTRT_RUNTIME_OPS_ARRAY_OPS_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt::array_ops {

void RegisterShapeOps(KernelRegistry& registry);        // array_ops.cc
void RegisterFillOps(KernelRegistry& registry);         // fill_ops.cc
void RegisterConcatSplitOps(KernelRegistry& registry);  // concat_split_ops.cc
void RegisterSliceOps(KernelRegistry& registry);        // slice_ops.cc
void RegisterGatherOps(KernelRegistry& registry);       // gather_ops.cc

// The values of input `index`, which must be an integer tensor (int32 and int64 in
// practice; int8/int16/uint8/uint16/uint32 where ops allow them). `what` names it in
// errors, e.g. "shape". Any shape is accepted; callers check it.
StatusOr<std::vector<int64_t>> ReadIndexValues(const OpKernelContext& ctx, int index,
                                               std::string_view what);

// The single value of input `index` (an integer scalar or 1-element vector).
StatusOr<int64_t> ReadIndexScalar(const OpKernelContext& ctx, int index, std::string_view what);

// OK if a tensor of `dtype` and `shape` can be allocated: the element count does not
// overflow and the size stays under 1 TiB. Kernels whose output size comes from input
// values (Fill, Tile, Range, Pad, ...) check it so that absurd values are an error rather
// than an allocation failure.
Status CheckAllocatable(const OpKernelContext& ctx, DataType dtype, const Shape& shape);

// The product of shape[begin..end) (1 for an empty range).
int64_t DimsProduct(const Shape& shape, int64_t begin, int64_t end);

// "[1,2,3]" for a list of values (shapes and index vectors in error messages).
std::string ValuesToString(const std::vector<int64_t>& values);

// An int16, int32 or int64 (`dtype`) tensor of `shape` holding `values`; an error naming
// `what` if a value does not fit.
StatusOr<Tensor> MakeIndexTensor(const OpKernelContext& ctx, DataType dtype,
                                 const std::vector<int64_t>& values, Shape shape,
                                 std::string_view what);

}  // namespace tftrt::array_ops

#endif  // TFTRT_RUNTIME_OPS_ARRAY_OPS_INTERNAL_H_
