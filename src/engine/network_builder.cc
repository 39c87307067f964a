#include "engine/network_builder.h"

#include <map>

#include "engine/fusion.h"
#include "engine/ops/op_converter.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// What a node output is while lowering: a network tensor or a constant.
struct Value {
  int tensor = -1;
  Tensor constant;
};

class Lowering {
 public:
  Lowering(const Graph& segment, const BuildOptions& options)
      : segment_(segment), options_(options) {}

  StatusOr<EngineNetwork> Run(const std::vector<EngineArg>& args) {
    network_.set_precision(PrecisionName(options_.precision));
    network_.set_workspace_size_bytes(options_.workspace_size_bytes);
    network_.set_allow_tf32(options_.allow_tf32);
    TFTRT_RETURN_IF_ERROR(BindArgs(args));
    TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(segment_, true));
    for (Node* node : order) {
      if (node->op == "_Arg") continue;
      TFTRT_RETURN_IF_ERROR_CTX(Lower(*node),
                                "while building an engine layer for node " + node->Describe());
    }
    TFTRT_RETURN_IF_ERROR(BindRets());
    network_.set_num_tensors(next_tensor_);
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
      value.tensor = next_tensor_++;
      EngineBinding* binding = network_.add_input();
      binding->set_name(graph_args[i].name);
      binding->set_tensor(value.tensor);
      binding->set_dtype(DataTypeToProto(arg.dtype));
      ShapeToProto(arg.shape, binding->mutable_shape());
    }
    return Status::Ok();
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
    if (ConverterTable::Global().Find(node.op) == nullptr) {
      return Status::Unimplemented("no engine converter for op " + node.op);
    }
    EngineLayer* layer = network_.add_layer();
    layer->set_name(node.name);
    layer->set_op(node.op);
    for (const auto& [name, value] : node.attrs) (*layer->mutable_attr())[name] = value;
    for (const Output& input : node.inputs) {
      auto it = values_.find(Key(input));
      if (it == values_.end()) {
        return Status::Internal("input " + input.node->name + " lowered after its consumer");
      }
      SetOperand(it->second, layer->add_input());
    }
    for (int i = 0; i < NumOutputs(node); ++i) {
      values_[{&node, i}].tensor = next_tensor_;
      layer->add_output(next_tensor_++);
    }
    return Status::Ok();
  }

  void SetOperand(const Value& value, EngineOperand* operand) const {
    if (value.tensor >= 0) {
      operand->set_tensor(value.tensor);
      return;
    }
    if (options_.precision == Precision::kFP16 && value.constant.dtype() == DataType::kFloat) {
      // FP16 engines store float weights as half; the backend computes with their widened
      // (exactly representable) values.
      TensorToProto(NarrowToHalf(value.constant), operand->mutable_weight());
      operand->set_compute_dtype(tensorflow::DT_FLOAT);
      return;
    }
    TensorToProto(value.constant, operand->mutable_weight());
  }

  static Tensor NarrowToHalf(const Tensor& tensor) {
    Tensor half(DataType::kHalf, tensor.shape());
    const float* in = tensor.flat<float>();
    Half* out = half.flat<Half>();
    for (int64_t i = 0; i < tensor.NumElements(); ++i) out[i] = FloatToHalf(in[i]);
    return half;
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
      const Value& value = values_.at(Key(ret.tensor));
      if (value.tensor < 0) {
        return Status::InvalidArgument("engine output '" + ret.name +
                                       "' is a constant; a constant stays outside engines");
      }
      EngineBinding* binding = network_.add_output();
      binding->set_name(ret.name);
      binding->set_tensor(value.tensor);
      binding->set_dtype(DataTypeToProto(ret.dtype));
    }
    return Status::Ok();
  }

  static std::pair<const Node*, int> Key(Output output) { return {output.node, output.index}; }

  const Graph& segment_;
  const BuildOptions& options_;
  EngineNetwork network_;
  std::map<std::pair<const Node*, int>, Value> values_;
  int next_tensor_ = 0;
};

}  // namespace

StatusOr<EngineNetwork> BuildNetwork(const Graph& segment, const std::vector<EngineArg>& args,
                                     const BuildOptions& options) {
  if (options.precision == Precision::kINT8) {
    return Status::Unimplemented("INT8 engines are not implemented yet (FP32 and FP16 are)");
  }
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork network, Lowering(segment, options).Run(args));
  if (options.fuse) FuseEpilogues(&network);
  return network;
}

}  // namespace tftrt
