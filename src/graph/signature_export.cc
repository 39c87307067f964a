#include "graph/signature_export.h"

#include <set>

#include "common/check.h"
#include "graph/attrs.h"
#include "graph/export.h"
#include "graph/graph_copy.h"
#include "graph/saver_functions.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

using tensorflow::GraphDef;
using tensorflow::MetaGraphDef;
using tensorflow::NodeDef;
using tensorflow::StructuredValue;

// TF 2.10's GraphDef version: new enough for every op tftrt writes, and accepted by every
// TF 2.x that can run them.
constexpr int kGraphDefProducer = 1205;
constexpr int kGraphDefMinConsumer = 12;
constexpr char kCallNode[] = "StatefulPartitionedCall";
constexpr char kInitNode[] = "NoOp";
constexpr char kSaverFilenameNode[] = "saver_filename";
constexpr char kSaveNode[] = "StatefulPartitionedCall_1";
constexpr char kRestoreNode[] = "StatefulPartitionedCall_2";
constexpr char kInitOpKey[] = "__saved_model_init_op";
constexpr char kSignaturesChild[] = "signatures";

// A variable the export creates from a VarHandleOp or a large Const.
struct ExportedVariable {
  std::string name;  // object-graph local name and top-level VarHandleOp name
  Tensor value;
};

// Names unique in one namespace (the top-level graph, whose variables are also the
// object graph root's children), in TensorFlow's node-name syntax
// [A-Za-z0-9.][A-Za-z0-9_.\-/]*: other characters become '_'.
class NameSet {
 public:
  std::string Unique(const std::string& wanted) {
    std::string base;
    for (char c : wanted) {
      const bool valid = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                         c == '-' || c == '/';
      base += valid ? c : '_';
    }
    if (base.empty() || base[0] == '_' || base[0] == '-' || base[0] == '/') base = "n" + base;
    std::string name = base;
    for (int i = 1; !used_.insert(name).second; ++i) name = base + "_" + std::to_string(i);
    return name;
  }

 private:
  std::set<std::string> used_;
};

int64_t ElementBytes(const Tensor& tensor) {
  if (tensor.dtype() != DataType::kString) return static_cast<int64_t>(tensor.ByteSize());
  int64_t bytes = 0;
  for (int64_t i = 0; i < tensor.NumElements(); ++i) bytes += tensor.flat<std::string>()[i].size();
  return bytes;
}

bool IsVariableCandidate(const Node& node, int64_t min_bytes) {
  if (node.op == "VarHandleOp") return true;
  if (node.op != "Const" || !node.constant.is_valid()) return false;
  const DataType dtype = node.constant.dtype();
  return (IsPodDataType(dtype) || dtype == DataType::kString) &&
         ElementBytes(node.constant) >= min_bytes;
}

// Replaces every VarHandleOp and every Const of at least `min_bytes` in `graph` by a
// resource argument appended to its args; a Const becomes a ReadVariableOp of it.
StatusOr<std::vector<ExportedVariable>> HoistVariables(Graph& graph, int64_t min_bytes,
                                                       NameSet& names) {
  std::vector<ExportedVariable> variables;
  for (Node* node : graph.nodes()) {
    if (!IsVariableCandidate(*node, min_bytes)) continue;
    if (!node->constant.is_valid()) {
      return Status::InvalidArgument("variable " + node->Describe() + " has no value to save");
    }
    ExportedVariable variable{names.Unique(node->name), node->constant};
    Node* arg = AddGraphArg(graph, variable.name, DataType::kResource, PartialShape());
    if (node->op == "VarHandleOp") {
      graph.ReplaceUses({node, 0}, {arg, 0});
      graph.ReplaceControlUses(node, nullptr);
      graph.RemoveNode(node);
    } else {
      node->op = "ReadVariableOp";
      // Private attributes (TF's recorded shape, tftrt's native reason) still hold.
      std::erase_if(node->attrs, [](const auto& attr) { return !attr.first.starts_with("_"); });
      node->attrs["dtype"] = TypeAttr(variable.value.dtype());
      node->attrs[kSavedConstantAttr] = BoolAttr(true);
      node->inputs = {{arg, 0}};
      node->constant = Tensor();
    }
    variables.push_back(std::move(variable));
  }
  return variables;
}

