#include "engine/network_builder.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/memory_limit.h"
#include "engine/attention_folding.h"
#include "engine/fusion.h"
#include "engine/gelu_folding.h"
#include "engine/int8_precision.h"
#include "engine/layer_norm_folding.h"
#include "engine/ops/op_converter.h"
#include "engine/ops/shape_helpers.h"
#include "engine/pad_folding.h"
#include "engine/qkv_packing.h"
#include "engine/quantization_ranges.h"
#include "graph/attrs.h"
#include "graph/output_types.h"
#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// What a node output is while lowering: a network tensor (with its dtype and shape) or a
// constant.
struct Value {
  int tensor = -1;
  DataType dtype = DataType::kInvalid;
  Shape shape;
  Tensor constant;

  bool is_constant() const { return tensor < 0; }
};

// The value of TF's Shape of a tensor of `shape`, as `out_type` (int32 or int64).
StatusOr<Tensor> ShapeValue(const Shape& shape, DataType out_type) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (out_type == DataType::kInt64) {
    Tensor value(DataType::kInt64, {rank});
    for (int64_t d = 0; d < rank; ++d) value.flat<int64_t>()[d] = shape[d];
    return value;
  }
  Tensor value(DataType::kInt32, {rank});
  for (int64_t d = 0; d < rank; ++d) value.flat<int32_t>()[d] = static_cast<int32_t>(shape[d]);
  return value;
}

class Lowering {
 public:
  Lowering(const Graph& segment, const BuildOptions& options)
      : segment_(segment), options_(options) {}

  // The ranges the segment's quantization ops gave their tensors (INT8 only); filled by Run.
  const CalibrationTable& quantization_ranges() const { return quantization_ranges_; }

