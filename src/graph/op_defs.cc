#include "graph/op_defs.h"

#include <google/protobuf/text_format.h>

#include <climits>

#include "common/check.h"

namespace tftrt {
namespace {

#include "graph/builtin_op_defs.inc"

// Ops that tftrt runs but TensorFlow's registry (the source of builtin_op_defs.inc) lacks:
// TF-TRT's engine node, as tensorflow/compiler/tf2tensorrt/ops/trt_engine_op.cc registers
// it (the last six attributes are deprecated and kept for compatibility).
constexpr char kTftrtOpDefs[] = R"pb(
  op {
    name: "TRTEngineOp"
    input_arg { name: "in_tensor" type_list_attr: "InT" }
    output_arg { name: "out_tensor" type_list_attr: "OutT" }
    attr { name: "serialized_segment" type: "string" }
    attr {
      name: "segment_func"
      type: "func"
      default_value { func {} }
    }
    attr {
      name: "InT"
      type: "list(type)"
      allowed_values {
        list { type: [ DT_BOOL, DT_INT8, DT_HALF, DT_FLOAT, DT_INT32, DT_RESOURCE ] }
      }
    }
    attr {
      name: "OutT"
      type: "list(type)"
      allowed_values { list { type: [ DT_BOOL, DT_INT8, DT_HALF, DT_FLOAT, DT_INT32 ] } }
    }
    attr {
      name: "input_shapes"
      type: "list(shape)"
      default_value { list {} }
    }
    attr {
      name: "output_shapes"
      type: "list(shape)"
      default_value { list {} }
    }
    attr {
      name: "max_cached_engines_count"
      type: "int"
      default_value { i: 1 }
    }
    attr {
      name: "max_batch_size"
      type: "int"
      default_value { i: 1 }
    }
    attr { name: "workspace_size_bytes" type: "int" }
    attr {
      name: "precision_mode"
      type: "string"
      allowed_values { list { s: [ "FP32", "FP16", "INT8" ] } }
    }
    attr {
      name: "calibration_data"
      type: "string"
      default_value { s: "" }
    }
    attr {
      name: "use_calibration"
      type: "bool"
      default_value { b: true }
    }
    attr {
      name: "segment_funcdef_name"
      type: "string"
      default_value { s: "" }
    }
    attr {
      name: "cached_engine_batches"
      type: "list(int)"
      default_value { list {} }
      has_minimum: true
    }
    attr {
      name: "fixed_input_size"
      type: "bool"
      default_value { b: true }
    }
    attr {
      name: "static_engine"
      type: "bool"
      default_value { b: true }
    }
    attr {
      name: "profile_strategy"
      type: "string"
      default_value { s: "" }
    }
    attr {
      name: "use_explicit_precision"
      type: "bool"
      default_value { b: false }
    }
  }
)pb";

// The OpDefs of the ops tftrt runs, parsed once.
const tensorflow::OpList& BuiltinOpDefs() {
  static const tensorflow::OpList* op_list = [] {
    std::string text;
    for (const char* chunk : kBuiltinOpDefChunks) text += chunk;
    text += kTftrtOpDefs;
    auto* list = new tensorflow::OpList();
    TFTRT_CHECK_MSG(google::protobuf::TextFormat::ParseFromString(text, list),
                    "the builtin OpDefs do not parse");
    return list;
  }();
  return *op_list;
}

}  // namespace

OpDefs::OpDefs(const tensorflow::MetaGraphDef& meta_graph) {
  // The model's own list wins; ours fills in ops that newer TensorFlow leaves out of it
  // (those used only inside If/While branch functions).
  for (const auto& op : BuiltinOpDefs().op()) Add(op);
  for (const auto& op : meta_graph.meta_info_def().stripped_op_list().op()) Add(op);
  for (const auto& function : meta_graph.graph_def().library().function()) {
    Add(function.signature());
  }
}

const OpDefs& OpDefs::Builtin() {
  static const OpDefs* op_defs = [] {
    auto* defs = new OpDefs();
    for (const auto& op : BuiltinOpDefs().op()) defs->Add(op);
    return defs;
  }();
  return *op_defs;
}

const tensorflow::OpDef* OpDefs::Find(const std::string& op) const {
  auto it = ops_.find(op);
  return it == ops_.end() ? nullptr : &it->second;
}

StatusOr<int> OpDefs::FlatOutputIndex(const Node& node, const std::string& arg_name,
                                      int index) const {
  const tensorflow::OpDef* op_def = Find(node.op);
  if (op_def == nullptr) {
    return Status::Unimplemented("unsupported op '" + node.op + "' (node " + node.Describe() +
                                 "): tftrt has no kernel for it and the SavedModel does not "
                                 "define it");
  }
  // Lengths are attribute values from the file: counted in int64 and checked, so that a
  // huge one cannot overflow the flat index.
  int64_t flat = 0;
  for (const auto& arg : op_def->output_arg()) {
    int64_t length = 1;
    if (!arg.number_attr().empty()) {
      auto it = node.attrs.find(arg.number_attr());
      if (it == node.attrs.end()) {
        return Status::InvalidArgument("node " + node.Describe() + " lacks attribute '" +
                                       arg.number_attr() + "'");
      }
      length = it->second.i();
    } else if (!arg.type_list_attr().empty()) {
      auto it = node.attrs.find(arg.type_list_attr());
      if (it == node.attrs.end()) {
        return Status::InvalidArgument("node " + node.Describe() + " lacks attribute '" +
                                       arg.type_list_attr() + "'");
      }
      length = it->second.list().type_size();
    }
    if (arg.name() == arg_name) {
      if (index < 0 || index >= length || flat + index > INT_MAX) {
        return Status::InvalidArgument("output '" + arg_name + ":" + std::to_string(index) +
                                       "' of node " + node.Describe() + " is out of range");
      }
      return static_cast<int>(flat + index);
    }
    if (length < 0 || __builtin_add_overflow(flat, length, &flat) || flat > INT_MAX) {
      return Status::InvalidArgument("node " + node.Describe() + " has a bad length " +
                                     std::to_string(length) + " for output '" + arg.name() + "'");
    }
  }
  return Status::InvalidArgument("op '" + node.op + "' has no output named '" + arg_name + "'");
}

void OpDefs::AddDefaultAttrs(Node* node) const {
  const tensorflow::OpDef* op_def = Find(node->op);
  if (op_def == nullptr) return;
  for (const auto& attr : op_def->attr()) {
    if (attr.has_default_value() && !node->attrs.contains(attr.name())) {
      node->attrs[attr.name()] = attr.default_value();
    }
  }
}

}  // namespace tftrt
