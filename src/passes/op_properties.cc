#include "passes/op_properties.h"

#include "graph/op_defs.h"

namespace tftrt {

bool IsStatefulOp(const std::string& op) {
  // An empty MetaGraphDef leaves exactly tftrt's builtin OpDefs.
  static const OpDefs* builtin = new OpDefs(tensorflow::MetaGraphDef());
  const tensorflow::OpDef* op_def = builtin->Find(op);
  return op_def == nullptr || op_def->is_stateful();
}

}  // namespace tftrt
