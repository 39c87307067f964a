// constant_folding: replaces every node whose value is known before the graph runs by
// Const nodes (one per used output), until nothing more folds:
//   - a pure op (not stateful in its OpDef) with a native kernel whose data inputs are all
//     constants is evaluated with that kernel;
//   - ReadVariableOp of a VarHandleOp becomes the variable's checkpoint value (freezing),
//     unless some node could write the variable (any other use of one of its handles);
//   - Shape, Size and Rank of an arg whose declared shape is known enough.
// A fold that fails (the kernel rejects its inputs) is left for run time to report; one
// whose outputs would exceed kMaxFoldedBytes and outgrow its inputs is left too, so that
// the saved graph does not balloon. The Const keeps the folded node's control
// dependencies and those of the constants it read (TF's rule), less those on constants.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/memory_limit.h"
#include "graph/attrs.h"
#include "passes/graph_edits.h"
#include "passes/op_properties.h"
#include "runtime/kernel.h"

namespace tftrt {
namespace {

constexpr size_t kMaxFoldedBytes = size_t{10} << 20;

bool IsConstant(const Node& node) { return node.op == "Const" && node.constant.is_valid(); }

// The variable a VarHandleOp refers to: handles with the same container and shared_name
// share it; a handle without a shared_name has its own.
std::string VariableKey(const Node& handle) {
  auto container = GetStringAttrOr(handle, "container", "");
  auto shared_name = GetStringAttrOr(handle, "shared_name", "");
  if (!container.ok() || !shared_name.ok() || shared_name->empty()) return "node " + handle.name;
  return *container + "/" + *shared_name;
}

// The VarHandleOps whose variable nothing can write: every use of every handle to it is
// a ReadVariableOp (a handle that a ret returns may be written by the caller).
std::set<const Node*> ReadOnlyVariables(const Graph& graph) {
  std::set<std::string> written;
  for (const Node* node : graph.nodes()) {
    if (node->op == "ReadVariableOp") continue;
    for (const Output& input : node->inputs) {
      if (input.node->op == "VarHandleOp") written.insert(VariableKey(*input.node));
    }
  }
  for (const GraphRet& ret : graph.rets()) {
    if (ret.tensor.node->op == "VarHandleOp") written.insert(VariableKey(*ret.tensor.node));
  }
  std::set<const Node*> read_only;
  for (const Node* node : graph.nodes()) {
    if (node->op == "VarHandleOp" && node->constant.is_valid() &&
        !written.contains(VariableKey(*node))) {
      read_only.insert(node);
    }
  }
  return read_only;
}

// The value a Shape, Size or Rank node has before the graph runs, when its input is an
// arg whose declared shape tells it.
std::optional<Tensor> StaticShapeValue(const Graph& graph, const Node& node) {
  if (node.inputs.size() != 1 || node.inputs[0].node->op != "_Arg") return std::nullopt;
  const GraphArg* arg = nullptr;
  for (const GraphArg& candidate : graph.args()) {
    if (candidate.node == node.inputs[0].node) arg = &candidate;
  }
  if (arg == nullptr || arg->shape.unknown_rank) return std::nullopt;
  const Shape& dims = arg->shape.dims;
  if (node.op == "Rank") return Tensor::Scalar<int32_t>(static_cast<int32_t>(dims.size()));
  if (std::find(dims.begin(), dims.end(), -1) != dims.end()) return std::nullopt;
  bool wide = false;
  if (HasAttr(node, "out_type")) {
    auto out_type = GetTypeAttr(node, "out_type");
    if (!out_type.ok()) return std::nullopt;
    wide = *out_type == DataType::kInt64;
  }
  if (node.op == "Size") {
    const int64_t size = NumElements(dims);
    return wide ? Tensor::Scalar<int64_t>(size)
                : Tensor::Scalar<int32_t>(static_cast<int32_t>(size));
  }
  if (wide) return Tensor::FromVector<int64_t>(dims);
  return Tensor::FromVector<int32_t>(std::vector<int32_t>(dims.begin(), dims.end()));
}

// The outputs of `node` evaluated with its kernel on its constant inputs, or nullopt if
// it cannot fold (see the file comment). `used`: the outputs that matter.
std::optional<std::vector<Tensor>> Evaluate(const Node& node, const std::vector<int>& used) {
  if (node.inputs.empty() || IsStatefulOp(node.op)) return std::nullopt;
  const KernelFn kernel = KernelRegistry::Global().Find(node.op);
  if (kernel == nullptr) return std::nullopt;
  std::vector<Tensor> inputs;
  size_t input_bytes = 0;
  for (const Output& input : node.inputs) {
    if (!IsConstant(*input.node) || input.index != 0) return std::nullopt;
    inputs.push_back(input.node->constant);
    input_bytes += inputs.back().ByteSize();
  }
  OpKernelContext ctx(node, std::move(inputs), /*functions=*/nullptr);
  // An output over the memory limit is not folded (the node stays, and fails when run).
  if (!CatchAllocationFailure([&] { return kernel(ctx); }).ok()) return std::nullopt;
  std::vector<Tensor>& outputs = ctx.outputs();
  size_t output_bytes = 0;
  for (int index : used) {
    if (index >= static_cast<int>(outputs.size())) return std::nullopt;
    const Tensor& output = outputs[index];
    // Variants and resources (TensorLists, handles) have no Const form.
    if (!IsPodDataType(output.dtype()) && output.dtype() != DataType::kString) {
      return std::nullopt;
    }
    output_bytes += output.ByteSize();
  }
  if (output_bytes > kMaxFoldedBytes && output_bytes > input_bytes) return std::nullopt;
  return std::move(outputs);
}

// The value of each output of `node` known before the graph runs (only the used ones
// need be set), or nullopt.
std::optional<std::vector<Tensor>> FoldedValues(const Graph& graph, const Node& node,
                                                const std::set<const Node*>& read_only,
                                                const std::vector<int>& used) {
  if (node.op == "ReadVariableOp" && node.inputs.size() == 1 &&
      read_only.contains(node.inputs[0].node)) {
    const Tensor& value = node.inputs[0].node->constant;
    auto dtype = GetTypeAttr(node, "dtype");
    if (!dtype.ok() || *dtype != value.dtype()) return std::nullopt;
    return std::vector<Tensor>{value};
  }
  if (node.op == "Shape" || node.op == "Size" || node.op == "Rank") {
    if (auto value = StaticShapeValue(graph, node)) return std::vector<Tensor>{*value};
  }
  return Evaluate(node, used);
}

// Replaces the used outputs of `node` by constants: `node` itself becomes the first one
// (keeping its name and control uses), the others are new nodes.
void ReplaceWithConstants(Graph& graph, Node* node, const std::vector<int>& used,
                          std::vector<Tensor> values) {
  // The inputs are sources that run no code (constants, a variable handle, an arg):
  // waiting for them means waiting for what they wait for.
  std::vector<Node*> controls = node->control_inputs;
  for (const Output& input : node->inputs) {
    controls.insert(controls.end(), input.node->control_inputs.begin(),
                    input.node->control_inputs.end());
  }
  controls = ControlsThroughConsts(controls);
  for (size_t i = 1; i < used.size(); ++i) {
    Node* constant = AddConst(graph, node->name + "/output_" + std::to_string(used[i]),
                              std::move(values[used[i]]), controls);
    graph.ReplaceUses({node, used[i]}, {constant, 0});
  }
  if (used[0] != 0) graph.ReplaceUses({node, used[0]}, {node, 0});
  BecomeConst(node, std::move(values[used[0]]), std::move(controls));
}

}  // namespace

// One sweep in topological order reaches the fixed point: a node comes after its inputs,
// so it sees them folded already.
Status FoldConstants(Graph& graph) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(graph, /*only_needed=*/true));
  const std::set<const Node*> read_only = ReadOnlyVariables(graph);
  // Folding a node only moves the uses of its own outputs, so this stays right for the
  // nodes after it.
  const std::map<const Node*, std::vector<int>> uses = UsedOutputs(graph);
  for (Node* node : order) {
    if (node->op == "Const" || node->op == "_Arg" || node->inputs.empty()) continue;
    auto it = uses.find(node);
    if (it == uses.end()) continue;  // only waited for: nothing to replace
    const std::vector<int>& used = it->second;
    std::optional<std::vector<Tensor>> values = FoldedValues(graph, *node, read_only, used);
    if (!values) continue;
    ReplaceWithConstants(graph, node, used, std::move(*values));
  }
  RemoveControlEdgesOnConsts(graph);
  return RemoveUnneededNodes(graph);
}

}  // namespace tftrt