// A table the export makes at top level and fills in the init op.
struct ExportedTable {
  std::string name;  // top-level table node name
  std::string op;    // HashTableV2 or MutableHashTableV2
  DataType key_dtype = DataType::kInvalid, value_dtype = DataType::kInvalid;
  AttrMap private_attrs;  // e.g. why it stays native, for the converted model's summary
  TableContents contents;
  // Its TrackableResource functions (set by MakeContents): _create_resource makes the
  // table, _initialize fills it (the init op calls it too), _destroy_resource does nothing.
  std::string creator, initializer, destroyer;
};

// Replaces every table node of `graph` that `tables` has contents for by a resource
// argument appended to its args.
StatusOr<std::vector<ExportedTable>> HoistTables(Graph& graph,
                                                 const std::map<std::string, TableContents>& tables,
                                                 NameSet& names) {
  std::vector<ExportedTable> hoisted;
  for (Node* node : graph.nodes()) {
    if (node->op != "HashTableV2" && node->op != "MutableHashTableV2") continue;
    auto it = tables.find(node->name);
    if (it == tables.end()) continue;
    ExportedTable table;
    table.name = names.Unique(node->name);
    table.op = node->op;
    table.contents = it->second;
    for (const auto& [attr, value] : node->attrs) {
      if (attr.starts_with("_")) table.private_attrs[attr] = value;
    }
    TFTRT_ASSIGN_OR_RETURN(table.key_dtype, GetTypeAttr(*node, "key_dtype"));
    TFTRT_ASSIGN_OR_RETURN(table.value_dtype, GetTypeAttr(*node, "value_dtype"));
    Node* arg = AddGraphArg(graph, table.name, DataType::kResource, PartialShape());
    graph.ReplaceUses({node, 0}, {arg, 0});
    graph.ReplaceControlUses(node, nullptr);
    graph.RemoveNode(node);
    hoisted.push_back(std::move(table));
  }
  return hoisted;
}

// A scalar int32 1, what TensorFlow's resource functions return.
Node* AddOne(Graph& graph) {
  Node* one = graph.AddNode("one", "Const", {{"dtype", TypeAttr(DataType::kInt32)}});
  one->constant = Tensor::Scalar<int32_t>(1);
  graph.rets().push_back({"output", {one, 0}, DataType::kInt32, PartialShape{false, {}}});
  return one;
}

// _initialize: fills `table` (its one argument, a capture) by LookupTableImportV2 of the
// contents as constants, and returns 1 once done.
std::shared_ptr<Graph> TableInitializerGraph(const std::string& name, const ExportedTable& table) {
  auto graph = std::make_shared<Graph>(name);
  Node* handle = AddGraphArg(*graph, "table", DataType::kResource, PartialShape());
  auto constant = [&](const std::string& node_name, const Tensor& value) {
    Node* node = graph->AddNode(node_name, "Const", {{"dtype", TypeAttr(value.dtype())}});
    node->constant = value;
    return node;
  };
  Node* keys = constant("keys", table.contents.keys);
  Node* values = constant("values", table.contents.values);
  Node* import =
      graph->AddNode("table_import", "LookupTableImportV2",
                     {{"Tin", TypeAttr(table.key_dtype)}, {"Tout", TypeAttr(table.value_dtype)}},
                     {{handle, 0}, {keys, 0}, {values, 0}});
  AddOne(*graph)->control_inputs.push_back(import);
  return graph;
}

// _create_resource: the table node, returned.
std::shared_ptr<Graph> TableCreatorGraph(const std::string& name, const ExportedTable& table) {
  auto graph = std::make_shared<Graph>(name);
  Node* node = graph->AddNode(table.name, table.op,
                              {{"key_dtype", TypeAttr(table.key_dtype)},
                               {"value_dtype", TypeAttr(table.value_dtype)},
                               {"shared_name", StringAttr(table.name)}});
  graph->rets().push_back({"output", {node, 0}, DataType::kResource, PartialShape{false, {}}});
  return graph;
}

