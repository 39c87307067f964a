// Import of a SavedModel signature into tftrt's Graph IR.
//
// The signature's outputs are traced back through the top-level GraphDef; every
// PartitionedCall / StatefulPartitionedCall (and direct call of a library function) is
// inlined, recursively, so the result is one flat graph whose args are the signature's
// inputs and whose rets are its outputs (both sorted by key). Functions that stay
// functions (If / While branches and bodies, and what they call) are imported as
// separate graphs, also with their calls inlined. Attributes stripped by the writer are
// restored from the op list; Const values are parsed once; each VarHandleOp gets its
// checkpoint value (Node::constant) through the object graph.
#ifndef TFTRT_GRAPH_IMPORT_H_
#define TFTRT_GRAPH_IMPORT_H_

#include <functional>
#include <memory>
#include <string>

#include "graph/graph.h"
#include "graph/op_defs.h"
#include "proto/meta_graph.pb.h"

namespace tftrt {

// The checkpoint value of the variable that is node `object_id` of the SavedObjectGraph.
using VariableLookup = std::function<StatusOr<Tensor>(int object_id)>;

struct ImportedSignature {
  std::shared_ptr<Graph> graph;
  std::shared_ptr<FunctionGraphs> functions;
  // The OpDefs the graphs' ops refer to (the model's op list, then tftrt's builtin ones).
  std::shared_ptr<const OpDefs> op_defs;
  // The version of the TensorFlow whose ops the graphs use (MetaInfoDef's
  // tensorflow_version); empty when the model does not record one.
  std::string tensorflow_version;
};

// `unbound_variables`: a VarHandleOp bound to no saved object is left without a value
// (the graph assigns it before reading it, as the init op does with asset paths) rather
// than refused.
StatusOr<ImportedSignature> ImportSignature(const tensorflow::MetaGraphDef& meta_graph,
                                            const std::string& signature_key,
                                            const VariableLookup& variables,
                                            bool unbound_variables = false);

// "name:3" -> ("name", 3); "name" -> ("name", 0). Used for TensorInfo names.
StatusOr<std::pair<std::string, int>> ParseTensorName(const std::string& tensor_name);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_IMPORT_H_
