#include "segment/lift_weights.h"

#include "graph/attrs.h"
#include "graph/graph_copy.h"

namespace tftrt {
namespace {

// Appends `value` to the list attribute `name` of `node`.
void AppendType(Node& node, const std::string& name, DataType dtype) {
  node.attrs[name].mutable_list()->add_type(static_cast<tensorflow::DataType>(dtype));
}

void AppendShape(Node& node, const std::string& name, const Shape& shape) {
  auto* proto = node.attrs[name].mutable_list()->add_shape();
  for (int64_t dim : shape) proto->add_dim()->set_size(dim);
}

// Moves the large constants of `engine`'s segment function into inputs of `engine`.
Status LiftWeightsOf(Graph& graph, Node& engine, FunctionGraphs& functions, int64_t min_bytes) {
  TFTRT_ASSIGN_OR_RETURN(std::string function_name, GetFuncAttr(engine, "segment_func"));
  auto it = functions.find(function_name);
  if (it == functions.end()) {
    return Status::NotFound("segment function '" + function_name + "' of engine node " +
                            engine.Describe() + " is missing");
  }
  std::shared_ptr<Graph> segment = CopyGraph(*it->second);
  for (Node* node : segment->nodes()) {
    if (node->op != "Const" || static_cast<int64_t>(node->constant.ByteSize()) < min_bytes) {
      continue;
    }
    const int index = static_cast<int>(segment->args().size());
    const DataType dtype = node->constant.dtype();
    const std::string arg_name = "TensorRTWeightPH_" + std::to_string(index);
    Node* arg = segment->AddNode(segment->UniqueName(arg_name), "_Arg",
                                 {{"index", IntAttr(index)}, {"T", TypeAttr(dtype)}});
    segment->args().push_back({arg_name, arg, dtype, PartialShape{false, node->constant.shape()}});
    segment->ReplaceUses({node, 0}, {arg, 0});

    Node* weight =
        graph.AddNode(graph.UniqueName(engine.name + "/" + node->name), "Const", node->attrs);
    weight->constant = node->constant;
    engine.inputs.push_back({weight, 0});
    AppendType(engine, "InT", dtype);
    AppendShape(engine, "input_shapes", node->constant.shape());
    engine.attrs["_tftrt_weight_inputs"].mutable_list()->add_i(engine.inputs.size() - 1);
    segment->RemoveNode(node);
  }
  it->second = std::move(segment);
  return Status::Ok();
}

}  // namespace

Status LiftEngineWeights(Graph& graph, FunctionGraphs& functions, int64_t min_bytes) {
  for (Node* node : graph.nodes()) {
    if (node->op == "TRTEngineOp")
      TFTRT_RETURN_IF_ERROR(LiftWeightsOf(graph, *node, functions, min_bytes));
  }
  return Status::Ok();
}

}  // namespace tftrt