// _destroy_resource: nothing to do (tables go with their last handle).
std::shared_ptr<Graph> TableDestroyerGraph(const std::string& name) {
  auto graph = std::make_shared<Graph>(name);
  AddOne(*graph);
  return graph;
}

// TensorFlow's checkpoint key of a root attribute: "." -> "..", "/" -> ".S", then
// "/.ATTRIBUTES/VARIABLE_VALUE".
std::string CheckpointKey(const std::string& local_name) {
  std::string escaped;
  for (char c : local_name) {
    if (c == '.') {
      escaped += "..";
    } else if (c == '/') {
      escaped += ".S";
    } else {
      escaped += c;
    }
  }
  return escaped + "/.ATTRIBUTES/VARIABLE_VALUE";
}

std::string FunctionName(const std::string& base, const FunctionGraphs& taken) {
  std::string clean;
  for (char c : base) clean += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  for (int i = 0;; ++i) {
    std::string name = clean + "_" + std::to_string(i);
    if (!taken.contains(name)) return name;
  }
}

NodeDef* AddNodeDef(GraphDef& graph, const std::string& name, const std::string& op) {
  NodeDef* node = graph.add_node();
  node->set_name(name);
  node->set_op(op);
  return node;
}

NodeDef* AddPlaceholder(GraphDef& graph, const std::string& name, DataType dtype,
                        const PartialShape& shape) {
  NodeDef* node = AddNodeDef(graph, name, "Placeholder");
  (*node->mutable_attr())["dtype"] = TypeAttr(dtype);
  (*node->mutable_attr())["shape"] = ShapeAttr(shape);
  return node;
}

// A StatefulPartitionedCall of `function` on `inputs`.
void AddCall(GraphDef& graph, const std::string& name, const tensorflow::OpDef& function,
             const std::vector<std::string>& inputs) {
  NodeDef* node = AddNodeDef(graph, name, kCallNode);
  for (const std::string& input : inputs) node->add_input(input);
  auto& attrs = *node->mutable_attr();
  attrs["f"].mutable_func()->set_name(function.name());
  auto* tin = attrs["Tin"].mutable_list();
  for (const auto& arg : function.input_arg()) tin->add_type(arg.type());
  auto* tout = attrs["Tout"].mutable_list();
  for (const auto& arg : function.output_arg()) tout->add_type(arg.type());
}

// REQUIRES: `library` has the function (export made it).
tensorflow::FunctionDef& FindFunction(tensorflow::FunctionDefLibrary& library,
                                      const std::string& name) {
  tensorflow::FunctionDef* found = nullptr;
  for (auto& function : *library.mutable_function()) {
    if (function.signature().name() == name) found = &function;
  }
  TFTRT_CHECK_MSG(found != nullptr, "the exported library lacks a function it was given");
  return *found;
}

StructuredValue TensorSpecValue(const std::string& name, int dtype, const PartialShape& shape) {
  StructuredValue value;
  auto* spec = value.mutable_tensor_spec_value();
  spec->set_name(name);
  spec->set_dtype(static_cast<tensorflow::DataType>(dtype));
  PartialShapeToProto(shape, spec->mutable_shape());
  return value;
}

tensorflow::TensorInfo TensorInfoOf(const std::string& name, int dtype, const PartialShape& shape) {
  tensorflow::TensorInfo info;
  info.set_name(name);
  info.set_dtype(static_cast<tensorflow::DataType>(dtype));
  PartialShapeToProto(shape, info.mutable_tensor_shape());
  return info;
}

// Everything the object graph, the signature and the top-level graph say about the
// signature function.
struct SignatureParts {
  const SignatureExport& what;
  const Graph& graph;                     // the exported signature graph
  const tensorflow::OpDef& signature;     // its function's signature
  std::vector<std::string> placeholders;  // per input, top-level node name
  const std::vector<ExportedVariable>& variables;
  const std::vector<ExportedTable>& tables;  // the function's args after the inputs
};

