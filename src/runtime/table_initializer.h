// Lookup tables made once, when a model is loaded or converted: TF2 SavedModels create
// and fill their tables in the init op (`__saved_model_init_op`: each TrackableResource's
// _create_resource / _initialize functions, vocabulary files from assets/). tftrt runs
// that op once, natively, and attaches each table to its table node (Node::constant holds
// the handle), so that every run shares the filled table, as TF's session does.
#ifndef TFTRT_RUNTIME_TABLE_INITIALIZER_H_
#define TFTRT_RUNTIME_TABLE_INITIALIZER_H_

#include <map>
#include <set>
#include <string>

#include "common/env.h"
#include "graph/graph.h"
#include "graph/signature_export.h"
#include "tftrt/status.h"

namespace tftrt {

// Whether `op` makes a lookup table resource.
bool IsTableOp(const std::string& op);

// Runs the init op of the SavedModel in `saved_model_dir` (read through `env`) and attaches the
// tables it fills to the table nodes of `graph` (a signature imported from that model). Nothing to
// do when the graph has no table nodes.
Status AttachInitializedTables(Env* env, const std::string& saved_model_dir,
                               const std::set<std::string>& tags, Graph* graph);

// The contents of the tables attached to `graph`'s table nodes, by node name: what a
// converted model's export fills its tables with.
std::map<std::string, TableContents> AttachedTableContents(const Graph& graph);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_TABLE_INITIALIZER_H_
