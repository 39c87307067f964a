#include "graph/saver_functions.h"

#include <google/protobuf/text_format.h>

#include "common/check.h"
#include "graph/attrs.h"
#include "graph/export.h"
#include "savedmodel/saved_model_reader.h"

namespace tftrt {
namespace {

// As TensorFlow 2.20's registry defines them (descriptions left out).
constexpr char kSaverOpDefs[] = R"pb(
  op {
    name: "SaveV2"
    input_arg { name: "prefix" type: DT_STRING }
    input_arg { name: "tensor_names" type: DT_STRING }
    input_arg { name: "shape_and_slices" type: DT_STRING }
    input_arg { name: "tensors" type_list_attr: "dtypes" }
    attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
    is_stateful: true
  }
  op {
    name: "RestoreV2"
    input_arg { name: "prefix" type: DT_STRING }
    input_arg { name: "tensor_names" type: DT_STRING }
    input_arg { name: "shape_and_slices" type: DT_STRING }
    output_arg { name: "tensors" type_list_attr: "dtypes" }
    attr { name: "dtypes" type: "list(type)" has_minimum: true minimum: 1 }
    is_stateful: true
  }
  op {
    name: "StatefulPartitionedCall"
    input_arg { name: "args" type_list_attr: "Tin" }
    output_arg { name: "output" type_list_attr: "Tout" }
    attr { name: "Tin" type: "list(type)" has_minimum: true }
    attr { name: "Tout" type: "list(type)" has_minimum: true }
    attr { name: "f" type: "func" }
    attr {
      name: "config"
      type: "string"
      default_value { s: "" }
    }
    attr {
      name: "config_proto"
      type: "string"
      default_value { s: "" }
    }
    attr {
      name: "executor_type"
      type: "string"
      default_value { s: "" }
    }
    is_stateful: true
    is_distributed_communication: true
  }
)pb";

struct SaverArgs {
  Node* file_prefix = nullptr;
  std::vector<Node*> resources;
};

SaverArgs AddSaverArgs(Graph& graph, size_t num_variables) {
  SaverArgs args;
  args.file_prefix = AddGraphArg(graph, "file_prefix", DataType::kString,
                                 PartialShape{.unknown_rank = false, .dims = {}});
  for (size_t i = 0; i < num_variables; ++i) {
    args.resources.push_back(
        AddGraphArg(graph, "resource_" + std::to_string(i), DataType::kResource, PartialShape()));
  }
  return args;
}

Node* AddStringConst(Graph& graph, const std::string& name, Tensor value) {
  Node* node = graph.AddNode(name, "Const", {{"dtype", TypeAttr(DataType::kString)}});
  node->constant = std::move(value);
  return node;
}

// Returns file_prefix once `done` has run, as TensorFlow's saver functions do.
void ReturnPrefix(Graph& graph, const SaverArgs& args, std::vector<Node*> done) {
  Node* identity = graph.AddNode("Identity", "Identity", {{"T", TypeAttr(DataType::kString)}},
                                 {{args.file_prefix, 0}});
  identity->control_inputs = done;
  graph.rets().push_back({"identity", {identity, 0}, DataType::kString, PartialShape()});
  graph.control_rets() = std::move(done);
}

}  // namespace

std::shared_ptr<Graph> RestoreFunctionGraph(const std::string& name,
                                            const std::vector<CheckpointedVariable>& variables) {
  TFTRT_CHECK(!variables.empty());
  auto graph = std::make_shared<Graph>(name);
  const SaverArgs args = AddSaverArgs(*graph, variables.size());
  std::vector<std::string> keys;
  std::vector<DataType> dtypes;
  for (const CheckpointedVariable& variable : variables) {
    keys.push_back(variable.checkpoint_key);
    dtypes.push_back(variable.dtype);
  }
  Node* names = AddStringConst(*graph, "RestoreV2/tensor_names", Tensor::FromVector(keys));
  Node* slices = AddStringConst(*graph, "RestoreV2/shape_and_slices",
                                Tensor::FromVector(std::vector<std::string>(keys.size())));
  Node* restore = graph->AddNode("RestoreV2", "RestoreV2", {{"dtypes", TypeListAttr(dtypes)}},
                                 {{args.file_prefix, 0}, {names, 0}, {slices, 0}});
  std::vector<Node*> assigns;
  for (size_t i = 0; i < variables.size(); ++i) {
    assigns.push_back(graph->AddNode("AssignVariableOp_" + std::to_string(i), "AssignVariableOp",
                                     {{"dtype", TypeAttr(dtypes[i])}},
                                     {{args.resources[i], 0}, {restore, static_cast<int>(i)}}));
  }
  ReturnPrefix(*graph, args, std::move(assigns));
  return graph;
}

std::shared_ptr<Graph> SaveFunctionGraph(const std::string& name,
                                         const std::vector<CheckpointedVariable>& variables,
                                         const std::string& object_graph) {
  auto graph = std::make_shared<Graph>(name);
  const SaverArgs args = AddSaverArgs(*graph, variables.size());
  std::vector<std::string> keys;
  std::vector<DataType> dtypes;
  std::vector<Output> inputs;
  for (size_t i = 0; i < variables.size(); ++i) {
    keys.push_back(variables[i].checkpoint_key);
    dtypes.push_back(variables[i].dtype);
    inputs.push_back(
        {graph->AddNode("ReadVariableOp_" + std::to_string(i), "ReadVariableOp",
                        {{"dtype", TypeAttr(variables[i].dtype)}}, {{args.resources[i], 0}}),
         0});
  }
  keys.push_back(kObjectGraphProtoKey);
  dtypes.push_back(DataType::kString);
  inputs.push_back(
      {AddStringConst(*graph, "object_graph", Tensor::Scalar<std::string>(object_graph)), 0});
  Node* names = AddStringConst(*graph, "SaveV2/tensor_names", Tensor::FromVector(keys));
  Node* slices = AddStringConst(*graph, "SaveV2/shape_and_slices",
                                Tensor::FromVector(std::vector<std::string>(keys.size())));
  inputs.insert(inputs.begin(), {{args.file_prefix, 0}, {names, 0}, {slices, 0}});
  Node* save = graph->AddNode("SaveV2", "SaveV2", {{"dtypes", TypeListAttr(dtypes)}}, inputs);
  ReturnPrefix(*graph, args, {save});
  return graph;
}

void AddSaverOpDefs(OpDefs* op_defs) {
  static const tensorflow::OpList* op_list = [] {
    auto* list = new tensorflow::OpList();
    TFTRT_CHECK_MSG(google::protobuf::TextFormat::ParseFromString(kSaverOpDefs, list),
                    "kSaverOpDefs does not parse");
    return list;
  }();
  for (const auto& op : op_list->op()) op_defs->Add(op);
}

}  // namespace tftrt
