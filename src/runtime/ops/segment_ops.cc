// Unsorted segment reductions: UnsortedSegmentSum / Prod / Max / Min(data, segment_ids,
// num_segments). output[s, ...] combines every data[i..., ...] whose segment_ids[i...] is
// s; negative ids are dropped; an id >= num_segments is an error; an empty segment holds
// the reduction's identity (0, 1, lowest, highest finite value), as
// tensorflow/core/kernels/segment_reduction_ops_impl.h computes them on the CPU.
#include <string>
#include <vector>

#include "kernels/cpu/combine.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

using array_ops::DimsProduct;
using array_ops::ValuesToString;

Status UnsortedSegmentReduce(OpKernelContext& ctx, CombineKind kind) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& data = ctx.input(0);
  const Tensor& ids_tensor = ctx.input(1);
  if (ctx.input(2).rank() != 0) {
    return OpError(
        ctx, "num_segments should be a scalar, not shape " + ShapeToString(ctx.input(2).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t num_segments, array_ops::ReadIndexScalar(ctx, 2, "num_segments"));
  if (num_segments < 0) {
    return OpError(
        ctx, "Input num_segments == " + std::to_string(num_segments) + " must not be negative.");
  }
  const bool prefix =
      ids_tensor.rank() <= data.rank() &&
      std::equal(ids_tensor.shape().begin(), ids_tensor.shape().end(), data.shape().begin());
  if (!prefix) {
    return OpError(
        ctx, "data.shape = " + ShapeToString(data.shape()) +
                 " does not start with segment_ids.shape = " + ShapeToString(ids_tensor.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         array_ops::ReadIndexValues(ctx, 1, "segment_ids"));
  Shape output_shape = {num_segments};
  output_shape.insert(output_shape.end(), data.shape().begin() + ids_tensor.rank(),
                      data.shape().end());
  TFTRT_RETURN_IF_ERROR(array_ops::CheckAllocatable(ctx, data.dtype(), output_shape));
  const int64_t inner = DimsProduct(data.shape(), ids_tensor.rank(), data.rank());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= num_segments) {
      return OpError(ctx, "segment_ids" + ValuesToString({static_cast<int64_t>(i)}) + " = " +
                              std::to_string(ids[i]) + " is out of range [0, " +
                              std::to_string(num_segments) + ")");
    }
  }
  Tensor output(data.dtype(), output_shape);
  const bool visited = VisitType(CombineTypes{}, data.dtype(), [&]<typename T>() {
    T* out = output.flat<T>();
    std::fill_n(out, output.NumElements(), CombineIdentity<T>(kind));
    const T* in = data.flat<T>();
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0) continue;
      T* row = out + ids[i] * inner;
      for (int64_t j = 0; j < inner; ++j) row[j] = CombineElements(kind, row[j], in[i * inner + j]);
    }
  });
  if (!visited) {
    return OpError(ctx, "unsupported dtype " + std::string(DataTypeName(data.dtype())));
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status UnsortedSegmentSum(OpKernelContext& ctx) {
  return UnsortedSegmentReduce(ctx, CombineKind::kSum);
}
Status UnsortedSegmentProd(OpKernelContext& ctx) {
  return UnsortedSegmentReduce(ctx, CombineKind::kProd);
}
Status UnsortedSegmentMax(OpKernelContext& ctx) {
  return UnsortedSegmentReduce(ctx, CombineKind::kMax);
}
Status UnsortedSegmentMin(OpKernelContext& ctx) {
  return UnsortedSegmentReduce(ctx, CombineKind::kMin);
}

}  // namespace

void RegisterSegmentOps(KernelRegistry& registry) {
  registry.Register("UnsortedSegmentSum", UnsortedSegmentSum);
  registry.Register("UnsortedSegmentProd", UnsortedSegmentProd);
  registry.Register("UnsortedSegmentMax", UnsortedSegmentMax);
  registry.Register("UnsortedSegmentMin", UnsortedSegmentMin);
}

}  // namespace tftrt
