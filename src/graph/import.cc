#include "graph/import.h"

#include <algorithm>
#include <deque>
#include <set>

#include "graph/attrs.h"
#include "graph/op_defs.h"
#include "graph/verifier.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

using tensorflow::FunctionDef;
using tensorflow::NodeDef;

// Each inlining scans the whole graph (uses, control uses, removal), so inlining costs
// about calls x nodes. Real models inline a handful of calls (the fixtures: at most 4, into
// 1836 nodes); a 1.5 KB model whose calls fan out (f calls g twice, g calls h twice, ...)
// took over 5 minutes. Past this many node visits (0.3 s) the import is refused; recursion
// is found by itself.
constexpr int64_t kMaxInliningWork = int64_t{1} << 23;

bool IsCallOp(const std::string& op) {
  return op == "PartitionedCall" || op == "StatefulPartitionedCall";
}

// Everything import needs about the model, shared by the top level and every function.
struct ImportContext {
  const tensorflow::MetaGraphDef& meta_graph;
  OpDefs op_defs;
  std::map<std::string, const FunctionDef*> library;
};

// Creates a node from a NodeDef (without its inputs), restoring default attributes and
// parsing a Const's value once.
StatusOr<Node*> AddNodeFromDef(const NodeDef& def, const std::string& name,
                               const ImportContext& ctx, Graph* graph) {
  Node* node = graph->AddNode(name, def.op(), AttrMap(def.attr().begin(), def.attr().end()));
  node->device = def.device();
  ctx.op_defs.AddDefaultAttrs(node);
  if (node->op == "Const") {
    auto value = GetTensorAttr(*node, "value");
    if (!value.ok()) return value.status().WithContext("while importing node " + node->Describe());
    node->constant = std::move(value).value();
    node->attrs.erase("value");
  }
  return node;
}

// Resolves one input string of a function body node: "arg", "node:out_arg:index" or
// "^node" (control; returns an Output with index -1).
StatusOr<Output> ResolveFunctionInput(const std::string& input, const FunctionDef& fdef,
                                      const std::map<std::string, Node*>& nodes,
                                      const std::map<std::string, Output>& args,
                                      const OpDefs& op_defs) {
  const std::string where = "input '" + input + "' in function '" + fdef.signature().name() + "'";
  if (!input.empty() && input[0] == '^') {
    auto it = nodes.find(input.substr(1));
    if (it == nodes.end()) return Status::InvalidArgument("unknown node in control " + where);
    return Output{it->second, -1};
  }
  const size_t colon = input.find(':');
  if (colon == std::string::npos) {
    auto it = args.find(input);
    if (it == args.end()) return Status::InvalidArgument("unknown argument in " + where);
    return it->second;
  }
  auto it = nodes.find(input.substr(0, colon));
  if (it == nodes.end()) return Status::InvalidArgument("unknown node in " + where);
  const size_t second = input.find(':', colon + 1);
  const std::string arg_name =
      input.substr(colon + 1, second == std::string::npos ? std::string::npos : second - colon - 1);
  int index = 0;
  if (second != std::string::npos) {
    try {
      index = std::stoi(input.substr(second + 1));
    } catch (const std::exception&) {
      return Status::InvalidArgument("bad output index in " + where);
    }
  }
  TFTRT_ASSIGN_OR_RETURN(int flat, op_defs.FlatOutputIndex(*it->second, arg_name, index));
  return Output{it->second, flat};
}

struct BodyResult {
  std::vector<Node*> nodes;  // every node the body added
  std::vector<Output> rets;
  std::vector<Node*> control_rets;
};

