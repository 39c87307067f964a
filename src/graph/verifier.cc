#include "graph/verifier.h"

#include <set>

namespace tftrt {

Status VerifyGraph(const Graph& graph) {
  const std::string where = " in graph '" + graph.name() + "'";
  std::set<const Node*> members;
  std::set<std::string> names;
  for (const Node* node : graph.nodes()) {
    members.insert(node);
    if (!names.insert(node->name).second) {
      return Status::Internal("two nodes are named '" + node->name + "'" + where);
    }
  }
  for (const Node* node : graph.nodes()) {
    for (const Output& input : node->inputs) {
      if (!members.contains(input.node) || input.index < 0) {
        return Status::Internal("node " + node->Describe() + " has a dangling input" + where);
      }
    }
    for (const Node* control : node->control_inputs) {
      if (!members.contains(control)) {
        return Status::Internal("node " + node->Describe() + " has a dangling control input" +
                                where);
      }
    }
  }
  for (const GraphArg& arg : graph.args()) {
    if (!members.contains(arg.node) || arg.node->op != "_Arg") {
      return Status::Internal("arg '" + arg.name + "' is not an _Arg node" + where);
    }
  }
  for (const GraphRet& ret : graph.rets()) {
    if (!members.contains(ret.tensor.node)) {
      return Status::Internal("ret '" + ret.name + "' points at a missing node" + where);
    }
  }
  for (const Node* node : graph.control_rets()) {
    if (!members.contains(node)) {
      return Status::Internal("a control ret points at a missing node" + where);
    }
  }
  return TopologicalOrder(graph, /*only_needed=*/false).status();
}

}  // namespace tftrt
