#include "graph/export.h"

#include <google/protobuf/util/message_differencer.h>

#include <map>

#include "graph/attrs.h"
#include "graph/output_types.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

using tensorflow::FunctionDef;
using tensorflow::NodeDef;
using tensorflow::OpDef;

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// TF's arg-name syntax [a-z][a-z0-9_]*: lower-cased, other characters replaced by '_', an
// "arg_" prefix where the first character is no letter; suffixed to be unique in `used`.
std::string ArgName(const std::string& name, std::set<std::string>* used) {
  std::string base;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    base += IsLower(c) || (c >= '0' && c <= '9') ? c : '_';
  }
  if (base.empty() || !IsLower(base[0])) base = "arg_" + base;
  std::string unique = base;
  for (int i = 1; !used->insert(unique).second; ++i) unique = base + "_" + std::to_string(i);
  return unique;
}

StatusOr<DataType> RetType(const GraphRet& ret, const OpDefs& op_defs) {
  if (ret.dtype != DataType::kInvalid) return ret.dtype;
  TFTRT_ASSIGN_OR_RETURN(std::vector<DataType> types, OutputTypes(*ret.tensor.node, op_defs));
  if (ret.tensor.index < 0 || ret.tensor.index >= static_cast<int>(types.size())) {
    return Status::InvalidArgument("ret '" + ret.name + "' reads output " +
                                   std::to_string(ret.tensor.index) + " of node " +
                                   ret.tensor.node->Describe() + ", which it does not have");
  }
  return types[ret.tensor.index];
}

// The output arg of `node` that holds its flat output `index`, and the position in it.
// FlatOutputIndex gives where each arg starts; the last start at or before `index` is the
// arg (an arg of length 0 has no start and is skipped). Checked by a round trip.
StatusOr<std::pair<std::string, int>> OutputArgOf(const Node& node, int index,
                                                  const OpDefs& op_defs) {
  const OpDef* op_def = op_defs.Find(node.op);
  if (op_def == nullptr) {
    return Status::NotFound("no OpDef for op '" + node.op + "' of node " + node.Describe() +
                            ": cannot name its outputs");
  }
  std::pair<std::string, int> found("", -1);
  for (const auto& arg : op_def->output_arg()) {
    auto start = op_defs.FlatOutputIndex(node, arg.name(), 0);
    if (start.ok() && *start <= index) found = {arg.name(), index - *start};
  }
  if (found.second < 0) {
    return Status::InvalidArgument("node " + node.Describe() + " has no output " +
                                   std::to_string(index));
  }
  TFTRT_RETURN_IF_ERROR(op_defs.FlatOutputIndex(node, found.first, found.second).status());
  return found;
}

bool IsDefaultValue(const OpDef* op_def, const std::string& name,
                    const tensorflow::AttrValue& value) {
  if (op_def == nullptr) return false;
  for (const auto& attr : op_def->attr()) {
    if (attr.name() == name) {
      return attr.has_default_value() &&
             google::protobuf::util::MessageDifferencer::Equals(attr.default_value(), value);
    }
  }
  return false;
}

// Names in FunctionDef syntax for one graph being exported.
class FunctionNames {
 public:
  // Input args come from `signature`; node names stay, except where an arg has the name.
  FunctionNames(const Graph& graph, const OpDef& signature, const std::vector<Node*>& nodes) {
    std::set<std::string> taken;
    for (size_t i = 0; i < graph.args().size(); ++i) {
      args_[graph.args()[i].node] = signature.input_arg(static_cast<int>(i)).name();
      taken.insert(signature.input_arg(static_cast<int>(i)).name());
    }
    for (const Node* node : nodes) {
      if (args_.contains(node)) continue;
      std::string name = node->name;
      for (int i = 1; taken.contains(name); ++i) name = node->name + "_" + std::to_string(i);
      taken.insert(name);
      nodes_[node] = name;
    }
  }

  bool IsArg(const Node* node) const { return args_.contains(node); }
  const std::string& NodeName(const Node* node) const { return nodes_.at(node); }

  // "arg" or "node:output_arg:index".
  StatusOr<std::string> TensorName(const Output& output, const OpDefs& op_defs) const {
    auto arg = args_.find(output.node);
    if (arg != args_.end()) {
      if (output.index != 0) {
        return Status::InvalidArgument("argument node " + output.node->Describe() +
                                       " has only output 0, not " + std::to_string(output.index));
      }
      return arg->second;
    }
    TFTRT_ASSIGN_OR_RETURN(auto out_arg, OutputArgOf(*output.node, output.index, op_defs));
    return NodeName(output.node) + ":" + out_arg.first + ":" + std::to_string(out_arg.second);
  }

 private:
  std::map<const Node*, std::string> args_;
  std::map<const Node*, std::string> nodes_;
};

Status FillNodeDef(const Node& node, const FunctionNames& names, const OpDefs& op_defs,
                   NodeDef* def) {
  def->set_name(names.NodeName(&node));
  def->set_op(node.op);
  def->set_device(node.device);
  for (const Output& input : node.inputs) {
    TFTRT_ASSIGN_OR_RETURN(std::string name, names.TensorName(input, op_defs));
    def->add_input(std::move(name));
  }
  for (const Node* control : node.control_inputs) {
    if (!names.IsArg(control)) def->add_input("^" + names.NodeName(control));
  }
  const OpDef* op_def = op_defs.Find(node.op);
  for (const auto& [name, value] : node.attrs) {
    if (!IsDefaultValue(op_def, name, value)) (*def->mutable_attr())[name] = value;
  }
  if (node.op == "Const" && node.constant.is_valid()) {
    auto& attrs = *def->mutable_attr();
    TensorToProto(node.constant, attrs["value"].mutable_tensor());
    if (!attrs.contains("dtype")) attrs["dtype"].set_type(DataTypeToProto(node.constant.dtype()));
  } else if (node.op == "Const" && !node.attrs.contains("value")) {
    return Status::InvalidArgument("constant " + node.Describe() + " has no value");
  }
  return Status::Ok();
}

