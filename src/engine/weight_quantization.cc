#include "engine/weight_quantization.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/int8_quantize.h"

namespace tftrt {

WeightChannels OutputChannelsOf(const EngineLayer& layer, int operand, const Shape& shape) {
  const int rank = static_cast<int>(shape.size());
  if (operand != 1 || rank < 2) return {};
  if (layer.op() == "Conv2D" && rank == 4) return {shape[3], 1};
  if (layer.op() == "DepthwiseConv2dNative" && rank == 4) return {shape[2] * shape[3], 1};
  if (layer.kind() == LAYER_KIND_MATMUL) {
    if (layer.matmul().transpose_b()) return {shape[rank - 2], shape[rank - 1]};
    return {shape[rank - 1], 1};
  }
  return {};
}

namespace {

int64_t ChannelOf(int64_t i, WeightChannels channels) {
  return (i / channels.inner) % channels.channels;
}

}  // namespace

QuantizedWeight QuantizeWeight(const Tensor& weight, WeightChannels channels) {
  const float* w = weight.flat<float>();
  const int64_t count = weight.NumElements();
  auto channel_of = [&](int64_t i) { return ChannelOf(i, channels); };
  std::vector<float> amax(channels.channels, 0.0f);
  for (int64_t i = 0; i < count; ++i) {
    float& channel_max = amax[channel_of(i)];
    channel_max = std::max(channel_max, std::fabs(w[i]));
  }
  QuantizedWeight quantized{Tensor(DataType::kInt8, weight.shape()), {}};
  for (float channel_max : amax) {
    quantized.scales.push_back(
        channel_max > 0 && std::isfinite(channel_max) ? Int8Scale(channel_max) : 1.0f);
  }
  int8_t* q = quantized.values.flat<int8_t>();
  for (int64_t i = 0; i < count; ++i) {
    q[i] = static_cast<int8_t>(QuantizeInt8(w[i], quantized.scales[channel_of(i)]));
  }
  return quantized;
}

Tensor DequantizeWeight(const Tensor& values, const std::vector<float>& scales,
                        WeightChannels channels) {
  Tensor weight(DataType::kFloat, values.shape());
  const int8_t* q = values.flat<int8_t>();
  float* w = weight.flat<float>();
  for (int64_t i = 0; i < values.NumElements(); ++i) {
    w[i] = static_cast<float>(q[i]) * scales[ChannelOf(i, channels)];
  }
  return weight;
}

}  // namespace tftrt
