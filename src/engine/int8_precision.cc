#include "engine/int8_precision.h"

#include <cmath>
#include <map>
#include <set>

#include "engine/ops/op_converter.h"
#include "engine/weight_quantization.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

bool IsInt8Op(const std::string& op) {
  static const std::set<std::string>* ops = new std::set<std::string>{
      "Conv2D", "DepthwiseConv2dNative", "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"};
  return ops->contains(op);
}

bool IsFloatOperand(const EngineOperand& operand, const EngineNetwork& network) {
  if (operand.has_tensor()) {
    return operand.tensor() >= 0 && operand.tensor() < network.tensor_size() &&
           network.tensor(operand.tensor()).dtype() == tensorflow::DT_FLOAT;
  }
  // A float weight, or one an FP16 layer stores as half.
  return operand.weight().dtype() == tensorflow::DT_FLOAT ||
         (operand.weight().dtype() == tensorflow::DT_HALF &&
          operand.compute_dtype() == tensorflow::DT_FLOAT);
}

// The range of `tensor` in `ranges`, when it is usable for quantization.
std::optional<float> UsableRange(const CalibrationTable& ranges, const EngineTensor& tensor) {
  auto it = ranges.find(tensor.name());
  if (it == ranges.end() || !(it->second > 0) || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

bool AllInputsHaveRanges(const EngineLayer& layer, const CalibrationTable& ranges,
                         const EngineNetwork& network) {
  for (const EngineOperand& operand : layer.input()) {
    if (operand.has_tensor() && !UsableRange(ranges, network.tensor(operand.tensor()))) {
      return false;
    }
  }
  return true;
}

Status QuantizeWeightOperand(const EngineLayer& layer, int index, EngineOperand* operand) {
  TFTRT_ASSIGN_OR_RETURN(Tensor weight, TensorFromProto(operand->weight()));
  if (weight.dtype() != DataType::kFloat) {
    return Status::InvalidArgument("only float32 weights are quantized, not " +
                                   weight.DebugString());
  }
  QuantizedWeight quantized =
      QuantizeWeight(weight, OutputChannelsOf(layer, index, weight.shape()));
  operand->clear_weight();
  TensorToProto(quantized.values, operand->mutable_weight());
  for (float scale : quantized.scales) operand->add_scale(scale);
  return Status::Ok();
}

// Runs one candidate layer in INT8. False (the layer unchanged) when a weight cannot be
// read back, which a network the builder made never has.
bool MakeInt8(const CalibrationTable& ranges, EngineLayer* layer, EngineNetwork* network) {
  EngineLayer quantized = *layer;
  for (int i = 0; i < quantized.input_size(); ++i) {
    EngineOperand* operand = quantized.mutable_input(i);
    if (!operand->has_tensor() && !QuantizeWeightOperand(quantized, i, operand).ok()) {
      return false;
    }
  }
  for (const EngineOperand& operand : quantized.input()) {
    if (!operand.has_tensor()) continue;
    EngineTensor* tensor = network->mutable_tensor(operand.tensor());
    tensor->set_dynamic_range(*UsableRange(ranges, *tensor));
  }
  EngineTensor* output = network->mutable_tensor(quantized.output(0));
  if (auto range = UsableRange(ranges, *output)) output->set_dynamic_range(*range);
  quantized.set_precision("INT8");
  *layer = std::move(quantized);
  return true;
}

// Marks the tensors an INT8 layer writes and only INT8 layers read (as main inputs, not
// as epilogue operands, and not as network outputs) as stored in int8.
void MarkInt8Storage(EngineNetwork* network) {
  std::map<int, bool> int8_reads_only;  // tensor -> every read so far is an INT8 main input
  auto read = [&](int tensor, bool int8) {
    auto [it, inserted] = int8_reads_only.emplace(tensor, int8);
    if (!inserted) it->second = it->second && int8;
  };
  for (const EngineLayer& layer : network->layer()) {
    const bool int8 = layer.precision() == "INT8";
    for (const EngineOperand& operand : layer.input()) {
      if (operand.has_tensor()) read(operand.tensor(), int8);
    }
    for (const EngineEpilogueStep& step : layer.epilogue()) {
      if (step.operand().has_tensor()) read(step.operand().tensor(), false);
    }
  }
  for (const EngineBinding& output : network->output()) read(output.tensor(), false);
  for (const EngineLayer& layer : network->layer()) {
    if (layer.precision() != "INT8") continue;
    const int output = layer.output(0);
    auto it = int8_reads_only.find(output);
    EngineTensor* tensor = network->mutable_tensor(output);
    if (it != int8_reads_only.end() && it->second && tensor->dynamic_range() > 0) {
      tensor->set_int8(true);
    }
  }
}

// Ranges carried through layers that only move values (Reshape, Transpose, MaxPool,
// Relu, ...: engine/ops' preserves_values) from their one tensor input to their output, as
// TensorRT carries scales through them, so that a range given before a reshape also holds
// after it. Ranges of the output already known stay.
CalibrationTable PropagateRanges(const CalibrationTable& ranges, const EngineNetwork& network) {
  CalibrationTable propagated = ranges;
  for (const EngineLayer& layer : network.layer()) {
    const OpConverter* converter = ConverterTable::Global().Find(layer.op());
    if (converter == nullptr || !converter->preserves_values || layer.output_size() != 1 ||
        layer.epilogue_size() > 0) {
      continue;
    }
    const EngineOperand* source = nullptr;
    int tensor_inputs = 0;
    for (const EngineOperand& operand : layer.input()) {
      if (!operand.has_tensor()) continue;
      ++tensor_inputs;
      source = &operand;
    }
    if (tensor_inputs != 1) continue;
    auto range = propagated.find(network.tensor(source->tensor()).name());
    if (range == propagated.end()) continue;
    propagated.emplace(network.tensor(layer.output(0)).name(), range->second);
  }
  return propagated;
}

}  // namespace

bool IsInt8Candidate(const EngineLayer& layer, const EngineNetwork& network) {
  if (!IsInt8Op(layer.op()) || layer.output_size() != 1) return false;
  // Per-channel weight scales belong to the output's last dimension: channels last.
  auto format = layer.attr().find("data_format");
  if (format != layer.attr().end() && format->second.s() != "NHWC") return false;
  for (const EngineOperand& operand : layer.input()) {
    if (!IsFloatOperand(operand, network)) return false;
  }
  const int output = layer.output(0);
  return output >= 0 && output < network.tensor_size() &&
         network.tensor(output).dtype() == tensorflow::DT_FLOAT;
}

std::vector<std::string> Int8CalibrationTensors(const EngineNetwork& network) {
  std::set<std::string> names;
  for (const EngineLayer& layer : network.layer()) {
    if (!IsInt8Candidate(layer, network)) continue;
    for (const EngineOperand& operand : layer.input()) {
      if (operand.has_tensor()) names.insert(network.tensor(operand.tensor()).name());
    }
    names.insert(network.tensor(layer.output(0)).name());
  }
  return {names.begin(), names.end()};
}

int ApplyInt8Precision(const CalibrationTable& given_ranges,
                       const std::set<std::string>& fp16_layers, EngineNetwork* network) {
  const CalibrationTable ranges = PropagateRanges(given_ranges, *network);
  int count = 0;
  for (EngineLayer& layer : *network->mutable_layer()) {
    if (!IsInt8Candidate(layer, *network) || fp16_layers.contains(layer.name()) ||
        !AllInputsHaveRanges(layer, ranges, *network)) {
      continue;
    }
    count += MakeInt8(ranges, &layer, network);
  }
  MarkInt8Storage(network);
  return count;
}

}  // namespace tftrt
