// Private to the nn op family (runtime/ops/nn_ops.cc, matmul_ops.cc): error helpers,
// dtype dispatch, and the per-file registration that RegisterNnOps calls.
#ifndef TFTRT_RUNTIME_OPS_NN_OPS_INTERNAL_H_
#define TFTRT_RUNTIME_OPS_NN_OPS_INTERNAL_H_

#include <string>
#include <string_view>

#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"

namespace tftrt::nn_ops {

void RegisterMatMulOps(KernelRegistry& registry);  // matmul_ops.cc

// "<op>: <message>" as InvalidArgument / Unimplemented.
Status OpError(const OpKernelContext& ctx, std::string_view message);
Status OpUnimplemented(const OpKernelContext& ctx, std::string_view message);

// OK if the node has at least `count` inputs and they are set.
Status CheckNumInputs(const OpKernelContext& ctx, int count);

// OK if input `index` has `rank` dimensions; `what` names it ("input", "filter").
Status CheckRank(const OpKernelContext& ctx, int index, int rank, std::string_view what);

// Runs `fn.template operator()<T>()` (returning Status) for the T of `types` that is
// `dtype`, or fails with "<op>: unsupported dtype <name>".
template <typename... Ts, typename Fn>
Status DispatchDtype(const OpKernelContext& ctx, TypeList<Ts...> types, DataType dtype, Fn&& fn) {
  Status status;
  const bool found =
      VisitType(types, dtype, [&]<typename T>() { status = fn.template operator()<T>(); });
  if (!found) return UnsupportedDtype(ctx.node().op, dtype);
  return status;
}

// dtypes of the float-only ops (softmax, pooling, depthwise conv).
using NnFloatTypes = TypeList<float, double, Half, BFloat16>;

}  // namespace tftrt::nn_ops

#endif  // TFTRT_RUNTIME_OPS_NN_OPS_INTERNAL_H_
