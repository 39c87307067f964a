// Per-output-channel symmetric int8 quantization of an INT8 layer's weights, as TensorRT
// quantizes convolution and matmul weights: for each channel c of the layer's output,
// scale[c] = max |w| over the weights that feed channel c, divided by 127, and
// q = roundWithTiesToEven(w / scale[c]), so q lies in [-127, 127].
#ifndef TFTRT_ENGINE_WEIGHT_QUANTIZATION_H_
#define TFTRT_ENGINE_WEIGHT_QUANTIZATION_H_

#include <cstdint>
#include <vector>

#include "proto/engine.pb.h"
#include "tftrt/tensor.h"

namespace tftrt {

// Which output channel each element of a weight feeds: element i feeds channel
// (i / inner) % channels. One channel: a single scale for the whole weight.
struct WeightChannels {
  int64_t channels = 1;
  int64_t inner = 1;
};

// The channels of weight operand `operand` (of shape `shape`) of an INT8 candidate layer:
// a Conv2D filter [R, S, C, K] per K; a depthwise filter [R, S, C, M] per C * M (output
// channel c * M + m); a matmul's second operand per column of the product (its last
// dimension, or the one before it when transposed); any other weight as a whole.
WeightChannels OutputChannelsOf(const EngineLayer& layer, int operand, const Shape& shape);

struct QuantizedWeight {
  Tensor values;              // int8, the weight's shape
  std::vector<float> scales;  // channels.channels entries
};

// REQUIRES: weight is float32 and its size is a multiple of channels * inner. A channel of
// zeros gets scale 1 (its values stay 0).
QuantizedWeight QuantizeWeight(const Tensor& weight, WeightChannels channels);

// The float values of a quantized weight: q * scales[channel]. REQUIRES: values is int8,
// scales has channels.channels entries.
Tensor DequantizeWeight(const Tensor& values, const std::vector<float>& scales,
                        WeightChannels channels);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_WEIGHT_QUANTIZATION_H_