bool IsStateful(const Graph& graph, const OpDefs& op_defs) {
  for (const Node* node : graph.nodes()) {
    const OpDef* op_def = op_defs.Find(node->op);
    if (op_def != nullptr && op_def->is_stateful()) return true;
  }
  return false;
}

StatusOr<FunctionDef> ToFunctionDef(const Graph& graph, const OpDefs& op_defs) {
  FunctionDef fdef;
  TFTRT_ASSIGN_OR_RETURN(*fdef.mutable_signature(), FunctionSignature(graph, op_defs));
  TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> nodes, TopologicalOrder(graph, false));
  const FunctionNames names(graph, fdef.signature(), nodes);
  for (const Node* node : nodes) {
    if (names.IsArg(node)) continue;
    if (node->op == "_Arg") {
      return Status::InvalidArgument("node " + node->Describe() + " is not an argument of graph");
    }
    Status status = FillNodeDef(*node, names, op_defs, fdef.add_node_def());
    if (!status.ok()) return status.WithContext("while exporting node " + node->Describe());
  }
  for (size_t i = 0; i < graph.rets().size(); ++i) {
    const GraphRet& ret = graph.rets()[i];
    auto tensor = names.TensorName(ret.tensor, op_defs);
    if (!tensor.ok()) return tensor.status().WithContext("while exporting ret '" + ret.name + "'");
    (*fdef.mutable_ret())[fdef.signature().output_arg(static_cast<int>(i)).name()] = *tensor;
  }
  for (const Node* node : graph.control_rets()) {
    if (names.IsArg(node)) continue;
    const std::string& name = names.NodeName(node);
    if (fdef.control_ret().contains(name)) continue;
    fdef.mutable_signature()->add_control_output(name);
    (*fdef.mutable_control_ret())[name] = name;
  }
  return fdef;
}

}  // namespace

StatusOr<OpDef> FunctionSignature(const Graph& graph, const OpDefs& op_defs) {
  OpDef signature;
  signature.set_name(graph.name());
  std::set<std::string> used;
  for (const GraphArg& arg : graph.args()) {
    if (arg.dtype == DataType::kInvalid) {
      return Status::InvalidArgument("argument '" + arg.name + "' of graph '" + graph.name() +
                                     "' has no dtype");
    }
    auto* arg_def = signature.add_input_arg();
    arg_def->set_name(ArgName(arg.name, &used));
    arg_def->set_type(DataTypeToProto(arg.dtype));
  }
  for (const GraphRet& ret : graph.rets()) {
    auto dtype = RetType(ret, op_defs);
    if (!dtype.ok()) return dtype.status().WithContext("in graph '" + graph.name() + "'");
    auto* arg_def = signature.add_output_arg();
    arg_def->set_name(ArgName(ret.name, &used));
    arg_def->set_type(DataTypeToProto(*dtype));
  }
  signature.set_is_stateful(IsStateful(graph, op_defs));
  return signature;
}

StatusOr<FunctionDef> GraphToFunctionDef(const Graph& graph, const OpDefs& op_defs) {
  auto fdef = ToFunctionDef(graph, op_defs);
  if (!fdef.ok()) return fdef.status().WithContext("while exporting graph '" + graph.name() + "'");
  return fdef;
}

StatusOr<tensorflow::FunctionDefLibrary> ExportFunctionLibrary(const FunctionGraphs& functions,
                                                               const OpDefs& op_defs) {
  OpDefs with_functions = op_defs;
  for (const auto& [name, graph] : functions) {
    TFTRT_ASSIGN_OR_RETURN(OpDef signature, FunctionSignature(*graph, op_defs));
    signature.set_name(name);
    with_functions.Add(signature);
  }
  tensorflow::FunctionDefLibrary library;
  for (const auto& [name, graph] : functions) {
    TFTRT_ASSIGN_OR_RETURN(*library.add_function(), GraphToFunctionDef(*graph, with_functions));
    library.mutable_function()->rbegin()->mutable_signature()->set_name(name);
  }
  return library;
}

Node* AddGraphArg(Graph& graph, const std::string& name, DataType dtype, PartialShape shape) {
  const int64_t index = static_cast<int64_t>(graph.args().size());
  Node* node = graph.AddNode(graph.UniqueName("_arg_" + name), "_Arg",
                             {{"index", IntAttr(index)}, {"T", TypeAttr(dtype)}});
  graph.args().push_back({name, node, dtype, std::move(shape)});
  return node;
}

std::set<std::string> OpsUsedBy(const tensorflow::FunctionDefLibrary& library) {
  std::set<std::string> functions;
  for (const FunctionDef& fdef : library.function()) functions.insert(fdef.signature().name());
  std::set<std::string> ops;
  for (const FunctionDef& fdef : library.function()) {
    for (const NodeDef& node : fdef.node_def()) {
      if (!functions.contains(node.op())) ops.insert(node.op());
    }
  }
  return ops;
}

}  // namespace tftrt
