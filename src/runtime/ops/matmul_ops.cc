// Matrix-product ops: MatMul, BatchMatMul, BatchMatMulV2, BatchMatMulV3 and Einsum. The
// math is kernels/cpu/gemm.h (OpenBLAS for float/double) and kernels/cpu/einsum.h.
#include <algorithm>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/einsum.h"
#include "kernels/cpu/gemm.h"
#include "runtime/ops/nn_ops_internal.h"

namespace tftrt::nn_ops {
namespace {

using MatMulTypes = TypeList<float, double, int32_t, int64_t, Half, BFloat16>;

Status MatMulKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(bool transpose_a, GetBoolAttrOr(ctx.node(), "transpose_a", false));
  TFTRT_ASSIGN_OR_RETURN(bool transpose_b, GetBoolAttrOr(ctx.node(), "transpose_b", false));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 2, "a"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 2, "b"));
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  if (a.dtype() != b.dtype()) {
    return OpError(ctx, "a and b must have the same dtype, got " + a.DebugString() + " and " +
                            b.DebugString());
  }
  const int64_t m = a.dim(transpose_a ? 1 : 0), k = a.dim(transpose_a ? 0 : 1);
  const int64_t n = b.dim(transpose_b ? 0 : 1);
  if (b.dim(transpose_b ? 1 : 0) != k) {
    return OpError(ctx, "matrix size-incompatible: a " + ShapeToString(a.shape()) +
                            (transpose_a ? " (transposed)" : "") + ", b " +
                            ShapeToString(b.shape()) + (transpose_b ? " (transposed)" : ""));
  }
  Tensor product(a.dtype(), {m, n});
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MatMulTypes{}, a.dtype(), [&]<typename T>() {
    Gemm<T>(transpose_a, transpose_b, m, n, k, a.flat<T>(), a.dim(1), b.flat<T>(), b.dim(1),
            product.flat<T>(), n);
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(product));
  return Status::Ok();
}

// An int32 copy of an 8-bit integer tensor (BatchMatMulV3's int8/uint8 -> int32 form).
template <typename Narrow>
Tensor WidenToInt32(const Tensor& t) {
  Tensor wide(DataType::kInt32, t.shape());
  std::copy_n(t.flat<Narrow>(), t.NumElements(), wide.flat<int32_t>());
  return wide;
}

StatusOr<Tensor> ToBatchMatMulOperand(const OpKernelContext& ctx, const Tensor& t,
                                      DataType compute) {
  if (t.dtype() == compute) return t;
  if (compute == DataType::kInt32 && t.dtype() == DataType::kInt8) return WidenToInt32<int8_t>(t);
  if (compute == DataType::kInt32 && t.dtype() == DataType::kUInt8) {
    return WidenToInt32<uint8_t>(t);
  }
  return OpUnimplemented(ctx, "input of dtype " + std::string(DataTypeName(t.dtype())) +
                                  " with Tout " + std::string(DataTypeName(compute)) +
                                  " is not supported");
}

// BatchMatMul (`broadcast` false: batch dimensions must be equal), V2 and V3.
Status BatchMatMulKernel(OpKernelContext& ctx, bool broadcast) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Node& node = ctx.node();
  TFTRT_ASSIGN_OR_RETURN(bool adj_x, GetBoolAttrOr(node, "adj_x", false));
  TFTRT_ASSIGN_OR_RETURN(bool adj_y, GetBoolAttrOr(node, "adj_y", false));
  // V3 names its output type; V1/V2 compute in their inputs' type.
  DataType out_dtype = ctx.input(0).dtype();
  if (HasAttr(node, "Tout")) {
    TFTRT_ASSIGN_OR_RETURN(out_dtype, GetTypeAttr(node, "Tout"));
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor x, ToBatchMatMulOperand(ctx, ctx.input(0), out_dtype));
  TFTRT_ASSIGN_OR_RETURN(Tensor y, ToBatchMatMulOperand(ctx, ctx.input(1), out_dtype));
  StatusOr<BatchMatMulShape> shape =
      MakeBatchMatMulShape(x.shape(), y.shape(), adj_x, adj_y, broadcast);
  if (!shape.ok()) return OpError(ctx, shape.status().message());
  const Shape out_shape = BatchMatMulOutputShape(*shape);
  Tensor product(out_dtype, out_shape);
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MatMulTypes{}, out_dtype, [&]<typename T>() {
    BatchMatMul<T>(*shape, x.flat<T>(), y.flat<T>(), product.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(product));
  return Status::Ok();
}

Status BatchMatMulV1Kernel(OpKernelContext& ctx) { return BatchMatMulKernel(ctx, false); }
Status BatchMatMulV2Kernel(OpKernelContext& ctx) { return BatchMatMulKernel(ctx, true); }

Status EinsumKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::string equation, GetStringAttr(ctx.node(), "equation"));
  if (ctx.num_inputs() < 1) return OpError(ctx, "expected at least one input");
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, ctx.num_inputs()));
  std::vector<Shape> shapes;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.input(i).dtype() != ctx.input(0).dtype()) {
      return OpError(ctx, "all inputs must have the same dtype, got " + ctx.input(0).DebugString() +
                              " and " + ctx.input(i).DebugString());
    }
    shapes.push_back(ctx.input(i).shape());
  }
  auto plan = PlanEinsum(equation, shapes);  // its errors name the op and equation
  if (!plan.ok()) return plan.status();
  const DataType dtype = ctx.input(0).dtype();
  Tensor output(dtype, plan->output_shape);
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MatMulTypes{}, dtype, [&]<typename T>() {
    std::vector<const T*> inputs;
    for (int i = 0; i < ctx.num_inputs(); ++i) inputs.push_back(ctx.input(i).flat<T>());
    RunEinsum<T>(*plan, inputs, output.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterMatMulOps(KernelRegistry& registry) {
  registry.Register("MatMul", MatMulKernel);
  registry.Register("BatchMatMul", BatchMatMulV1Kernel);
  registry.Register("BatchMatMulV2", BatchMatMulV2Kernel);
  registry.Register("BatchMatMulV3", BatchMatMulV2Kernel);
  registry.Register("Einsum", EinsumKernel);
}

}  // namespace tftrt::nn_ops