  StatusOr<EngineNetwork> Run(const std::vector<EngineArg>& args) {
    network_.set_precision(PrecisionName(options_.precision));
    network_.set_workspace_size_bytes(options_.workspace_size_bytes);
    network_.set_allow_tf32(options_.allow_tf32);
    TFTRT_ASSIGN_OR_RETURN(types_, GraphTypes::Infer(segment_, OpDefs::Builtin()));
    TFTRT_RETURN_IF_ERROR(BindArgs(args));
    TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(segment_, true));
    for (Node* node : order) {
      if (node->op == "_Arg") continue;
      TFTRT_RETURN_IF_ERROR_CTX(Lower(*node),
                                "while building an engine layer for node " + node->Describe());
    }
    TFTRT_RETURN_IF_ERROR(BindRets());
    network_.set_num_tensors(static_cast<int>(network_.tensor_size()));
    return std::move(network_);
  }

 private:
  Status BindArgs(const std::vector<EngineArg>& args) {
    const auto& graph_args = segment_.args();
    if (args.size() != graph_args.size()) {
      return Status::InvalidArgument("the engine's segment takes " +
                                     std::to_string(graph_args.size()) + " inputs, got " +
                                     std::to_string(args.size()));
    }
    for (size_t i = 0; i < args.size(); ++i) {
      const EngineArg& arg = args[i];
      if (arg.dtype != graph_args[i].dtype) {
        return Status::InvalidArgument(
            "engine input " + std::to_string(i) + " ('" + graph_args[i].name + "') has dtype " +
            std::string(DataTypeName(arg.dtype)) + ", the segment expects " +
            std::string(DataTypeName(graph_args[i].dtype)));
      }
      Value& value = values_[{graph_args[i].node, 0}];
      if (arg.weight != nullptr) {
        value.constant = *arg.weight;
        continue;
      }
      value = NewTensor(arg.dtype, arg.shape, EngineInputTensorName(static_cast<int>(i)));
      EngineBinding* binding = network_.add_input();
      binding->set_name(graph_args[i].name);
      binding->set_tensor(value.tensor);
      binding->set_dtype(DataTypeToProto(arg.dtype));
      ShapeToProto(arg.shape, binding->mutable_shape());
    }
    return Status::Ok();
  }

  // A new network tensor of this dtype and shape, holding TF tensor `name`.
  Value NewTensor(DataType dtype, const Shape& shape, const std::string& name) {
    Value value;
    value.tensor = network_.tensor_size();
    value.dtype = dtype;
    value.shape = shape;
    EngineTensor* tensor = network_.add_tensor();
    tensor->set_dtype(DataTypeToProto(dtype));
    for (int64_t d : shape) tensor->add_dim(d);
    tensor->set_name(name);
    return value;
  }

  static std::string TensorName(const std::string& node, int output) {
    return node + ":" + std::to_string(output);
  }

  Status Lower(const Node& node) {
    if (node.op == "Const") {
      values_[{&node, 0}].constant = node.constant;
      return Status::Ok();
    }
    if (IsIdentityLike(node.op)) {
      values_[{&node, 0}] = values_.at(Key(node.inputs[0]));
      return Status::Ok();
    }
    const OpConverter* converter = ConverterTable::Global().Find(node.op);
    if (converter == nullptr) return Status::Unimplemented("no engine converter for op " + node.op);
    std::vector<const Value*> inputs;
    for (const Output& input : node.inputs) {
      auto it = values_.find(Key(input));
      if (it == values_.end()) {
        return Status::Internal("input " + input.node->name + " lowered after its consumer");
      }
      inputs.push_back(&it->second);
    }
    if (options_.precision == Precision::kINT8 && IsQuantizationOp(node.op) && !inputs.empty() &&
        !inputs[0]->is_constant()) {
      return PassThroughQuantization(node, inputs);
    }
    if (node.op == "Shape" && !inputs.empty()) {
      // Shapes are concrete in an engine: Shape (and what is computed from it) folds.
      const DataType out_type = types_.outputs(&node).at(0);
      TFTRT_ASSIGN_OR_RETURN(Tensor shape, ShapeValue(ShapeOf(*inputs[0]), out_type));
      values_[{&node, 0}].constant = std::move(shape);
      return Status::Ok();
    }
    if (AllConstant(inputs)) return Fold(node, inputs);
    return AddLayer(node, *converter, inputs);
  }

  // INT8 engines: a quantization op passes its input through and gives it its range (a
  // constant input, a weight, is quantized by folding the op as TF computes it).
  Status PassThroughQuantization(const Node& node, const std::vector<const Value*>& inputs) {
    std::vector<const Tensor*> constants;
    for (const Value* input : inputs) {
      constants.push_back(input->is_constant() ? &input->constant : nullptr);
    }
    const Value& input = *inputs[0];
    if (std::optional<float> amax = QuantizationRange(node, constants)) {
      float& range = quantization_ranges_[network_.tensor(input.tensor).name()];
      range = std::max(range, *amax);
    }
    values_[{&node, 0}] = input;
    return Status::Ok();
  }

  static Shape ShapeOf(const Value& value) {
    return value.is_constant() ? value.constant.shape() : value.shape;
  }

  static bool AllConstant(const std::vector<const Value*>& inputs) {
    for (const Value* input : inputs) {
      if (!input->is_constant()) return false;
    }
    return true;
  }

  // A node of constants only is computed now by its native kernel.
  Status Fold(const Node& node, const std::vector<const Value*>& inputs) {
    KernelFn kernel = KernelRegistry::Global().Find(node.op);
    if (kernel == nullptr) return Status::Unimplemented("no kernel to fold " + node.op);
    std::vector<Tensor> constants;
    for (const Value* input : inputs) constants.push_back(input->constant);
    OpKernelContext ctx(node, std::move(constants), nullptr);
    TFTRT_RETURN_IF_ERROR_CTX(CatchAllocationFailure([&] { return kernel(ctx); }),
                              "while folding constants");
    for (size_t i = 0; i < ctx.outputs().size(); ++i) {
      values_[{&node, static_cast<int>(i)}].constant = ctx.outputs()[i];
    }
    return Status::Ok();
  }

  Status AddLayer(const Node& node, const OpConverter& converter,
                  const std::vector<const Value*>& inputs) {
    std::vector<LayerInput> layer_inputs;
    for (const Value* input : inputs) {
      layer_inputs.push_back({input->is_constant() ? input->constant.dtype() : input->dtype,
                              ShapeOf(*input), input->is_constant() ? &input->constant : nullptr});
    }
    if (converter.shape == nullptr) {
      return Status::Internal("the converter of " + node.op + " has no shape function");
    }
    TFTRT_ASSIGN_OR_RETURN(std::vector<Shape> shapes, converter.shape(node, layer_inputs));
    TFTRT_ASSIGN_OR_RETURN(bool moves_no_data, MovesNoData(node, layer_inputs, shapes));
    if (moves_no_data) {
      values_[{&node, 0}] = *inputs[0];
      return Status::Ok();
    }
    const std::vector<DataType>& dtypes = types_.outputs(&node);
    const int num_outputs = NumOutputs(node);
    if (static_cast<int>(shapes.size()) < num_outputs ||
        static_cast<int>(dtypes.size()) < num_outputs) {
      return Status::Internal(node.op + " has fewer outputs than the segment reads");
    }
    EngineLayer* layer = network_.add_layer();
    layer->set_name(node.name);
    layer->set_op(node.op);
    layer->set_kind(converter.kind);
    // Layers with float outputs store them in the engine's precision (INT8 engines: FP16
    // until the INT8 pass picks its layers); others are exact.
    const bool float_outputs =
        std::any_of(dtypes.begin(), dtypes.begin() + num_outputs,
                    [](DataType dtype) { return dtype == DataType::kFloat; });
    layer->set_precision(float_outputs ? PrecisionName(FloatStorage(options_.precision)) : "FP32");
    for (const auto& [name, value] : node.attrs) (*layer->mutable_attr())[name] = value;
    if (converter.lower != nullptr) {
      TFTRT_RETURN_IF_ERROR(converter.lower(node, layer_inputs, layer));
    }
    for (const Value* input : inputs) SetOperand(*input, layer->add_input());
    for (int i = 0; i < num_outputs; ++i) {
      Value& value = values_[{&node, i}];
      value = NewTensor(dtypes[i], shapes[i], TensorName(node.name, i));
      layer->add_output(value.tensor);
    }
    return Status::Ok();
  }

  // Whether the node's output is its input, byte for byte: a Transpose by the identity
  // permutation, or a reshape to the input's own shape (TF's Tensordot emits both). Such a
  // node aliases its input instead of becoming a copying layer.
  static StatusOr<bool> MovesNoData(const Node& node, const std::vector<LayerInput>& inputs,
                                    const std::vector<Shape>& shapes) {
    if (shapes.size() != 1 || shapes[0] != inputs[0].shape) return false;
    if (node.op == "Reshape" || node.op == "ExpandDims" || node.op == "Squeeze") return true;
    if (node.op != "Transpose") return false;
    TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ConstantIndexValues(node, inputs, 1, "perm"));
    for (size_t i = 0; i < perm.size(); ++i) {
      if (perm[i] != static_cast<int64_t>(i)) return false;
    }
    return true;
  }

  // Weights stay float32 here: INT8 quantizes some from their float values, and
  // StoreWeightsAsHalf narrows the rest after fusion.
  static void SetOperand(const Value& value, EngineOperand* operand) {
    if (!value.is_constant()) {
      operand->set_tensor(value.tensor);
      return;
    }
    TensorToProto(value.constant, operand->mutable_weight());
  }

  // Outputs the layer must produce: up to the highest one that the segment uses.
  int NumOutputs(const Node& node) const {
    int count = 1;
    for (const Node* other : segment_.nodes()) {
      for (const Output& input : other->inputs) {
        if (input.node == &node) count = std::max(count, input.index + 1);
      }
    }
    for (const GraphRet& ret : segment_.rets()) {
      if (ret.tensor.node == &node) count = std::max(count, ret.tensor.index + 1);
    }
    return count;
  }

  Status BindRets() {
    for (const GraphRet& ret : segment_.rets()) {
      Value value = values_.at(Key(ret.tensor));
      if (value.is_constant()) value = Materialize(ret.name, value.constant);
      EngineBinding* binding = network_.add_output();
      binding->set_name(ret.name);
      binding->set_tensor(value.tensor);
      binding->set_dtype(DataTypeToProto(ret.dtype));
      ShapeToProto(value.shape, binding->mutable_shape());
    }
    return Status::Ok();
  }

  // An output that folding made constant (a shape computed from the input shapes, say)
  // is still an engine output: a layer copies the constant into it.
  Value Materialize(const std::string& name, const Tensor& constant) {
    Value value = NewTensor(constant.dtype(), constant.shape(), TensorName(name + "/constant", 0));
    EngineLayer* layer = network_.add_layer();
    layer->set_name(name + "/constant");
    layer->set_op("Identity");
    layer->set_kind(LAYER_KIND_DATA_MOVEMENT);
    (*layer->mutable_attr())["T"].set_type(DataTypeToProto(constant.dtype()));
    Value source;
    source.constant = constant;
    SetOperand(source, layer->add_input());
    layer->add_output(value.tensor);
    return value;
  }

  static std::pair<const Node*, int> Key(Output output) { return {output.node, output.index}; }

  const Graph& segment_;
  const BuildOptions& options_;
  GraphTypes types_;
  EngineNetwork network_;
  CalibrationTable quantization_ranges_;
  std::map<std::pair<const Node*, int>, Value> values_;
};

