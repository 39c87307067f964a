#include "graph/graph_copy.h"

#include <map>

namespace tftrt {

std::shared_ptr<Graph> CopyGraph(const Graph& graph) {
  auto copy = std::make_shared<Graph>(graph.name());
  std::map<const Node*, Node*> copies;
  for (const Node* node : graph.nodes()) {
    Node* c = copy->AddNode(node->name, node->op, node->attrs);
    c->device = node->device;
    c->constant = node->constant;
    copies[node] = c;
  }
  for (const Node* node : graph.nodes()) {
    Node* c = copies[node];
    for (const Output& input : node->inputs) c->inputs.push_back({copies[input.node], input.index});
    for (const Node* control : node->control_inputs) c->control_inputs.push_back(copies[control]);
  }
  for (const GraphArg& arg : graph.args()) {
    copy->args().push_back({arg.name, copies[arg.node], arg.dtype, arg.shape});
  }
  for (const GraphRet& ret : graph.rets()) {
    copy->rets().push_back(
        {ret.name, {copies[ret.tensor.node], ret.tensor.index}, ret.dtype, ret.shape});
  }
  for (const Node* node : graph.control_rets()) copy->control_rets().push_back(copies[node]);
  return copy;
}

std::shared_ptr<FunctionGraphs> CopyFunctions(const FunctionGraphs& functions) {
  auto copy = std::make_shared<FunctionGraphs>();
  for (const auto& [name, function] : functions) (*copy)[name] = CopyGraph(*function);
  return copy;
}

}  // namespace tftrt
