// _TftrtAttention(q, k, v[, mask]) and its packed form _TftrtAttention(qkv[, mask]): an
// engine-only op (engine/attention_folding.h, engine/qkv_packing.h), the native kernel that
// the cpu engine backend runs; the math is kernels/cpu/attention.h.
#include <array>
#include <optional>
#include <string>

#include "graph/attrs.h"
#include "kernels/cpu/attention.h"
#include "runtime/ops/nn_ops_internal.h"

namespace tftrt::nn_ops {
namespace {

// The packed form's one input qkv [batch, positions, 3, heads, head_dim].
bool IsPacked(const OpKernelContext& ctx) {
  return ctx.num_inputs() <= 2 && ctx.input(0).rank() == 5 && ctx.input(0).dim(2) == 3;
}

// q, k and v with their shape: three tensors, or slices of the packed one.
struct Operands {
  AttentionShape shape;
  const Tensor* q;
  std::array<int64_t, 3> offsets = {0, 0, 0};  // of q, k, v in their tensors, in elements
  const Tensor *k, *v;
};

StatusOr<Operands> OperandsOf(OpKernelContext& ctx) {
  const Tensor& q = ctx.input(0);
  if (IsPacked(ctx)) {
    const int64_t row = q.dim(3) * q.dim(4);
    return Operands{.shape = {.batch = q.dim(0),
                              .queries = q.dim(1),
                              .keys = q.dim(1),
                              .heads = q.dim(3),
                              .head_dim = q.dim(4),
                              .qkv_stride = 3 * row},
                    .q = &q,
                    .offsets = {0, row, 2 * row},
                    .k = &q,
                    .v = &q};
  }
  if (ctx.num_inputs() != 3 && ctx.num_inputs() != 4) {
    return OpError(ctx,
                   "expects q, k, v (or qkv [batch, positions, 3, heads, head_dim]) and an "
                   "optional mask, got " +
                       std::to_string(ctx.num_inputs()) + " inputs");
  }
  const Tensor& k = ctx.input(1);
  const Tensor& v = ctx.input(2);
  if (q.rank() != 4 || k.shape() != v.shape() || k.rank() != 4 || q.dim(0) != k.dim(0) ||
      q.dim(2) != k.dim(2) || q.dim(3) != k.dim(3) || q.dtype() != k.dtype() ||
      q.dtype() != v.dtype()) {
    return OpError(ctx,
                   "q, k and v must be [batch, positions, heads, head_dim] of one dtype, got " +
                       q.DebugString() + ", " + k.DebugString() + ", " + v.DebugString());
  }
  return Operands{.shape = {.batch = q.dim(0),
                            .queries = q.dim(1),
                            .keys = k.dim(1),
                            .heads = q.dim(2),
                            .head_dim = q.dim(3)},
                  .q = &q,
                  .k = &k,
                  .v = &v};
}

Status AttentionKernel(OpKernelContext& ctx) {
  if (ctx.num_inputs() < 1) return OpError(ctx, "expects q, k, v or qkv");
  TFTRT_ASSIGN_OR_RETURN(const Operands operands, OperandsOf(ctx));
  const AttentionShape& shape = operands.shape;
  TFTRT_ASSIGN_OR_RETURN(const float scale, GetFloatAttrOr(ctx.node(), "scale", 1.0f));
  AttentionMask mask;
  const int mask_input = IsPacked(ctx) ? 1 : 3;
  if (ctx.num_inputs() == mask_input + 1) {
    const Tensor& values = ctx.input(mask_input);
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
  const DataType dtype = operands.q->dtype();
  Tensor out(dtype, {shape.batch, shape.queries, shape.heads, shape.head_dim});
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, dtype, [&]<typename T>() {
    Attention<T>(shape, operands.q->flat<T>() + operands.offsets[0],
                 operands.k->flat<T>() + operands.offsets[1],
                 operands.v->flat<T>() + operands.offsets[2], scale, mask, out.flat<T>());
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