// FP16 and INT8 engines store float weights as half (INT8 layers' quantized weights are
// int8); the backend computes with their widened (exactly representable) values.
void StoreWeightsAsHalf(EngineOperand* operand) {
  if (!operand->has_weight() || operand->weight().dtype() != tensorflow::DT_FLOAT) return;
  auto weight = TensorFromProto(operand->weight());
  if (!weight.ok()) return;  // the builder wrote it: never happens
  TensorToProto(NarrowFromFloat(*weight, DataType::kHalf), operand->mutable_weight());
  operand->set_compute_dtype(tensorflow::DT_FLOAT);
}

void StoreWeightsAsHalf(EngineNetwork* network) {
  for (EngineLayer& layer : *network->mutable_layer()) {
    for (EngineOperand& operand : *layer.mutable_input()) StoreWeightsAsHalf(&operand);
    for (EngineEpilogueStep& step : *layer.mutable_epilogue()) {
      if (step.has_operand()) StoreWeightsAsHalf(step.mutable_operand());
    }
  }
}

// Adds the probed tensors `network` still has (a network input, or written by a layer) as
// outputs after its own, named as the tensors.
void AddProbedOutputs(const std::vector<std::string>& probed, EngineNetwork* network) {
  std::set<int> present;
  for (const EngineBinding& input : network->input()) present.insert(input.tensor());
  for (const EngineLayer& layer : network->layer()) {
    present.insert(layer.output().begin(), layer.output().end());
  }
  std::map<std::string, int> by_name;
  for (int tensor : present) by_name.emplace(network->tensor(tensor).name(), tensor);
  for (const std::string& name : probed) {
    auto it = by_name.find(name);
    if (it == by_name.end()) continue;
    const EngineTensor& tensor = network->tensor(it->second);
    EngineBinding* binding = network->add_output();
    binding->set_name(name);
    binding->set_tensor(it->second);
    binding->set_dtype(tensor.dtype());
    for (int64_t d : tensor.dim()) binding->mutable_shape()->add_dim()->set_size(d);
  }
}

}  // namespace

