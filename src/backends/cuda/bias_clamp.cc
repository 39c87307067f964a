#include "backends/cuda/bias_clamp.h"

namespace tftrt::cuda {

int BiasClampSteps(const std::vector<EpilogueStep>& epilogue) {
  size_t steps = 0;
  if (steps < epilogue.size() && epilogue[steps].op == EpilogueOp::kBiasAdd) ++steps;
  if (steps < epilogue.size() &&
      (epilogue[steps].op == EpilogueOp::kRelu || epilogue[steps].op == EpilogueOp::kRelu6)) {
    ++steps;
  }
  return static_cast<int>(steps);
}

BiasClamp BiasClampBounds(const std::vector<EpilogueStep>& epilogue, int steps) {
  BiasClamp clamp;
  for (int i = 0; i < steps && i < static_cast<int>(epilogue.size()); ++i) {
    if (epilogue[i].op == EpilogueOp::kRelu || epilogue[i].op == EpilogueOp::kRelu6) {
      clamp.lower = 0.0f;
      clamp.upper =
          epilogue[i].op == EpilogueOp::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
    }
  }
  return clamp;
}

StatusOr<DeviceBiasClamp> DeviceBiasClamp::Upload(const std::vector<EpilogueStep>& epilogue) {
  DeviceBiasClamp result;
  result.steps = BiasClampSteps(epilogue);
  result.clamp = BiasClampBounds(epilogue, result.steps);
  if (result.steps > 0 && epilogue[0].op == EpilogueOp::kBiasAdd) {
    TFTRT_ASSIGN_OR_RETURN(result.bias,
                           DeviceWeights::UploadAs(epilogue[0].values, DataType::kHalf));
    result.clamp.bias = result.bias.data();
  }
  return result;
}

}  // namespace tftrt::cuda
