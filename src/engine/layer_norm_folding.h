// Layer-normalization folding: Keras' LayerNormalization over the last axis (BERT has two
// per encoder block) is eleven layers in a TF graph,
//     m = Mean(x, -1, keep_dims)          v = Mean(SquaredDifference(x, m), -1, keep_dims)
//     s = Rsqrt(v + epsilon) * gamma      y = x * s + ((-m) * s + beta)
// six of them passes over the whole activation. Folded, they become one layer
// `_TftrtLayerNorm(x, gamma, beta)` with attribute epsilon (engine/ops: an engine-only op,
// computed per row in float with the same formula), one pass on the cuda backend.
#ifndef TFTRT_ENGINE_LAYER_NORM_FOLDING_H_
#define TFTRT_ENGINE_LAYER_NORM_FOLDING_H_

#include "proto/engine.pb.h"

namespace tftrt {

// The engine-only op that layer-normalization folding creates.
inline constexpr char kLayerNormOp[] = "_TftrtLayerNorm";

// Rewrites `network` in place; returns how many layer normalizations were folded. A pattern
// folds only when gamma, beta and epsilon are weights (gamma and beta vectors along the
// last dim) and none of its intermediate values is read elsewhere.
int FoldLayerNorms(EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_LAYER_NORM_FOLDING_H_
