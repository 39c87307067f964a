#include "engine/int8_as_fp16.h"

#include "engine/weight_quantization.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/int8_quantize.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

tensorflow::AttrValue ScaleAttr(float amax) {
  tensorflow::AttrValue scale;
  scale.set_f(Int8Scale(amax));
  return scale;
}

// A new tensor like `like`, named `name`, stored at the layer's float precision.
int AddTensor(const EngineTensor& like, const std::string& name, EngineNetwork* network) {
  EngineTensor* tensor = network->add_tensor();
  tensor->set_dtype(like.dtype());
  *tensor->mutable_dim() = like.dim();
  tensor->set_name(name);
  network->set_num_tensors(network->tensor_size());
  return network->tensor_size() - 1;
}

// The layer that fake-quantizes tensor `input` with its range into a new tensor.
EngineLayer FakeQuantLayer(const EngineLayer& consumer, int index, int input,
                           EngineNetwork* network) {
  const EngineTensor source = network->tensor(input);
  EngineLayer layer;
  layer.set_name(consumer.name() + "/fake_quant_int8_input_" + std::to_string(index));
  layer.set_op(kFakeQuantInt8Op);
  layer.set_kind(LAYER_KIND_ELEMENTWISE);
  (*layer.mutable_attr())["T"].set_type(source.dtype());
  (*layer.mutable_attr())["scale"] = ScaleAttr(source.dynamic_range());
  layer.add_input()->set_tensor(input);
  layer.add_output(AddTensor(source, source.name() + "/fake_quant_int8", network));
  return layer;
}

// An int8 weight operand as the half weight of an FP16 layer.
void DequantizeOperand(const EngineLayer& layer, int index, EngineOperand* operand) {
  auto values = TensorFromProto(operand->weight());
  if (!values.ok() || values->dtype() != DataType::kInt8) return;  // not quantized
  const std::vector<float> scales(operand->scale().begin(), operand->scale().end());
  const WeightChannels channels = OutputChannelsOf(layer, index, values->shape());
  if (static_cast<int64_t>(scales.size()) != channels.channels) return;
  const Tensor weight = DequantizeWeight(*values, scales, channels);
  operand->clear_scale();
  TensorToProto(NarrowFromFloat(weight, DataType::kHalf), operand->mutable_weight());
  operand->set_compute_dtype(tensorflow::DT_FLOAT);
}

bool ValidTensor(int tensor, const EngineNetwork& network) {
  return tensor >= 0 && tensor < network.tensor_size();
}

}  // namespace

EngineNetwork Int8LayersAsFp16(const EngineNetwork& network) {
  if (network.precision() != "INT8") return network;
  EngineNetwork lowered = network;
  lowered.clear_layer();
  lowered.set_precision("FP16");
  for (EngineLayer layer : network.layer()) {
    // A malformed layer stays as it is, for the backend's checks to report.
    if (layer.precision() != "INT8" || layer.output_size() != 1 ||
        !ValidTensor(layer.output(0), lowered)) {
      *lowered.add_layer() = std::move(layer);
      continue;
    }
    for (int i = 0; i < layer.input_size(); ++i) {
      EngineOperand* operand = layer.mutable_input(i);
      if (!operand->has_tensor()) {
        DequantizeOperand(layer, i, operand);
        continue;
      }
      if (!ValidTensor(operand->tensor(), lowered) ||
          lowered.tensor(operand->tensor()).dynamic_range() <= 0) {
        continue;
      }
      EngineLayer fake_quant = FakeQuantLayer(layer, i, operand->tensor(), &lowered);
      operand->set_tensor(fake_quant.output(0));
      *lowered.add_layer() = std::move(fake_quant);
    }
    EngineTensor* output = lowered.mutable_tensor(layer.output(0));
    if (output->int8() && output->dynamic_range() > 0) {
      EngineEpilogueStep* step = layer.add_epilogue();
      step->set_op(kFakeQuantInt8Op);
      (*step->mutable_attr())["T"].set_type(output->dtype());
      (*step->mutable_attr())["scale"] = ScaleAttr(output->dynamic_range());
    }
    output->set_int8(false);
    layer.set_precision("FP16");
    *lowered.add_layer() = std::move(layer);
  }
  return lowered;
}

}  // namespace tftrt