void FillSignatureDefs(const SignatureParts& parts, MetaGraphDef& meta_graph) {
  auto& signature = (*meta_graph.mutable_signature_def())[parts.what.signature_key];
  const auto& fn_signature = parts.signature;
  for (size_t i = 0; i < parts.placeholders.size(); ++i) {
    const GraphArg& arg = parts.graph.args()[i];
    (*signature.mutable_inputs())[arg.name] =
        TensorInfoOf(parts.placeholders[i] + ":0", fn_signature.input_arg(i).type(), arg.shape);
  }
  for (size_t i = 0; i < parts.graph.rets().size(); ++i) {
    const GraphRet& ret = parts.graph.rets()[i];
    (*signature.mutable_outputs())[ret.name] =
        TensorInfoOf(std::string(kCallNode) + ":" + std::to_string(i),
                     fn_signature.output_arg(i).type(), ret.shape);
  }
  signature.set_method_name("tensorflow/serving/predict");
  auto& init = (*(*meta_graph.mutable_signature_def())[kInitOpKey].mutable_outputs())[kInitOpKey];
  init.set_name(kInitNode);
  init.mutable_tensor_shape()->set_unknown_rank(true);
}

// Python's FullArgSpec of a function without arguments, as TensorFlow records it.
StructuredValue NoArgumentsSpec() {
  StructuredValue spec;
  auto* tuple = spec.mutable_named_tuple_value();
  tuple->set_name("FullArgSpec");
  auto add = [&](const char* key) {
    auto* pair = tuple->add_values();
    pair->set_key(key);
    return pair->mutable_value();
  };
  add("args")->mutable_list_value();
  add("varargs")->mutable_none_value();
  add("varkw")->mutable_none_value();
  add("defaults")->mutable_none_value();
  add("kwonlyargs")->mutable_list_value();
  add("kwonlydefaults")->mutable_none_value();
  add("annotations")->mutable_dict_value();
  return spec;
}