std::string EngineInputTensorName(int index) {
  return "TensorRTInputPH_" + std::to_string(index) + ":0";
}

Precision FloatStorage(Precision precision) {
  return precision == Precision::kINT8 ? Precision::kFP16 : precision;
}

std::vector<Shape> EngineInputShapes(const EngineNetwork& network) {
  std::vector<Shape> shapes;
  for (const EngineBinding& binding : network.input()) {
    Shape shape;
    for (const auto& dim : binding.shape().dim()) shape.push_back(dim.size());
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

StatusOr<EngineNetwork> BuildNetwork(const Graph& segment, const std::vector<EngineArg>& args,
                                     const BuildOptions& options) {
  Lowering lowering(segment, options);
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork network, lowering.Run(args));
  if (options.fuse) {
    FoldPadsIntoWindows(&network);
    FoldGelus(&network);
    FoldLayerNorms(&network);
    // Only FP16 engines: cuDNN's fused attention has no float32 form.
    if (FloatStorage(options.precision) == Precision::kFP16) FoldAttentions(&network);
    FuseEpilogues(&network);
    // Not INT8: its ranges are per tensor, and the packed product's would mix q's, k's, v's.
    if (options.precision == Precision::kFP16) PackQkvProjections(&network);
  }
  AddProbedOutputs(options.probed_tensors, &network);
  if (options.precision == Precision::kINT8 && options.int8_ranges != nullptr) {
    CalibrationTable ranges = lowering.quantization_ranges();
    for (const auto& [tensor, amax] : *options.int8_ranges) ranges[tensor] = amax;
    ApplyInt8Precision(ranges, options.int8_fp16_layers, &network);
  }
  if (FloatStorage(options.precision) == Precision::kFP16) StoreWeightsAsHalf(&network);
  return network;
}

}  // namespace tftrt