// Adds the body of `fdef` to `graph`, node names prefixed by `prefix`, its arguments
// bound to `args`.
StatusOr<BodyResult> ImportFunctionBody(const FunctionDef& fdef, const std::string& prefix,
                                        const std::vector<Output>& args, const ImportContext& ctx,
                                        Graph* graph) {
  const auto& signature = fdef.signature();
  if (static_cast<int>(args.size()) != signature.input_arg_size()) {
    return Status::InvalidArgument("function '" + signature.name() + "' takes " +
                                   std::to_string(signature.input_arg_size()) +
                                   " arguments, called with " + std::to_string(args.size()));
  }
  std::map<std::string, Output> arg_values;
  for (int i = 0; i < signature.input_arg_size(); ++i) {
    arg_values[signature.input_arg(i).name()] = args[i];
  }
  std::map<std::string, Node*> nodes;
  for (const NodeDef& def : fdef.node_def()) {
    TFTRT_ASSIGN_OR_RETURN(Node * node,
                           AddNodeFromDef(def, graph->UniqueName(prefix + def.name()), ctx, graph));
    nodes[def.name()] = node;
  }
  for (const NodeDef& def : fdef.node_def()) {
    Node* node = nodes[def.name()];
    for (const std::string& input : def.input()) {
      TFTRT_ASSIGN_OR_RETURN(Output source,
                             ResolveFunctionInput(input, fdef, nodes, arg_values, ctx.op_defs));
      if (source.index < 0) {
        node->control_inputs.push_back(source.node);
      } else {
        node->inputs.push_back(source);
      }
    }
  }
  BodyResult result;
  for (const auto& [name, node] : nodes) result.nodes.push_back(node);
  for (const auto& output_arg : signature.output_arg()) {
    auto it = fdef.ret().find(output_arg.name());
    if (it == fdef.ret().end()) {
      return Status::InvalidArgument("function '" + signature.name() +
                                     "' has no value for output '" + output_arg.name() + "'");
    }
    TFTRT_ASSIGN_OR_RETURN(Output source,
                           ResolveFunctionInput(it->second, fdef, nodes, arg_values, ctx.op_defs));
    result.rets.push_back(source);
  }
  for (const std::string& control_output : signature.control_output()) {
    auto it = fdef.control_ret().find(control_output);
    if (it == fdef.control_ret().end() || !nodes.contains(it->second)) {
      return Status::InvalidArgument("function '" + signature.name() +
                                     "' has a bad control output '" + control_output + "'");
    }
    result.control_rets.push_back(nodes[it->second]);
  }
  return result;
}

// The function a call node calls, or null if `node` is not a call.
StatusOr<const FunctionDef*> CalledFunction(const Node& node, const ImportContext& ctx) {
  std::string name;
  if (IsCallOp(node.op)) {
    TFTRT_ASSIGN_OR_RETURN(name, GetFuncAttr(node, "f"));
  } else if (ctx.library.contains(node.op)) {
    name = node.op;
  } else {
    return nullptr;
  }
  auto it = ctx.library.find(name);
  if (it == ctx.library.end()) {
    return Status::NotFound("node " + node.Describe() + " calls function '" + name +
                            "', which is not in the SavedModel's function library");
  }
  return it->second;
}

// Whether a node has control users (control inputs of other nodes, or a control ret).
bool IsWaitedFor(const Graph& graph, const Node* node) {
  for (const Node* other : graph.nodes()) {
    for (const Node* control : other->control_inputs) {
      if (control == node) return true;
    }
  }
  for (const Node* control : graph.control_rets()) {
    if (control == node) return true;
  }
  return false;
}

// The function bodies inlined so far, each with the inlining its call came from: a call
// whose chain of inlinings already holds its function is a recursion.
class InliningChains {
 public:
  // Records that `body` came from inlining `function` at `call`.
  void Add(const Node* call, const FunctionDef* function, const std::vector<Node*>& body) {
    inlinings_.push_back({function, Of(call)});
    for (const Node* node : body) origin_[node->id] = static_cast<int>(inlinings_.size()) - 1;
  }
  // Whether `call` (a call of `function`) lies in a body that `function` itself inlined.
  bool IsRecursive(const Node* call, const FunctionDef* function) const {
    for (int i = Of(call); i >= 0; i = inlinings_[i].parent) {
      if (inlinings_[i].function == function) return true;
    }
    return false;
  }

 private:
  struct Inlining {
    const FunctionDef* function;
    int parent;  // -1: called from the graph itself
  };
  int Of(const Node* node) const {
    auto it = origin_.find(node->id);
    return it == origin_.end() ? -1 : it->second;
  }
  std::vector<Inlining> inlinings_;
  // Node id (never reused, unlike the address of a removed node) -> its inlining.
  std::map<int, int> origin_;
};

