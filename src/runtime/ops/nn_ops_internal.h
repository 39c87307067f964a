// Private to the nn op family (runtime/ops/nn_ops.cc, matmul_ops.cc,
// attention_ops.cc): dtype dispatch and
// the per-file registration that RegisterNnOps calls.
#ifndef TFTRT_RUNTIME_OPS_NN_OPS_INTERNAL_H_
#define TFTRT_RUNTIME_OPS_NN_OPS_INTERNAL_H_

#include <string>
#include <string_view>

#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt::nn_ops {

void RegisterMatMulOps(KernelRegistry& registry);     // matmul_ops.cc
void RegisterAttentionOps(KernelRegistry& registry);  // attention_ops.cc

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
