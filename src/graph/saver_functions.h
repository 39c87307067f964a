// The save and restore functions of a SavedModel's saver_def, as graphs to export.
//
// tf.saved_model.load reads the checkpoint itself, but TensorFlow's C++ LoadSavedModel
// (TF Serving) and TF1-style loaders restore variables only by running saver_def's
// restore op, a call of the restore function with the checkpoint prefix and the
// variables' resource handles. Both functions take (file_prefix: string, one resource per
// variable) and return file_prefix; save writes every variable and the checkpoint's object
// graph with one SaveV2 (a single-shard V2 checkpoint at the prefix), restore reads every
// variable with one RestoreV2 and assigns it.
#ifndef TFTRT_GRAPH_SAVER_FUNCTIONS_H_
#define TFTRT_GRAPH_SAVER_FUNCTIONS_H_

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/op_defs.h"

namespace tftrt {

struct CheckpointedVariable {
  std::string checkpoint_key;  // "<path>/.ATTRIBUTES/VARIABLE_VALUE"
  DataType dtype = DataType::kInvalid;
};

// REQUIRES: `variables` is not empty (RestoreV2 reads at least one tensor).
std::shared_ptr<Graph> RestoreFunctionGraph(const std::string& name,
                                            const std::vector<CheckpointedVariable>& variables);
// `object_graph`: the serialized TrackableObjectGraph, saved under _CHECKPOINTABLE_OBJECT_GRAPH.
std::shared_ptr<Graph> SaveFunctionGraph(const std::string& name,
                                         const std::vector<CheckpointedVariable>& variables,
                                         const std::string& object_graph);

// Adds the OpDefs of the ops only a SavedModel's plumbing uses and tftrt does not run:
// SaveV2, RestoreV2 and StatefulPartitionedCall.
void AddSaverOpDefs(OpDefs* op_defs);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_SAVER_FUNCTIONS_H_