// Replaces every call node in `graph` by the body of the function it calls, until none
// is left (bodies may call further functions).
Status InlineCalls(const ImportContext& ctx, Graph* graph) {
  const std::vector<Node*> nodes = graph->nodes();
  std::deque<Node*> calls(nodes.begin(), nodes.end());
  InliningChains chains;
  int64_t inlined = 0, work = 0;
  while (!calls.empty()) {
    Node* call = calls.front();
    calls.pop_front();
    TFTRT_ASSIGN_OR_RETURN(const FunctionDef* fdef, CalledFunction(*call, ctx));
    if (fdef == nullptr) continue;
    // Found before inlining: running into the work limit below would take seconds.
    if (chains.IsRecursive(call, fdef)) {
      return Status::InvalidArgument("function '" + fdef->signature().name() +
                                     "' calls itself: recursive functions are not supported");
    }
    work += graph->num_nodes();
    if (work > kMaxInliningWork) {
      return Status::InvalidArgument(
          "the function calls fan out too much to inline: " + std::to_string(inlined) +
          " calls inlined into a graph of " + std::to_string(graph->num_nodes()) +
          " nodes already took " + std::to_string(work) + " node visits, more than the " +
          std::to_string(kMaxInliningWork) + " allowed");
    }
    ++inlined;
    auto body = ImportFunctionBody(*fdef, call->name + "/", call->inputs, ctx, graph);
    if (!body.ok()) return body.status().WithContext("while inlining call " + call->Describe());
    chains.Add(call, fdef, body->nodes);
    for (Node* node : body->nodes) {
      // The call's control inputs must still precede the body: hang them on its sources.
      if (node->inputs.empty() && node->control_inputs.empty()) {
        node->control_inputs = call->control_inputs;
      }
      calls.push_back(node);  // bodies may call further functions
    }
    for (size_t i = 0; i < body->rets.size(); ++i) {
      graph->ReplaceUses(Output{call, static_cast<int>(i)}, body->rets[i]);
    }
    // What waited for the call now waits for the body's outputs and side effects.
    if (IsWaitedFor(*graph, call)) {
      Node* done = graph->AddNode(graph->UniqueName(call->name + "/done"), "NoOp");
      for (const Output& ret : body->rets) done->control_inputs.push_back(ret.node);
      for (Node* node : body->control_rets) done->control_inputs.push_back(node);
      graph->ReplaceControlUses(call, done);
    }
    for (Node* node : body->control_rets) graph->control_rets().push_back(node);
    graph->RemoveNode(call);
  }
  return Status::Ok();
}

StatusOr<DataType> ArgDataType(const tensorflow::OpDef::ArgDef& arg, const std::string& function) {
  auto dtype = DataTypeFromProto(arg.type());
  if (!dtype.ok()) {
    return dtype.status().WithContext("argument '" + arg.name() + "' of function '" + function +
                                      "'");
  }
  return dtype;
}

// Imports a function that stays a function (If/While branch) as its own graph.
StatusOr<std::shared_ptr<Graph>> ImportFunctionGraph(const FunctionDef& fdef,
                                                     const ImportContext& ctx) {
  const auto& signature = fdef.signature();
  auto graph = std::make_shared<Graph>(signature.name());
  std::vector<Output> args;
  for (int i = 0; i < signature.input_arg_size(); ++i) {
    const auto& arg_def = signature.input_arg(i);
    TFTRT_ASSIGN_OR_RETURN(DataType dtype, ArgDataType(arg_def, signature.name()));
    Node* arg = graph->AddNode(graph->UniqueName("_arg_" + arg_def.name()), "_Arg",
                               {{"index", IntAttr(i)}, {"T", TypeAttr(dtype)}});
    graph->args().push_back({arg_def.name(), arg, dtype, PartialShape()});
    args.push_back({arg, 0});
  }
  TFTRT_ASSIGN_OR_RETURN(BodyResult body, ImportFunctionBody(fdef, "", args, ctx, graph.get()));
  for (int i = 0; i < signature.output_arg_size(); ++i) {
    const auto& out_def = signature.output_arg(i);
    TFTRT_ASSIGN_OR_RETURN(DataType dtype, ArgDataType(out_def, signature.name()));
    graph->rets().push_back({out_def.name(), body.rets[i], dtype, PartialShape()});
  }
  graph->control_rets() = body.control_rets;
  TFTRT_RETURN_IF_ERROR(InlineCalls(ctx, graph.get()));
  return graph;
}

