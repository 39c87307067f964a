#include "graph/graph.h"

#include <algorithm>
#include <set>

#include "common/check.h"

namespace tftrt {

Node* Graph::AddNode(std::string name, std::string op, AttrMap attrs, std::vector<Output> inputs) {
  auto node = std::make_unique<Node>();
  node->id = next_id_++;
  node->name = std::move(name);
  node->op = std::move(op);
  node->attrs = std::move(attrs);
  node->inputs = std::move(inputs);
  Node* raw = node.get();
  by_name_[raw->name] = raw;
  nodes_[raw->id] = std::move(node);
  return raw;
}

void Graph::RemoveNode(Node* node) {
  auto it = by_name_.find(node->name);
  if (it != by_name_.end() && it->second == node) by_name_.erase(it);
  for (auto& [id, other] : nodes_) {
    auto& controls = other->control_inputs;
    std::erase(controls, node);
  }
  std::erase(control_rets_, node);
  nodes_.erase(node->id);
}

void Graph::ReplaceUses(Output from, Output to) {
  for (auto& [id, node] : nodes_) {
    for (Output& input : node->inputs) {
      if (input == from) input = to;
    }
  }
  for (GraphRet& ret : rets_) {
    if (ret.tensor == from) ret.tensor = to;
  }
}

void Graph::ReplaceControlUses(Node* from, Node* to) {
  for (auto& [id, node] : nodes_) {
    auto& controls = node->control_inputs;
    bool had = std::erase(controls, from) > 0;
    if (had && to != nullptr && to != node.get() &&
        std::find(controls.begin(), controls.end(), to) == controls.end()) {
      controls.push_back(to);
    }
  }
  auto it = std::find(control_rets_.begin(), control_rets_.end(), from);
  if (it != control_rets_.end()) {
    if (to != nullptr) {
      *it = to;
    } else {
      control_rets_.erase(it);
    }
  }
}

Node* Graph::FindNode(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::string Graph::UniqueName(const std::string& base) const {
  if (!by_name_.contains(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!by_name_.contains(candidate)) return candidate;
  }
}

std::vector<Node*> Graph::nodes() const {
  std::vector<Node*> result;
  result.reserve(nodes_.size());
  for (const auto& [id, node] : nodes_) result.push_back(node.get());
  return result;
}

StatusOr<std::vector<Node*>> TopologicalOrder(const Graph& graph, bool only_needed) {
  // Iterative depth-first search from the roots; a node is emitted after all its inputs.
  // State: 0 = unvisited, 1 = on the stack, 2 = emitted.
  std::vector<Node*> all = graph.nodes();
  std::map<const Node*, int> state;
  std::vector<Node*> order;
  order.reserve(all.size());

  std::vector<Node*> roots;
  if (only_needed) {
    for (const GraphRet& ret : graph.rets()) roots.push_back(ret.tensor.node);
    for (Node* node : graph.control_rets()) roots.push_back(node);
    for (const GraphArg& arg : graph.args()) roots.push_back(arg.node);
  } else {
    roots = all;
  }

  for (Node* root : roots) {
    if (root == nullptr || state[root] == 2) continue;
    std::vector<std::pair<Node*, size_t>> stack = {{root, 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const size_t num_data = node->inputs.size();
      const size_t num_all = num_data + node->control_inputs.size();
      if (next < num_all) {
        Node* dep =
            next < num_data ? node->inputs[next].node : node->control_inputs[next - num_data];
        ++next;
        int& dep_state = state[dep];
        if (dep_state == 1) {
          return Status::InvalidArgument("graph '" + graph.name() + "' has a cycle through node " +
                                         dep->Describe());
        }
        if (dep_state == 0) {
          dep_state = 1;
          stack.push_back({dep, 0});
        }
        continue;
      }
      state[node] = 2;
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace tftrt
