// Pad folding: a zero Pad (or PadV2 with a zero value) of an NHWC tensor in H and W only,
// whose output is read by nothing but a Conv2D or DepthwiseConv2dNative, becomes that
// convolution's own padding (explicit pads), as TensorRT folds paddings into convolutions.
// A convolution pads with zeros, so the result is the same; the padded copy of the input
// (Keras' ZeroPadding2D before a VALID convolution, ResNet's first layer) is never made.
#ifndef TFTRT_ENGINE_PAD_FOLDING_H_
#define TFTRT_ENGINE_PAD_FOLDING_H_

#include "proto/engine.pb.h"

namespace tftrt {

// Rewrites `network` in place (the convolution's parameters and its TF attributes, which
// the cpu backend runs by); returns how many pads were folded.
int FoldPadsIntoConvolutions(EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_PAD_FOLDING_H_
