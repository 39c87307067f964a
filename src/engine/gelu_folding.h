// GELU folding: TensorFlow's tf.nn.gelu (approximate=False, what Keras' "gelu" activation
// and BERT's feed-forward layers use) is five elementwise ops,
//     y = (0.5 * x) * erfc((-x) * 0.70710678)
// (Mul, Neg, Mul, Erfc, Mul), three passes over a large activation when run one by one.
// Folded, they become one layer `_TftrtGelu(x)` (engine/ops: an engine-only op, computed in
// float with the same constants and order), which the fusion after it then folds into the
// epilogue of the matmul that produces x.
#ifndef TFTRT_ENGINE_GELU_FOLDING_H_
#define TFTRT_ENGINE_GELU_FOLDING_H_

#include "proto/engine.pb.h"

namespace tftrt {

// The engine-only op that GELU folding creates.
inline constexpr char kGeluOp[] = "_TftrtGelu";

// Rewrites `network` in place; returns how many GELUs were folded. A pattern folds only
// when none of its intermediate values is read elsewhere (or is a network output).
int FoldGelus(EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_GELU_FOLDING_H_
