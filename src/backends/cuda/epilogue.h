// The elementwise steps that a convolution or matmul runner may fuse after its product
// ("epilogue"), in order: y = step_n(...step_1(conv(x, w))...). The builder lists the steps it
// wants fused; a runner fuses the longest prefix that its library accepts for the shape and
// dtype and reports how many (`fused_steps()`); the caller runs the rest itself, on the
// runner's output, in the same order.
//
// Semantics are TensorFlow's ops on the output tensor y ([..., K], K = output channels, the
// last dimension):
//   kBiasAdd      y + values[k]           BiasAdd          values: K floats
//   kChannelScale y * values[k]           Mul by a [K]     values: K floats
//   kResidualAdd  y + r                   AddV2            r: a device tensor of y's shape
//   kRelu         max(y, 0)               Relu
//   kRelu6        min(max(y, 0), 6)       Relu6
//   kLeakyRelu    y > 0 ? y : alpha * y   LeakyRelu(alpha)
//   kSigmoid      1 / (1 + exp(-y))       Sigmoid
//   kTanh         tanh(y)                 Tanh
//   kElu          y > 0 ? y : alpha * (exp(y) - 1)   Elu (TF: alpha = 1)
//   kGeluExact    y * (1 + erf(y / sqrt 2)) / 2     tf.nn.gelu(approximate=False), the default
//   kGeluTanh     y * (1 + tanh(sqrt(2/pi) * (y + 0.044715 y^3))) / 2   gelu(approximate=True)
// Bias and scale values are constants, given on the host as float32; a runner uploads them at
// creation in its I/O dtype. The residual is the only run-time operand (at most one step).
#ifndef TFTRT_BACKENDS_CUDA_EPILOGUE_H_
#define TFTRT_BACKENDS_CUDA_EPILOGUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tftrt/status.h"

namespace tftrt::cuda {

enum class EpilogueOp {
  kBiasAdd,
  kChannelScale,
  kResidualAdd,
  kRelu,
  kRelu6,
  kLeakyRelu,
  kSigmoid,
  kTanh,
  kElu,
  kGeluExact,
  kGeluTanh,
};

// "BiasAdd", "Relu6", ...
std::string_view EpilogueOpName(EpilogueOp op);

struct EpilogueStep {
  EpilogueOp op = EpilogueOp::kRelu;
  std::vector<float> values;  // kBiasAdd, kChannelScale: one per output channel
  float alpha = 0.0f;         // kLeakyRelu: the slope below 0; kElu: alpha

  static EpilogueStep BiasAdd(std::vector<float> bias) {
    return {EpilogueOp::kBiasAdd, std::move(bias), 0.0f};
  }
  static EpilogueStep ChannelScale(std::vector<float> scale) {
    return {EpilogueOp::kChannelScale, std::move(scale), 0.0f};
  }
  static EpilogueStep ResidualAdd() { return {EpilogueOp::kResidualAdd, {}, 0.0f}; }
  static EpilogueStep Activation(EpilogueOp op, float alpha = 0.0f) { return {op, {}, alpha}; }
  static EpilogueStep LeakyRelu(float alpha) { return {EpilogueOp::kLeakyRelu, {}, alpha}; }
  static EpilogueStep Elu(float alpha = 1.0f) { return {EpilogueOp::kElu, {}, alpha}; }
};

// The most steps a runner takes (its run-time pointer table is fixed-size).
inline constexpr int kMaxEpilogueSteps = 16;

// InvalidArgument unless: at most kMaxEpilogueSteps steps, bias / scale steps have exactly
// `channels` finite values, activations carry no values, and at most one kResidualAdd.
Status ValidateEpilogue(const std::vector<EpilogueStep>& steps, int64_t channels);

// True if the first `count` steps include a kResidualAdd (i.e. Run needs the residual).
bool PrefixHasResidual(const std::vector<EpilogueStep>& steps, int count);

// "BiasAdd+ResidualAdd+Relu" for messages; "none" when empty.
std::string EpilogueToString(const std::vector<EpilogueStep>& steps);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_EPILOGUE_H_
