// Epilogue fusion: folds elementwise layers (bias, activations, scaling, residual adds)
// into the epilogue of the layer that produces their input, so a convolution + bias +
// ReLU, a matmul + bias + GELU step, or a chain of elementwise ops runs as one layer and
// one pass over its output. A layer is folded when its input is the single-use output of
// the layer before it in the chain, is float, and any second operand is a weight or a
// tensor that already exists when the producing layer runs.
#ifndef TFTRT_ENGINE_FUSION_H_
#define TFTRT_ENGINE_FUSION_H_

#include "proto/engine.pb.h"

namespace tftrt {

// Rewrites `network` in place; returns how many layers were folded.
int FuseEpilogues(EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_FUSION_H_
