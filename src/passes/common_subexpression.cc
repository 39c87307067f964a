// common_subexpression: merges nodes that compute the same value: the same op, device,
// attributes, data inputs and control inputs, and for Const nodes the same dtype, shape
// and elements. Stateful ops (variables, assertions, unknown ops) never merge: two of
// them are two effects. Nodes are visited in topological order, so once a node's inputs
// are merged, equal consumers of them have equal inputs too.
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <unordered_map>

#include "passes/graph_edits.h"
#include "passes/op_properties.h"

namespace tftrt {
namespace {

bool Mergeable(const Node& node) {
  if (node.op == "_Arg" || IsStatefulOp(node.op)) return false;
  if (node.op != "Const") return true;
  const DataType dtype = node.constant.dtype();
  return IsPodDataType(dtype) || dtype == DataType::kString;
}

void HashCombine(size_t& seed, size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

std::vector<int> SortedControlIds(const Node& node) {
  std::vector<int> ids;
  for (const Node* control : node.control_inputs) ids.push_back(control->id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Equal for nodes that Equivalent() says are equal. Attribute values are left to
// Equivalent (protos have no canonical hash); their names are enough to spread.
size_t NodeHash(const Node& node) {
  size_t hash = std::hash<std::string>()(node.op);
  HashCombine(hash, std::hash<std::string>()(node.device));
  for (const Output& input : node.inputs) {
    HashCombine(hash, std::hash<int>()(input.node->id));
    HashCombine(hash, std::hash<int>()(input.index));
  }
  for (int id : SortedControlIds(node)) HashCombine(hash, std::hash<int>()(id));
  for (const auto& [name, value] : node.attrs) HashCombine(hash, std::hash<std::string>()(name));
  const Tensor& constant = node.constant;
  if (node.op == "Const") {
    for (int64_t dim : constant.shape()) HashCombine(hash, std::hash<int64_t>()(dim));
    if (IsPodDataType(constant.dtype())) {
      const std::string_view bytes(static_cast<const char*>(constant.raw_data()),
                                   constant.ByteSize());
      HashCombine(hash, std::hash<std::string_view>()(bytes));
    } else {
      for (int64_t i = 0; i < constant.NumElements(); ++i) {
        HashCombine(hash, std::hash<std::string>()(constant.flat<std::string>()[i]));
      }
    }
  }
  return hash;
}

bool SameConstant(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (IsPodDataType(a.dtype())) {
    return a.ByteSize() == 0 || std::memcmp(a.raw_data(), b.raw_data(), a.ByteSize()) == 0;
  }
  return std::equal(a.flat<std::string>(), a.flat<std::string>() + a.NumElements(),
                    b.flat<std::string>());
}

bool Equivalent(const Node& a, const Node& b) {
  if (a.op != b.op || a.device != b.device || a.inputs != b.inputs ||
      SortedControlIds(a) != SortedControlIds(b) || a.attrs.size() != b.attrs.size()) {
    return false;
  }
  for (const auto& [name, value] : a.attrs) {
    auto it = b.attrs.find(name);
    if (it == b.attrs.end() ||
        !google::protobuf::util::MessageDifferencer::Equals(value, it->second)) {
      return false;
    }
  }
  return a.op != "Const" || SameConstant(a.constant, b.constant);
}

// Makes every use of `node` a use of `kept`, then removes `node`.
void MergeInto(Graph& graph, Node* node, Node* kept) {
  const auto used = UsedOutputs(graph);
  if (auto it = used.find(node); it != used.end()) {
    for (int index : it->second) graph.ReplaceUses({node, index}, {kept, index});
  }
  graph.ReplaceControlUses(node, kept);
  graph.RemoveNode(node);
}

}  // namespace

Status EliminateCommonSubexpressions(Graph& graph) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(graph, /*only_needed=*/false));
  std::unordered_multimap<size_t, Node*> seen;
  for (Node* node : order) {
    if (!Mergeable(*node)) continue;
    const size_t hash = NodeHash(*node);
    Node* kept = nullptr;
    for (auto [it, end] = seen.equal_range(hash); it != end && kept == nullptr; ++it) {
      if (Equivalent(*node, *it->second)) kept = it->second;
    }
    if (kept != nullptr) {
      MergeInto(graph, node, kept);
    } else {
      seen.emplace(hash, node);
    }
  }
  return Status::Ok();
}

}  // namespace tftrt
