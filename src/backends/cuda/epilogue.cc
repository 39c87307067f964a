#include "backends/cuda/epilogue.h"

#include <cmath>

namespace tftrt::cuda {

std::string_view EpilogueOpName(EpilogueOp op) {
  switch (op) {
    case EpilogueOp::kBiasAdd:
      return "BiasAdd";
    case EpilogueOp::kChannelScale:
      return "ChannelScale";
    case EpilogueOp::kResidualAdd:
      return "ResidualAdd";
    case EpilogueOp::kRelu:
      return "Relu";
    case EpilogueOp::kRelu6:
      return "Relu6";
    case EpilogueOp::kLeakyRelu:
      return "LeakyRelu";
    case EpilogueOp::kSigmoid:
      return "Sigmoid";
    case EpilogueOp::kTanh:
      return "Tanh";
    case EpilogueOp::kElu:
      return "Elu";
    case EpilogueOp::kGeluExact:
      return "GeluExact";
    case EpilogueOp::kGeluTanh:
      return "GeluTanh";
  }
  return "unknown";
}

Status ValidateEpilogue(const std::vector<EpilogueStep>& steps, int64_t channels) {
  if (steps.size() > static_cast<size_t>(kMaxEpilogueSteps)) {
    return Status::InvalidArgument("an epilogue has at most " + std::to_string(kMaxEpilogueSteps) +
                                   " steps, got " + std::to_string(steps.size()));
  }
  int residuals = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const EpilogueStep& step = steps[i];
    const std::string where =
        "epilogue step " + std::to_string(i) + " (" + std::string(EpilogueOpName(step.op)) + ")";
    switch (step.op) {
      case EpilogueOp::kBiasAdd:
      case EpilogueOp::kChannelScale:
        if (static_cast<int64_t>(step.values.size()) != channels) {
          return Status::InvalidArgument(where + " needs one value per output channel (" +
                                         std::to_string(channels) + "), got " +
                                         std::to_string(step.values.size()));
        }
        for (float v : step.values) {
          if (!std::isfinite(v)) return Status::InvalidArgument(where + " has a non-finite value");
        }
        continue;
      case EpilogueOp::kResidualAdd:
        if (++residuals > 1) {
          return Status::InvalidArgument(where + ": at most one residual add per epilogue");
        }
        break;
      case EpilogueOp::kLeakyRelu:
      case EpilogueOp::kElu:
        if (!std::isfinite(step.alpha))
          return Status::InvalidArgument(where + ": alpha not finite");
        break;
      default:
        break;
    }
    if (!step.values.empty()) return Status::InvalidArgument(where + " takes no values");
  }
  return Status::Ok();
}

bool PrefixHasResidual(const std::vector<EpilogueStep>& steps, int count) {
  for (int i = 0; i < count && i < static_cast<int>(steps.size()); ++i) {
    if (steps[i].op == EpilogueOp::kResidualAdd) return true;
  }
  return false;
}

std::string EpilogueToString(const std::vector<EpilogueStep>& steps) {
  if (steps.empty()) return "none";
  std::string s;
  for (const EpilogueStep& step : steps) {
    if (!s.empty()) s += "+";
    s += EpilogueOpName(step.op);
  }
  return s;
}

}  // namespace tftrt::cuda
