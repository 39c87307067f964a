// Attention folding: Keras' MultiHeadAttention computes its attention in six layers of a TF
// graph (the query, key and value projections before them stay as they are),
//     scores = Einsum("BTNH,BSNH->BNTS", q, k) * scale         [batch, heads, queries, keys]
//     mask4  = LogicalAnd(Fill(shape, true), mask)              (with an attention mask)
//     p      = Softmax(SelectV2(mask4, scores, mask_value))
//     out    = Einsum("BNTS,BSNH->BTNH", p, v)                  [batch, queries, heads, dim]
// (Keras 2 names the labels otherwise and computes the scores from (k, q): any letters do.)
// and every one of them reads or writes the [batch, heads, queries, keys] scores. Folded,
// they become one layer `_TftrtAttention(q, k, v[, mask])` with attributes scale and
// mask_value (engine/ops: an engine-only op; kernels/cpu/attention.h says what it computes),
// which the cuda backend runs as cuDNN's fused attention: the scores never reach memory.
#ifndef TFTRT_ENGINE_ATTENTION_FOLDING_H_
#define TFTRT_ENGINE_ATTENTION_FOLDING_H_

#include "proto/engine.pb.h"

namespace tftrt {

// The engine-only op that attention folding creates.
inline constexpr char kAttentionOp[] = "_TftrtAttention";

// The largest head dim folded: what cuDNN's fused attention takes for FP16 on sm_80+.
inline constexpr int64_t kMaxAttentionHeadDim = 128;

// Rewrites `network` in place; returns how many attentions were folded. A pattern folds only
// when none of its intermediate values is read elsewhere, q, k and v are [batch, positions,
// heads, head_dim] tensors with head_dim a multiple of 8 and at most kMaxAttentionHeadDim,
// and the mask (when there is one) is a boolean tensor that broadcasts to the scores with
// one value for every head.
int FoldAttentions(EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_ATTENTION_FOLDING_H_