// Names of functions that `graph`'s nodes refer to in attributes (If/While branches).
std::set<std::string> ReferencedFunctions(const Graph& graph) {
  std::set<std::string> names;
  for (const Node* node : graph.nodes()) {
    for (const auto& [attr_name, value] : node->attrs) {
      if (value.has_func()) names.insert(value.func().name());
      for (const auto& func : value.list().func()) names.insert(func.name());
    }
  }
  return names;
}

// Imports, transitively, every function the graph's attributes refer to.
StatusOr<std::shared_ptr<FunctionGraphs>> ImportReferencedFunctions(const Graph& graph,
                                                                    const ImportContext& ctx) {
  auto functions = std::make_shared<FunctionGraphs>();
  std::set<std::string> seen;
  std::deque<std::string> pending;
  for (const auto& name : ReferencedFunctions(graph)) pending.push_back(name);
  while (!pending.empty()) {
    std::string name = pending.front();
    pending.pop_front();
    if (!seen.insert(name).second) continue;
    auto it = ctx.library.find(name);
    if (it == ctx.library.end()) {
      return Status::NotFound("function '" + name + "' is not in the SavedModel's library");
    }
    auto imported = ImportFunctionGraph(*it->second, ctx);
    if (!imported.ok()) {
      return imported.status().WithContext("while importing function '" + name + "'");
    }
    TFTRT_RETURN_IF_ERROR(VerifyGraph(**imported));
    for (const auto& referenced : ReferencedFunctions(**imported)) pending.push_back(referenced);
    (*functions)[name] = std::move(imported).value();
  }
  return functions;
}

// VarHandleOp node name -> SavedObjectGraph node id, from the top-level call nodes:
// their trailing inputs are the captures that the concrete function's bound_inputs name.
std::map<std::string, int> VariableObjectIds(const tensorflow::MetaGraphDef& meta_graph) {
  std::map<std::string, int> ids;
  const auto& concrete = meta_graph.object_graph_def().concrete_functions();
  for (const NodeDef& def : meta_graph.graph_def().node()) {
    if (!IsCallOp(def.op()) || !def.attr().contains("f")) continue;
    auto it = concrete.find(def.attr().at("f").func().name());
    if (it == concrete.end()) continue;
    const auto& bound = it->second.bound_inputs();
    std::vector<std::string> data_inputs;
    for (const auto& input : def.input()) {
      if (!input.starts_with("^")) data_inputs.push_back(input);
    }
    if (bound.size() > static_cast<int>(data_inputs.size())) continue;
    const size_t first = data_inputs.size() - bound.size();
    for (int i = 0; i < bound.size(); ++i) {
      std::string name = data_inputs[first + i];
      name = name.substr(0, name.find(':'));
      ids.emplace(name, bound[i]);
    }
  }
  return ids;
}

// A checkpoint value must be what the VarHandleOp declares (its dtype and shape attrs), as
// TF's restore refuses to assign a value of another shape: else a corrupt index would
// change the shapes the whole graph computes.
Status CheckVariableValue(const Node& node, const Tensor& value) {
  TFTRT_ASSIGN_OR_RETURN(DataType dtype, GetTypeAttr(node, "dtype"));
  TFTRT_ASSIGN_OR_RETURN(PartialShape shape, GetShapeAttr(node, "shape"));
  if (value.dtype() != dtype || !shape.IsCompatibleWith(value.shape())) {
    return Status::DataLoss("variable " + node.Describe() + " is declared " +
                            std::string(DataTypeName(dtype)) + shape.ToString() +
                            ", but its value in the checkpoint is " + value.DebugString());
  }
  return Status::Ok();
}

