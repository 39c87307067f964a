#include "passes/graph_edits.h"

#include <algorithm>
#include <set>

#include "graph/attrs.h"

namespace tftrt {

int NumUses(const Graph& graph, Output output) {
  int uses = 0;
  for (const Node* node : graph.nodes()) {
    uses += static_cast<int>(std::count(node->inputs.begin(), node->inputs.end(), output));
  }
  for (const GraphRet& ret : graph.rets()) uses += ret.tensor == output ? 1 : 0;
  return uses;
}

std::map<const Node*, std::vector<int>> UsedOutputs(const Graph& graph) {
  std::map<const Node*, std::set<int>> used;
  for (const Node* node : graph.nodes()) {
    for (const Output& input : node->inputs) used[input.node].insert(input.index);
  }
  for (const GraphRet& ret : graph.rets()) used[ret.tensor.node].insert(ret.tensor.index);
  std::map<const Node*, std::vector<int>> result;
  for (const auto& [node, indices] : used) result[node] = {indices.begin(), indices.end()};
  return result;
}

void BecomeConst(Node* node, Tensor value, std::vector<Node*> control_inputs) {
  node->op = "Const";
  node->attrs = {{"dtype", TypeAttr(value.dtype())}};
  node->inputs.clear();
  node->control_inputs = std::move(control_inputs);
  node->constant = std::move(value);
}

Node* AddConst(Graph& graph, const std::string& base_name, Tensor value,
               std::vector<Node*> control_inputs) {
  Node* node = graph.AddNode(graph.UniqueName(base_name), "Const");
  BecomeConst(node, std::move(value), std::move(control_inputs));
  return node;
}

std::vector<Node*> ControlsThroughConsts(const std::vector<Node*>& controls) {
  std::vector<Node*> result;
  std::set<Node*> seen;
  std::vector<Node*> pending(controls.rbegin(), controls.rend());
  while (!pending.empty()) {
    Node* control = pending.back();
    pending.pop_back();
    if (!seen.insert(control).second) continue;
    if (control->op == "Const") {
      pending.insert(pending.end(), control->control_inputs.rbegin(),
                     control->control_inputs.rend());
    } else {
      result.push_back(control);
    }
  }
  return result;
}

void AddControlInputs(Node* node, const std::vector<Node*>& controls) {
  for (Node* control : controls) {
    auto& existing = node->control_inputs;
    if (control != node && std::find(existing.begin(), existing.end(), control) == existing.end()) {
      existing.push_back(control);
    }
  }
}

void AddControlRets(Graph& graph, const std::vector<Node*>& nodes) {
  auto& control_rets = graph.control_rets();
  for (Node* node : nodes) {
    if (std::find(control_rets.begin(), control_rets.end(), node) == control_rets.end()) {
      control_rets.push_back(node);
    }
  }
}

void ReplaceControlUsesWith(Graph& graph, Node* from, const std::vector<Node*>& to) {
  for (Node* node : graph.nodes()) {
    if (std::erase(node->control_inputs, from) > 0) AddControlInputs(node, to);
  }
  if (std::erase(graph.control_rets(), from) > 0) AddControlRets(graph, to);
}

void RemoveControlEdgesOnConsts(Graph& graph) {
  for (Node* node : graph.nodes()) {
    node->control_inputs = ControlsThroughConsts(node->control_inputs);
  }
  graph.control_rets() = ControlsThroughConsts(graph.control_rets());
}

Status RemoveUnneededNodes(Graph& graph) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> needed, TopologicalOrder(graph, /*only_needed=*/true));
  const std::set<Node*> keep(needed.begin(), needed.end());
  for (Node* node : graph.nodes()) {
    if (!keep.contains(node)) graph.RemoveNode(node);
  }
  return Status::Ok();
}

void DropControlRetsThatRetsNeed(Graph& graph) {
  std::set<const Node*> needed;
  std::vector<const Node*> pending;
  for (const GraphRet& ret : graph.rets()) pending.push_back(ret.tensor.node);
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    if (!needed.insert(node).second) continue;
    for (const Output& input : node->inputs) pending.push_back(input.node);
    pending.insert(pending.end(), node->control_inputs.begin(), node->control_inputs.end());
  }
  std::erase_if(graph.control_rets(), [&](const Node* node) { return needed.contains(node); });
}

}  // namespace tftrt
