// The op signatures (OpDefs) a model's graph refers to: the MetaGraphDef's stripped op
// list plus the signatures of its library functions (a node may call a function by name).
// Import uses them to turn "node:output_arg:index" into a flat output index and to
// restore the default attributes that the SavedModel writer stripped.
#ifndef TFTRT_GRAPH_OP_DEFS_H_
#define TFTRT_GRAPH_OP_DEFS_H_

#include <map>
#include <string>

#include "graph/graph.h"
#include "proto/function.pb.h"
#include "proto/meta_graph.pb.h"
#include "proto/op_def.pb.h"

namespace tftrt {

class OpDefs {
 public:
  OpDefs() = default;
  explicit OpDefs(const tensorflow::MetaGraphDef& meta_graph);
  // tftrt's builtin OpDefs alone: the signatures of every op it runs.
  static const OpDefs& Builtin();

  void Add(const tensorflow::OpDef& op_def) { ops_[op_def.name()] = op_def; }
  // Null if unknown.
  const tensorflow::OpDef* Find(const std::string& op) const;

  // The flat index of element `index` of output arg `arg_name` of `node`, whose list
  // lengths come from its attributes (number_attr, type_list_attr).
  StatusOr<int> FlatOutputIndex(const Node& node, const std::string& arg_name, int index) const;

  // Adds the attributes that `node`'s OpDef gives defaults for and the node lacks.
  void AddDefaultAttrs(Node* node) const;

 private:
  std::map<std::string, tensorflow::OpDef> ops_;
};

}  // namespace tftrt

#endif  // TFTRT_GRAPH_OP_DEFS_H_
