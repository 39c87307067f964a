// prune_identity: removes the nodes that only forward values or order others (Identity,
// IdentityN, Snapshot, StopGradient, PreventGradient, NoOp), as TF's dependency optimizer
// does, then the control rets that a ret needs anyway (they run regardless), then every
// node no ret, control ret or arg needs.
//
// A forwarding node's control inputs stay in force: its data consumers wait for them, a
// node that waited for it waits for its inputs and control inputs instead, and a ret it
// fed gets them as control rets (the function must still run them before returning).
#include <set>

#include "passes/graph_edits.h"

namespace tftrt {
namespace {

const std::set<std::string>& ForwardingOps() {
  static const auto* ops = new std::set<std::string>{"Identity", "IdentityN", "Snapshot",
                                                     "StopGradient", "PreventGradient"};
  return *ops;
}

// Points the consumers of output i of `node` at its input i. REQUIRES: `node` forwards.
Status BypassForwardingNode(Graph& graph, Node* node) {
  const auto used = UsedOutputs(graph);
  auto it = used.find(node);
  if (it != used.end() && it->second.back() >= static_cast<int>(node->inputs.size())) {
    return Status::InvalidArgument("output " + std::to_string(it->second.back()) + " of " +
                                   node->Describe() + " is read, but it forwards only " +
                                   std::to_string(node->inputs.size()) + " inputs");
  }
  const std::vector<Node*> controls = node->control_inputs;
  for (Node* consumer : graph.nodes()) {
    bool reads = false;
    for (Output& input : consumer->inputs) {
      if (input.node != node) continue;
      input = node->inputs[input.index];
      reads = true;
    }
    if (reads) AddControlInputs(consumer, controls);
  }
  bool feeds_ret = false;
  for (GraphRet& ret : graph.rets()) {
    if (ret.tensor.node != node) continue;
    ret.tensor = node->inputs[ret.tensor.index];
    feeds_ret = true;
  }
  if (feeds_ret) AddControlRets(graph, controls);
  std::vector<Node*> waited_for = controls;
  for (const Output& input : node->inputs) waited_for.push_back(input.node);
  ReplaceControlUsesWith(graph, node, ControlsThroughConsts(waited_for));
  graph.RemoveNode(node);
  return Status::Ok();
}

}  // namespace

Status PruneIdentity(Graph& graph) {
  // Dropping control edges on constants first keeps the edges that bypassing spreads few.
  RemoveControlEdgesOnConsts(graph);
  for (Node* node : graph.nodes()) {
    if (ForwardingOps().contains(node->op)) {
      TFTRT_RETURN_IF_ERROR(BypassForwardingNode(graph, node));
    } else if (node->op == "NoOp") {
      ReplaceControlUsesWith(graph, node, node->control_inputs);
      graph.RemoveNode(node);
    }
  }
  DropControlRetsThatRetsNeed(graph);
  return RemoveUnneededNodes(graph);
}

}  // namespace tftrt
