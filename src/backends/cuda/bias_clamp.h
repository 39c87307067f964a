// The epilogue of tftrt's CUTLASS 2 kernels (cutlass/bias_clamp_matmul.h, bias_clamp_conv.h):
//   out = clamp(product + bias, lower, upper)
// with the bias optional (one float16 value per output channel, broadcast over the rows)
// and the clamp bounds TF's activations: none (-inf, inf), Relu (0, inf), Relu6 (0, 6);
// NaN passes through the clamp. Accumulation and epilogue math are float32.
#ifndef TFTRT_BACKENDS_CUDA_BIAS_CLAMP_H_
#define TFTRT_BACKENDS_CUDA_BIAS_CLAMP_H_

#include <limits>
#include <vector>

#include "backends/cuda/device_weights.h"
#include "backends/cuda/epilogue.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct BiasClamp {
  const void* bias = nullptr;  // float16 values on the device, one per output channel, or null
  float lower = -std::numeric_limits<float>::infinity();
  float upper = std::numeric_limits<float>::infinity();
};

// How many leading steps of `epilogue` a BiasClamp expresses: an optional BiasAdd, then an
// optional Relu or Relu6.
int BiasClampSteps(const std::vector<EpilogueStep>& epilogue);

// The clamp bounds of the activation among the first `steps` steps of `epilogue` (as
// BiasClampSteps counts them); the bias pointer is left null for the caller to set.
BiasClamp BiasClampBounds(const std::vector<EpilogueStep>& epilogue, int steps);

// A BiasClamp with its bias on the device: what a runner holds.
struct DeviceBiasClamp {
  int steps = 0;       // BiasClampSteps of the epilogue
  DeviceWeights bias;  // the fused bias as float16, or empty
  BiasClamp clamp;     // clamp.bias points into `bias` (moving keeps the device pointer)

  // The BiasClamp of `epilogue`, its bias uploaded as float16 (on the current device).
  static StatusOr<DeviceBiasClamp> Upload(const std::vector<EpilogueStep>& epilogue);
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_BIAS_CLAMP_H_