Status AttachVariableValues(const ImportContext& ctx, const VariableLookup& variables,
                            bool unbound_variables, Graph* graph) {
  const std::map<std::string, int> ids = VariableObjectIds(ctx.meta_graph);
  for (Node* node : graph->nodes()) {
    if (node->op != "VarHandleOp") continue;
    auto it = ids.find(node->name);
    if (it == ids.end() && unbound_variables) continue;
    if (it == ids.end()) {
      return Status::NotFound("variable " + node->Describe() +
                              " is not bound to any saved object: cannot find its value");
    }
    auto value = variables(it->second);
    if (!value.ok())
      return value.status().WithContext("while reading variable " + node->Describe());
    TFTRT_RETURN_IF_ERROR(CheckVariableValue(*node, *value));
    node->constant = std::move(value).value();
  }
  return Status::Ok();
}

// A signature tensor's shape; a TensorInfo without tensor_shape declares none (as
// ListSignatures reads it), not a scalar.
StatusOr<PartialShape> DeclaredShape(const tensorflow::TensorInfo& info) {
  if (!info.has_tensor_shape()) return PartialShape();
  return PartialShapeFromProto(info.tensor_shape());
}

// Adds the top-level GraphDef nodes that `outputs` need, with signature inputs as args.
Status ImportTopLevel(const tensorflow::SignatureDef& signature, const ImportContext& ctx,
                      Graph* graph) {
  std::map<std::string, const NodeDef*> defs;
  for (const NodeDef& def : ctx.meta_graph.graph_def().node()) defs[def.name()] = &def;

  // Signature inputs, sorted by key: placeholder node name -> key.
  std::map<std::string, std::string> input_keys;
  for (const auto& [key, info] : signature.inputs()) {
    if (info.encoding_case() != tensorflow::TensorInfo::kName) {
      return Status::Unimplemented(
          "signature input '" + key +
          "' is a sparse or composite tensor; only dense tensors are supported");
    }
    TFTRT_ASSIGN_OR_RETURN(auto name, ParseTensorName(info.name()));
    input_keys[name.first] = key;
  }

  // Trace the needed nodes back from the outputs.
  std::vector<std::string> order;
  std::set<std::string> needed;
  std::deque<std::string> pending;
  for (const auto& [key, info] : signature.outputs()) {
    if (info.encoding_case() != tensorflow::TensorInfo::kName) {
      return Status::Unimplemented(
          "signature output '" + key +
          "' is a sparse or composite tensor; only dense tensors are supported");
    }
    TFTRT_ASSIGN_OR_RETURN(auto name, ParseTensorName(info.name()));
    pending.push_back(name.first);
  }
  while (!pending.empty()) {
    std::string name = pending.front();
    pending.pop_front();
    if (!needed.insert(name).second) continue;
    auto it = defs.find(name);
    if (it == defs.end())
      return Status::NotFound("the signature refers to missing node '" + name + "'");
    order.push_back(name);
    if (input_keys.contains(name)) continue;  // becomes an arg: its inputs are not needed
    // Parsed as the inputs are resolved below, so that every source found there is traced.
    for (const std::string& input : it->second->input()) {
      if (input.starts_with("^")) {
        pending.push_back(input.substr(1));
        continue;
      }
      TFTRT_ASSIGN_OR_RETURN(auto source, ParseTensorName(input));
      pending.push_back(source.first);
    }
  }

  std::map<std::string, Node*> nodes;
  for (const std::string& name : order) {
    const NodeDef& def = *defs[name];
    if (input_keys.contains(name)) {
      nodes[name] = graph->AddNode(name, "_Arg");
      continue;
    }
    if (def.op() == "Placeholder") {
      return Status::InvalidArgument("the signature needs placeholder '" + name +
                                     "', which is not one of its inputs");
    }
    TFTRT_ASSIGN_OR_RETURN(nodes[name], AddNodeFromDef(def, name, ctx, graph));
  }
  for (const std::string& name : order) {
    if (input_keys.contains(name)) continue;
    Node* node = nodes[name];
    for (const std::string& input : defs[name]->input()) {
      if (input.starts_with("^")) {
        node->control_inputs.push_back(nodes.at(input.substr(1)));
        continue;
      }
      TFTRT_ASSIGN_OR_RETURN(auto source, ParseTensorName(input));
      node->inputs.push_back({nodes.at(source.first), source.second});
    }
  }

  // Args in the order of their keys; an input the outputs do not need still gets a node.
  std::map<std::string, std::string> nodes_by_key;
  for (const auto& [node_name, key] : input_keys) nodes_by_key[key] = node_name;
  int index = 0;
  for (const auto& [key, node_name] : nodes_by_key) {
    if (!nodes.contains(node_name)) nodes[node_name] = graph->AddNode(node_name, "_Arg");
    const tensorflow::TensorInfo& info = signature.inputs().at(key);
    TFTRT_ASSIGN_OR_RETURN(DataType dtype, DataTypeFromProto(info.dtype()));
    TFTRT_ASSIGN_OR_RETURN(PartialShape shape, DeclaredShape(info));
    Node* arg = nodes[node_name];
    arg->attrs["index"] = IntAttr(index++);
    arg->attrs["T"] = TypeAttr(dtype);
    graph->args().push_back({key, arg, dtype, shape});
  }
  std::map<std::string, tensorflow::TensorInfo> outputs(signature.outputs().begin(),
                                                        signature.outputs().end());
  for (const auto& [key, info] : outputs) {
    TFTRT_ASSIGN_OR_RETURN(auto name, ParseTensorName(info.name()));
    TFTRT_ASSIGN_OR_RETURN(DataType dtype, DataTypeFromProto(info.dtype()));
    TFTRT_ASSIGN_OR_RETURN(PartialShape shape, DeclaredShape(info));
    graph->rets().push_back({key, {nodes.at(name.first), name.second}, dtype, shape});
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::pair<std::string, int>> ParseTensorName(const std::string& tensor_name) {
  const size_t colon = tensor_name.rfind(':');
  if (colon == std::string::npos) return std::make_pair(tensor_name, 0);
  try {
    size_t used = 0;
    int index = std::stoi(tensor_name.substr(colon + 1), &used);
    if (used != tensor_name.size() - colon - 1 || index < 0) throw std::invalid_argument("");
    return std::make_pair(tensor_name.substr(0, colon), index);
  } catch (const std::exception&) {
    return Status::InvalidArgument("bad tensor name '" + tensor_name + "'");
  }
}

StatusOr<ImportedSignature> ImportSignature(const tensorflow::MetaGraphDef& meta_graph,
                                            const std::string& signature_key,
                                            const VariableLookup& variables,
                                            bool unbound_variables) {
  auto it = meta_graph.signature_def().find(signature_key);
  if (it == meta_graph.signature_def().end()) {
    std::string available;
    for (const auto& [key, def] : meta_graph.signature_def()) {
      if (key.starts_with("__")) continue;
      available += (available.empty() ? "" : ", ") + key;
    }
    return Status::InvalidArgument("the SavedModel has no signature '" + signature_key +
                                   "' (it has: " + available + ")");
  }
  if (!meta_graph.has_object_graph_def()) {
    return Status::Unimplemented(
        "this is a TF1 SavedModel (it has no object graph); tftrt reads TF 2.x SavedModels");
  }
  ImportContext ctx{meta_graph, OpDefs(meta_graph), {}};
  for (const auto& function : meta_graph.graph_def().library().function()) {
    ctx.library[function.signature().name()] = &function;
  }
  auto graph = std::make_shared<Graph>(signature_key);
  const std::string context = "while importing signature '" + signature_key + "'";
  TFTRT_RETURN_IF_ERROR_CTX(ImportTopLevel(it->second, ctx, graph.get()), context);
  TFTRT_RETURN_IF_ERROR_CTX(InlineCalls(ctx, graph.get()), context);
  TFTRT_RETURN_IF_ERROR_CTX(AttachVariableValues(ctx, variables, unbound_variables, graph.get()),
                            context);
  TFTRT_RETURN_IF_ERROR_CTX(VerifyGraph(*graph), context);
  // Variables that branches use arrive there as resource args: nothing to attach.
  TFTRT_ASSIGN_OR_RETURN(auto functions, ImportReferencedFunctions(*graph, ctx));
  return ImportedSignature{graph, functions, std::make_shared<OpDefs>(std::move(ctx.op_defs)),
                           meta_graph.meta_info_def().tensorflow_version()};
}

}  // namespace tftrt
