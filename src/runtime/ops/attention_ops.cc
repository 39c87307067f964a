// _TftrtAttention(q, k, v[, mask]): an engine-only op (engine/attention_folding.h), the
// native kernel that the cpu engine backend runs; the math is kernels/cpu/attention.h.
#include <array>
#include <optional>
#include <string>

#include "graph/attrs.h"
#include "kernels/cpu/attention.h"
#include "runtime/ops/nn_ops_internal.h"

namespace tftrt::nn_ops {
namespace {

Status AttentionKernel(OpKernelContext& ctx) {
  if (ctx.num_inputs() != 3 && ctx.num_inputs() != 4) {
    return OpError(ctx, "expects q, k, v and an optional mask, got " +
                            std::to_string(ctx.num_inputs()) + " inputs");
  }
  const Tensor& q = ctx.input(0);
  const Tensor& k = ctx.input(1);
  const Tensor& v = ctx.input(2);
  if (q.rank() != 4 || k.shape() != v.shape() || k.rank() != 4 || q.dim(0) != k.dim(0) ||
      q.dim(2) != k.dim(2) || q.dim(3) != k.dim(3) || q.dtype() != k.dtype() ||
      q.dtype() != v.dtype()) {
    return OpError(ctx,
                   "q, k and v must be [batch, positions, heads, head_dim] of one dtype, got " +
                       q.DebugString() + ", " + k.DebugString() + ", " + v.DebugString());
  }
  const AttentionShape shape{.batch = q.dim(0),
                             .queries = q.dim(1),
                             .keys = k.dim(1),
                             .heads = q.dim(2),
                             .head_dim = q.dim(3)};
  TFTRT_ASSIGN_OR_RETURN(const float scale, GetFloatAttrOr(ctx.node(), "scale", 1.0f));
  AttentionMask mask;
  if (ctx.num_inputs() == 4) {
    const Tensor& values = ctx.input(3);
    const std::array<int64_t, 4> scores = {shape.batch, shape.heads, shape.queries, shape.keys};
    std::optional<std::array<int64_t, 4>> strides = AttentionMaskStrides(values.shape(), scores);
    if (values.dtype() != DataType::kBool || !strides.has_value()) {
      return OpError(ctx, "the mask must be a bool tensor that broadcasts to the scores " +
                              ShapeToString({scores.begin(), scores.end()}) + ", got " +
                              values.DebugString());
    }
    mask.strides = *strides;
    mask.data = values.flat<bool>();
    TFTRT_ASSIGN_OR_RETURN(mask.value, GetFloatAttrOr(ctx.node(), "mask_value", 0.0f));
  }
  Tensor out(q.dtype(), q.shape());
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, q.dtype(), [&]<typename T>() {
    Attention<T>(shape, q.flat<T>(), k.flat<T>(), v.flat<T>(), scale, mask, out.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(out));
  return Status::Ok();
}

}  // namespace

void RegisterAttentionOps(KernelRegistry& registry) {
  registry.Register("_TftrtAttention", AttentionKernel);
}

}  // namespace tftrt::nn_ops
