// Export of one signature (a Graph and the function graphs it reaches) as a TF2
// SavedModel that tf.saved_model.load, TensorFlow's C++ loader and tftrt's own reader
// (Model::Load) load and run: the inverse of ImportSignature.
//
// The model is laid out as TensorFlow saves a tf.Module whose tf.function reads
// tf.Variables, with nothing more:
//  * weights live in variables/, not in saved_model.pb (whose 2 GiB protobuf limit users
//    of converters hit when weights are inlined): every VarHandleOp of the graph and every
//    Const of at least `min_variable_bytes` becomes a variable, which the signature
//    function receives as a trailing resource argument and reads with ReadVariableOp (the
//    Const's name and private "_" attributes are kept, and kSavedConstantAttr marks it);
//  * graph_def: a Placeholder "<signature_key>_<input>" per input, a VarHandleOp per
//    variable, one StatefulPartitionedCall of the signature function, the init NoOp, the
//    saver plumbing, and the library (the signature function, the function graphs, the
//    save and restore functions);
//  * signature_def[signature_key]: inputs and outputs (StatefulPartitionedCall:<i>) by
//    key, with dtypes and shapes;
//  * object_graph_def: root -> each variable (by name) and "signatures" -> signature_map
//    -> the bare concrete function, whose bound_inputs are the variables;
//  * variables/: each variable under "<escaped name>/.ATTRIBUTES/VARIABLE_VALUE" and the
//    matching TrackableObjectGraph under _CHECKPOINTABLE_OBJECT_GRAPH.
// Consts inside the function graphs (If/While branches, engine segments) stay inlined.
#ifndef TFTRT_GRAPH_SIGNATURE_EXPORT_H_
#define TFTRT_GRAPH_SIGNATURE_EXPORT_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "graph/graph.h"
#include "graph/op_defs.h"
#include "savedmodel/saved_model_writer.h"

namespace tftrt {

// The attribute (true) on a ReadVariableOp that the export made of a Const, so that readers
// of the saved model (the conversion summary) can report it as the constant it stands for.
inline constexpr char kSavedConstantAttr[] = "_tftrt_saved_constant";

// The contents of a lookup table that a table node (HashTableV2, MutableHashTableV2) of
// the exported graph holds: the export makes the table at top level and fills it in the
// init op, as TensorFlow's SavedModels do.
struct TableContents {
  Tensor keys;
  Tensor values;
};

struct SignatureExport {
  std::string signature_key = "serving_default";
  // The signature function: args = inputs, rets = outputs (names are the keys).
  std::shared_ptr<const Graph> graph;
  // Every function graph reachable from `graph` (If/While branches, engine segment
  // functions), by name. Null: none.
  std::shared_ptr<const FunctionGraphs> functions;
  // (file name under assets/, contents).
  std::vector<std::pair<std::string, std::string>> assets;
  // Const nodes of `graph` this large (bytes of their elements) are saved as variables.
  int64_t min_variable_bytes = 256;
  // The OpDefs of the graphs' ops (ImportedSignature::op_defs). Null: tftrt's builtin ones.
  std::shared_ptr<const OpDefs> op_defs;
  // MetaInfoDef's tensorflow_version: the TensorFlow whose ops the graph uses (a converted
  // model keeps its source's, ImportedSignature::tensorflow_version). Empty: none recorded.
  std::string tensorflow_version;
  // By table node name: the tables the graph's table nodes hold (filled when the model
  // was loaded). A table node not listed stays in the function (an empty table per run).
  std::map<std::string, TableContents> tables;
};

// The SavedModel of `what` in memory. InvalidArgument for a null graph, a variable
// without a value, or a graph that cannot be exported (see graph/export.h).
StatusOr<SavedModelContents> SignatureSavedModel(const SignatureExport& what);

// Writes SignatureSavedModel(what) to `dir` with WriteSavedModel (atomic; a non-empty
// `dir` is refused unless options.overwrite).
Status ExportSignature(Env* env, const std::string& dir, const SignatureExport& what,
                       const WriteSavedModelOptions& options = {});

}  // namespace tftrt

#endif  // TFTRT_GRAPH_SIGNATURE_EXPORT_H_
