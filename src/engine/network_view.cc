#include "engine/network_view.h"

#include "kernels/cpu/elementwise.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {

NetworkView::NetworkView(const EngineNetwork& network) : network_(network) {
  for (int i = 0; i < network.layer_size(); ++i) {
    const EngineLayer& layer = network.layer(i);
    for (const EngineOperand& input : layer.input()) {
      if (input.has_tensor()) ++readers_[input.tensor()];
    }
    for (const EngineEpilogueStep& step : layer.epilogue()) {
      if (step.operand().has_tensor()) ++readers_[step.operand().tensor()];
    }
    for (int tensor : layer.output()) producer_[tensor] = i;
  }
  for (const EngineBinding& output : network.output()) ++readers_[output.tensor()];
}

int NetworkView::Producer(int tensor, const std::string& op) const {
  auto it = producer_.find(tensor);
  if (it == producer_.end()) return -1;
  return op.empty() || network_.layer(it->second).op() == op ? it->second : -1;
}

int NetworkView::Readers(int tensor) const {
  auto it = readers_.find(tensor);
  return it == readers_.end() ? 0 : it->second;
}

std::vector<int64_t> NetworkView::Dims(int tensor) const {
  if (tensor < 0 || tensor >= network_.tensor_size()) return {};
  const EngineTensor& t = network_.tensor(tensor);
  return {t.dim().begin(), t.dim().end()};
}

int TensorInputOfBinary(const EngineLayer& layer) {
  if (layer.input_size() != 2) return -1;
  const bool first = layer.input(0).has_tensor(), second = layer.input(1).has_tensor();
  if (first == second) return -1;
  return first ? 0 : 1;
}

std::optional<Tensor> FloatWeight(const EngineOperand& operand) {
  if (!operand.has_weight()) return std::nullopt;
  StatusOr<Tensor> value = TensorFromProto(operand.weight());
  if (!value.ok()) return std::nullopt;
  if (value->dtype() == DataType::kHalf) return WidenToFloat(*value);
  if (value->dtype() == DataType::kFloat) return std::move(*value);
  return std::nullopt;
}

std::optional<float> ScalarWeight(const EngineOperand& operand) {
  std::optional<Tensor> value = FloatWeight(operand);
  if (!value.has_value() || value->NumElements() != 1) return std::nullopt;
  return value->flat<float>()[0];
}

std::optional<Tensor> LastDimVectorWeight(const EngineOperand& operand) {
  std::optional<Tensor> value = FloatWeight(operand);
  if (!value.has_value() || value->rank() < 1) return std::nullopt;
  for (int d = 0; d + 1 < value->rank(); ++d) {
    if (value->dim(d) != 1) return std::nullopt;
  }
  return Tensor::FromVector(
      std::vector<float>(value->flat<float>(), value->flat<float>() + value->NumElements()),
      {value->NumElements()});
}

}  // namespace tftrt