// The object graph (root -> tables with their functions, variables, "signatures" ->
// signature map -> the function) and the checkpoint's TrackableObjectGraph, node for node.
void FillObjectGraphs(const SignatureParts& parts, MetaGraphDef& meta_graph,
                      tensorflow::TrackableObjectGraph& trackable) {
  auto& saved = *meta_graph.mutable_object_graph_def();
  auto add_user_object = [&](const std::string& identifier) {
    auto* user_object = saved.add_nodes()->mutable_user_object();
    user_object->set_identifier(identifier);
    user_object->mutable_version()->set_producer(1);
    user_object->mutable_version()->set_min_consumer(1);
    trackable.add_nodes();
    return saved.nodes_size() - 1;
  };
  auto add_child = [&](int parent, int child, const std::string& name) {
    auto* ref = saved.mutable_nodes(parent)->add_children();
    ref->set_node_id(child);
    ref->set_local_name(name);
    *trackable.mutable_nodes(parent)->add_children() = *ref;
  };
  const int root = add_user_object("_generic_user_object");
  auto& concrete = (*saved.mutable_concrete_functions())[parts.signature.name()];
  for (const ExportedTable& table : parts.tables) {
    saved.add_nodes()->mutable_resource();
    trackable.add_nodes();
    const int resource = saved.nodes_size() - 1;
    add_child(root, resource, table.name);
    concrete.add_bound_inputs(resource);
    const std::pair<const char*, const std::string*> functions[] = {
        {"_create_resource", &table.creator},
        {"_initialize", &table.initializer},
        {"_destroy_resource", &table.destroyer}};
    for (const auto& [child, function] : functions) {
      auto* saved_function = saved.add_nodes()->mutable_function();
      trackable.add_nodes();
      saved_function->add_concrete_functions(*function);
      *saved_function->mutable_function_spec()->mutable_fullargspec() = NoArgumentsSpec();
      saved_function->mutable_function_spec()->mutable_input_signature()->mutable_tuple_value();
      add_child(resource, saved.nodes_size() - 1, child);
      auto& resource_function = (*saved.mutable_concrete_functions())[*function];
      if (function == &table.initializer) resource_function.add_bound_inputs(resource);
      auto* no_args =
          resource_function.mutable_canonicalized_input_signature()->mutable_tuple_value();
      no_args->add_values()->mutable_tuple_value();
      no_args->add_values()->mutable_dict_value();
      const int output_dtype =
          DataTypeToProto(function == &table.creator ? DataType::kResource : DataType::kInt32);
      *resource_function.mutable_output_signature() =
          TensorSpecValue("", output_dtype, PartialShape{false, {}});
    }
  }
  for (const ExportedVariable& variable : parts.variables) {
    auto* saved_variable = saved.add_nodes()->mutable_variable();
    saved_variable->set_dtype(DataTypeToProto(variable.value.dtype()));
    ShapeToProto(variable.value.shape(), saved_variable->mutable_shape());
    saved_variable->set_name(variable.name);
    auto* attribute = trackable.add_nodes()->add_attributes();
    attribute->set_name("VARIABLE_VALUE");
    attribute->set_full_name(variable.name);
    attribute->set_checkpoint_key(CheckpointKey(variable.name));
    add_child(root, saved.nodes_size() - 1, variable.name);
    concrete.add_bound_inputs(saved.nodes_size() - 1);
  }
  const int signature_map = add_user_object("signature_map");
  add_child(root, signature_map, kSignaturesChild);
  auto* bare = saved.add_nodes()->mutable_bare_concrete_function();
  trackable.add_nodes();
  add_child(signature_map, saved.nodes_size() - 1, parts.what.signature_key);
  bare->set_concrete_function_name(parts.signature.name());

  // Called with keyword arguments only: ((), {input: spec}) -> {output: spec}.
  auto* args = concrete.mutable_canonicalized_input_signature()->mutable_tuple_value();
  args->add_values()->mutable_tuple_value();
  auto* kwargs = args->add_values()->mutable_dict_value()->mutable_fields();
  const auto& fn_signature = parts.signature;
  for (size_t i = 0; i < parts.placeholders.size(); ++i) {
    const GraphArg& arg = parts.graph.args()[i];
    bare->add_argument_keywords(arg.name);
    (*kwargs)[arg.name] = TensorSpecValue(arg.name, fn_signature.input_arg(i).type(), arg.shape);
  }
  auto* outputs = concrete.mutable_output_signature()->mutable_dict_value()->mutable_fields();
  for (size_t i = 0; i < parts.graph.rets().size(); ++i) {
    const GraphRet& ret = parts.graph.rets()[i];
    (*outputs)[ret.name] = TensorSpecValue(ret.name, fn_signature.output_arg(i).type(), ret.shape);
  }
}

// Resource args carry their variable's dtype and shape, as TensorFlow writes them, so
// that its shape inference sees through ReadVariableOp.
void AddHandleData(const std::vector<ExportedVariable>& variables, size_t first,
                   tensorflow::FunctionDef& function) {
  for (size_t i = 0; i < variables.size(); ++i) {
    auto* handle = function.mutable_signature()->mutable_input_arg(first + i)->add_handle_data();
    handle->set_dtype(DataTypeToProto(variables[i].value.dtype()));
    ShapeToProto(variables[i].value.shape(), handle->mutable_shape());
  }
}

