#include "backends/cpu/int8_layer.h"

#include "backends/cpu/layer_kernel.h"
#include "kernels/cpu/int8_quantize.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// The op's attributes with every dtype attribute set to int32.
google::protobuf::Map<std::string, tensorflow::AttrValue> Int32Attrs(const EngineLayer& layer) {
  google::protobuf::Map<std::string, tensorflow::AttrValue> attrs = layer.attr();
  for (const char* name : {"T", "Ta", "Tb", "Tout"}) {
    if (attrs.contains(name)) attrs[name].set_type(tensorflow::DT_INT32);
  }
  return attrs;
}

Tensor WidenInt8(const Tensor& values) {
  Tensor wide(DataType::kInt32, values.shape());
  const int8_t* in = values.flat<int8_t>();
  int32_t* out = wide.flat<int32_t>();
  for (int64_t i = 0; i < values.NumElements(); ++i) out[i] = in[i];
  return wide;
}

// A depthwise filter [R, S, C, M] is the grouped Conv2D filter [R, S, 1, C * M].
StatusOr<Tensor> AsGroupedFilter(const Tensor& filter) {
  if (filter.rank() != 4) {
    return Status::InvalidArgument("a depthwise filter has rank 4, got " + filter.DebugString());
  }
  return filter.Reshaped({filter.dim(0), filter.dim(1), 1, filter.dim(2) * filter.dim(3)});
}

}  // namespace

StatusOr<std::unique_ptr<Int8Layer>> Int8Layer::Compile(const EngineLayer& layer,
                                                        const EngineNetwork& network) {
  std::unique_ptr<Int8Layer> compiled(new Int8Layer());
  compiled->depthwise_ = layer.op() == "DepthwiseConv2dNative";
  const std::string op = compiled->depthwise_ ? "Conv2D" : layer.op();
  TFTRT_ASSIGN_OR_RETURN(compiled->node_, MakeLayerNode(layer.name() + "/int8", op,
                                                        Int32Attrs(layer), &compiled->kernel_));
  if (layer.output_size() != 1 || layer.output(0) < 0 || layer.output(0) >= network.tensor_size()) {
    return Status::InvalidArgument("INT8 layer '" + layer.name() + "' must write one tensor");
  }
  const EngineTensor& output = network.tensor(layer.output(0));
  const int64_t out_channels = output.dim_size() > 0 ? output.dim(output.dim_size() - 1) : 1;
  for (int i = 0; i < layer.input_size(); ++i) {
    TFTRT_RETURN_IF_ERROR_CTX(compiled->CompileOperand(layer, i, network, out_channels),
                              "in INT8 layer '" + layer.name() + "' (" + layer.op() + ")");
  }
  return compiled;
}

Status Int8Layer::CompileOperand(const EngineLayer& layer, int index, const EngineNetwork& network,
                                 int64_t out_channels) {
  const EngineOperand& proto = layer.input(index);
  Operand operand;
  std::vector<float> scales;
  if (proto.has_tensor()) {
    if (proto.tensor() < 0 || proto.tensor() >= network.tensor_size()) {
      return Status::InvalidArgument("input " + std::to_string(index) + " is tensor " +
                                     std::to_string(proto.tensor()) + " of " +
                                     std::to_string(network.tensor_size()));
    }
    const EngineTensor& tensor = network.tensor(proto.tensor());
    if (!(tensor.dynamic_range() > 0)) {
      return Status::InvalidArgument("input tensor '" + tensor.name() +
                                     "' has no dynamic range to quantize it with");
    }
    operand.scale = Int8Scale(tensor.dynamic_range());
    scales = {operand.scale};
  } else {
    TFTRT_ASSIGN_OR_RETURN(Tensor weight, TensorFromProto(proto.weight()));
    if (weight.dtype() != DataType::kInt8) {
      return Status::InvalidArgument("weight input " + std::to_string(index) + " is " +
                                     weight.DebugString() + ", not int8");
    }
    operand.int32_weight = WidenInt8(weight);
    if (depthwise_ && index == 1) {
      TFTRT_ASSIGN_OR_RETURN(operand.int32_weight, AsGroupedFilter(operand.int32_weight));
    }
    scales.assign(proto.scale().begin(), proto.scale().end());
    if (scales.size() != 1 && static_cast<int64_t>(scales.size()) != out_channels) {
      return Status::InvalidArgument(
          "weight input " + std::to_string(index) + " has " + std::to_string(scales.size()) +
          " scales; expected 1 or one per output channel (" + std::to_string(out_channels) + ")");
    }
  }
  // Output channel k's scale is the product of the operands' scales for k.
  if (scales.size() > output_scales_.size())
    output_scales_.resize(scales.size(), output_scales_[0]);
  for (size_t k = 0; k < output_scales_.size(); ++k) {
    output_scales_[k] *= scales.size() == 1 ? scales[0] : scales[k];
  }
  operands_.push_back(std::move(operand));
  return Status::Ok();
}

StatusOr<Tensor> Int8Layer::Run(const std::vector<Tensor>& inputs) const {
  std::vector<Tensor> quantized;
  for (size_t i = 0; i < operands_.size(); ++i) {
    const Operand& operand = operands_[i];
    if (operand.int32_weight.is_valid()) {
      quantized.push_back(operand.int32_weight);
      continue;
    }
    const Tensor& x = inputs[i];
    if (x.dtype() != DataType::kFloat) {
      return Status::InvalidArgument("INT8 layer '" + node_.name + "' input " + std::to_string(i) +
                                     " is " + x.DebugString() + ", not float32");
    }
    Tensor q(DataType::kInt32, x.shape());
    QuantizeInt8(x.flat<float>(), x.NumElements(), operand.scale, q.flat<int32_t>());
    if (depthwise_ && i == 1) {
      TFTRT_ASSIGN_OR_RETURN(q, AsGroupedFilter(q));
    }
    quantized.push_back(std::move(q));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                         RunLayerKernel(node_, kernel_, std::move(quantized)));
  const Tensor& accumulated = outputs.at(0);
  Tensor result(DataType::kFloat, accumulated.shape());
  const int32_t* acc = accumulated.flat<int32_t>();
  float* out = result.flat<float>();
  const int64_t channels = static_cast<int64_t>(output_scales_.size());
  for (int64_t i = 0; i < result.NumElements(); ++i) {
    out[i] = static_cast<float>(acc[i]) * output_scales_[i % channels];
  }
  return result;
}

}  // namespace tftrt
