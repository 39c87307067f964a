// QKV packing: self-attention's query, key and value projections read one tensor x with
// three weights of one shape (Keras' EinsumDense layers: BatchMatMulV2 or MatMul by
// [e, n * h] plus a bias, each reshaped to [b, s, n, h] for _TftrtAttention). Packed, they
// are one product x . [Wq | Wk | Wv] + [bq | bk | bv], reshaped to [b, s, 3, n, h], which the
// attention reads through strides as q = qkv[:, :, 0], k = qkv[:, :, 1], v = qkv[:, :, 2]:
// one launch instead of three, and a product three times as wide, which fills a GPU better
// at small batches (BERT-base at batch 1: 128 x 2304 instead of three 128 x 768).
//
//   _TftrtAttention(qkv[, mask]), qkv [b, s, 3, n, h]: the packed form of
//   _TftrtAttention(q, k, v[, mask]) (kernels/cpu/attention.h says what it computes).
#ifndef TFTRT_ENGINE_QKV_PACKING_H_
#define TFTRT_ENGINE_QKV_PACKING_H_

#include "proto/engine.pb.h"

namespace tftrt {

// Rewrites `network` in place; returns how many attentions now read packed projections. A
// pattern packs only when q, k and v are distinct tensors, each the only output of a Reshape
// read only by the attention, of a projection read only by that Reshape: an untransposed
// product of the same tensor x by a float weight [e, n * h] (the three of one shape and
// precision), with no epilogue or one bias add of n * h values (all three alike).
int PackQkvProjections(EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_QKV_PACKING_H_