// The top-level nodes of `graph` (whose library is filled): a placeholder per input, a
// VarHandleOp per variable, the call of the signature function, the init op and the
// saver's calls.
void FillGraphNodes(const SignatureParts& parts, const std::string& save_name,
                    const std::string& restore_name, GraphDef& graph) {
  std::vector<std::string> call_inputs = parts.placeholders;
  for (size_t i = 0; i < parts.placeholders.size(); ++i) {
    const GraphArg& arg = parts.graph.args()[i];
    AddPlaceholder(graph, parts.placeholders[i], arg.dtype, arg.shape);
  }
  std::vector<std::string> table_inits;
  for (const ExportedTable& table : parts.tables) {
    NodeDef* node = AddNodeDef(graph, table.name, table.op);
    (*node->mutable_attr())["key_dtype"] = TypeAttr(table.key_dtype);
    (*node->mutable_attr())["value_dtype"] = TypeAttr(table.value_dtype);
    (*node->mutable_attr())["shared_name"] = StringAttr(table.name);
    node->mutable_attr()->insert(table.private_attrs.begin(), table.private_attrs.end());
    call_inputs.push_back(table.name);
    table_inits.push_back(table.name + "/initialize");
    AddCall(graph, table_inits.back(),
            FindFunction(*graph.mutable_library(), table.initializer).signature(), {table.name});
  }
  std::vector<std::string> handles;
  for (const ExportedVariable& variable : parts.variables) {
    NodeDef* node = AddNodeDef(graph, variable.name, "VarHandleOp");
    (*node->mutable_attr())["dtype"] = TypeAttr(variable.value.dtype());
    ShapeToProto(variable.value.shape(), (*node->mutable_attr())["shape"].mutable_shape());
    (*node->mutable_attr())["shared_name"] = StringAttr(variable.name);
    handles.push_back(variable.name);
  }
  call_inputs.insert(call_inputs.end(), handles.begin(), handles.end());
  AddCall(graph, kCallNode, parts.signature, call_inputs);
  NodeDef* init = AddNodeDef(graph, kInitNode, "NoOp");
  for (const std::string& table_init : table_inits) init->add_input("^" + table_init);
  if (!parts.variables.empty()) {
    AddPlaceholder(graph, kSaverFilenameNode, DataType::kString,
                   PartialShape{.unknown_rank = false, .dims = {}});
    handles.insert(handles.begin(), kSaverFilenameNode);
    tensorflow::FunctionDefLibrary& library = *graph.mutable_library();
    AddCall(graph, kSaveNode, FindFunction(library, save_name).signature(), handles);
    AddCall(graph, kRestoreNode, FindFunction(library, restore_name).signature(), handles);
  }
  graph.mutable_versions()->set_producer(kGraphDefProducer);
  graph.mutable_versions()->set_min_consumer(kGraphDefMinConsumer);
}

void FillMetaInfo(const OpDefs& op_defs, const std::string& tensorflow_version,
                  MetaGraphDef& meta_graph) {
  auto* info = meta_graph.mutable_meta_info_def();
  info->add_tags(kServeTag);
  info->set_tensorflow_version(tensorflow_version);
  info->set_stripped_default_attrs(true);
  const GraphDef& graph = meta_graph.graph_def();
  std::set<std::string> ops = OpsUsedBy(graph.library());
  for (const NodeDef& node : graph.node()) ops.insert(node.op());
  for (const std::string& op : ops) {
    // An op without a known OpDef is one whose outputs no exported function reads (export
    // checks that); TensorFlow knows it from its registry.
    if (const tensorflow::OpDef* op_def = op_defs.Find(op)) {
      *info->mutable_stripped_op_list()->add_op() = *op_def;
    }
  }
}

StatusOr<SavedModelContents> MakeContents(const SignatureExport& what) {
  if (what.graph == nullptr) return Status::InvalidArgument("no graph to export");
  OpDefs op_defs = what.op_defs ? *what.op_defs : OpDefs(MetaGraphDef());
  AddSaverOpDefs(&op_defs);

  NameSet names;
  for (const char* fixed :
       {kCallNode, kInitNode, kSaverFilenameNode, kSaveNode, kRestoreNode, kSignaturesChild}) {
    names.Unique(fixed);
  }
  std::vector<std::string> placeholders;
  for (const GraphArg& arg : what.graph->args()) {
    placeholders.push_back(names.Unique(what.signature_key + "_" + arg.name));
  }
  std::shared_ptr<Graph> graph = CopyGraph(*what.graph);
  TFTRT_ASSIGN_OR_RETURN(std::vector<ExportedTable> tables,
                         HoistTables(*graph, what.tables, names));
  TFTRT_ASSIGN_OR_RETURN(std::vector<ExportedVariable> variables,
                         HoistVariables(*graph, what.min_variable_bytes, names));

  FunctionGraphs functions = what.functions ? *what.functions : FunctionGraphs();
  const std::string function_name =
      FunctionName("__inference_signature_wrapper_" + what.signature_key, functions);
  functions[function_name] = graph;
  for (ExportedTable& table : tables) {
    table.creator = FunctionName("__inference__creator_" + table.name, functions);
    functions[table.creator] = TableCreatorGraph(table.creator, table);
    table.initializer = FunctionName("__inference__initializer_" + table.name, functions);
    functions[table.initializer] = TableInitializerGraph(table.initializer, table);
    table.destroyer = FunctionName("__inference__destroyer_" + table.name, functions);
    functions[table.destroyer] = TableDestroyerGraph(table.destroyer);
  }
  TFTRT_ASSIGN_OR_RETURN(tensorflow::OpDef signature, FunctionSignature(*graph, op_defs));
  signature.set_name(function_name);
  const SignatureParts parts{what, *graph, signature, placeholders, variables, tables};

  SavedModelContents contents;
  contents.saved_model.set_saved_model_schema_version(1);
  MetaGraphDef& meta_graph = *contents.saved_model.add_meta_graphs();
  tensorflow::TrackableObjectGraph trackable;
  FillObjectGraphs(parts, meta_graph, trackable);
  const std::string object_graph = trackable.SerializeAsString();

  std::string save_name, restore_name;
  if (!variables.empty()) {
    std::vector<CheckpointedVariable> checkpointed;
    for (const ExportedVariable& variable : variables) {
      checkpointed.push_back({CheckpointKey(variable.name), variable.value.dtype()});
    }
    save_name = FunctionName("__inference__traced_save", functions);
    functions[save_name] = SaveFunctionGraph(save_name, checkpointed, object_graph);
    restore_name = FunctionName("__inference__traced_restore", functions);
    functions[restore_name] = RestoreFunctionGraph(restore_name, checkpointed);
  }
  GraphDef& graph_def = *meta_graph.mutable_graph_def();
  TFTRT_ASSIGN_OR_RETURN(*graph_def.mutable_library(), ExportFunctionLibrary(functions, op_defs));
  AddHandleData(variables, placeholders.size() + tables.size(),
                FindFunction(*graph_def.mutable_library(), function_name));
  FillGraphNodes(parts, save_name, restore_name, graph_def);
  FillMetaInfo(op_defs, what.tensorflow_version, meta_graph);
  FillSignatureDefs(parts, meta_graph);
  if (!variables.empty()) {
    auto* saver = meta_graph.mutable_saver_def();
    saver->set_filename_tensor_name(std::string(kSaverFilenameNode) + ":0");
    saver->set_save_tensor_name(std::string(kSaveNode) + ":0");
    saver->set_restore_op_name(kRestoreNode);
    saver->set_version(tensorflow::SaverDef::V2);
  }

  for (const ExportedVariable& variable : variables) {
    contents.variables.emplace_back(CheckpointKey(variable.name), variable.value);
  }
  contents.variables.emplace_back(kObjectGraphProtoKey, Tensor::Scalar<std::string>(object_graph));
  contents.assets = what.assets;
  return contents;
}

}  // namespace

StatusOr<SavedModelContents> SignatureSavedModel(const SignatureExport& what) {
  auto contents = MakeContents(what);
  if (!contents.ok()) {
    return contents.status().WithContext("while exporting signature '" + what.signature_key + "'");
  }
  return contents;
}

Status ExportSignature(Env* env, const std::string& dir, const SignatureExport& what,
                       const WriteSavedModelOptions& options) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelContents contents, SignatureSavedModel(what));
  return WriteSavedModel(env, dir, contents, options);
}

}  // namespace tftrt
