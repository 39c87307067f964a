// Export of tftrt's Graph IR to TensorFlow FunctionDefs: the inverse of the function import
// in import.cc, so that a graph tftrt made or transformed can be saved as a SavedModel.
//
// A graph becomes one FunctionDef:
//  * signature: an input arg per graph arg (in order) and an output arg per ret, named
//    after them, sanitized to TF's arg-name syntax [a-z][a-z0-9_]* and made unique;
//  * node_def: every node but the _Arg nodes, data inputs in FunctionDef syntax ("arg" for
//    a graph arg, "node:output_arg:index" from the producer's OpDef), then control inputs
//    ("^node"; control edges from args are dropped, an arg is always available); a Const
//    gets its "value" attribute back from Node::constant; attributes equal to their OpDef
//    default are left out (TF's stripped_default_attrs convention);
//  * ret: output arg -> producing tensor; control_ret: one entry per control ret.
// A node that calls a library function by op name finds that function's signature in the
// OpDefs (ExportFunctionLibrary adds the signatures of the graphs it exports).
#ifndef TFTRT_GRAPH_EXPORT_H_
#define TFTRT_GRAPH_EXPORT_H_

#include <set>
#include <string>

#include "graph/graph.h"
#include "graph/op_defs.h"
#include "proto/function.pb.h"

namespace tftrt {

// The signature `graph` exports with (name = graph.name(); args and rets, not the control
// outputs, which GraphToFunctionDef adds). InvalidArgument if an arg or ret has no known
// dtype (a ret's dtype is inferred from its producer when unset).
StatusOr<tensorflow::OpDef> FunctionSignature(const Graph& graph, const OpDefs& op_defs);

// `graph` as a FunctionDef (see the file comment). Errors name the graph and the node: an
// op without an OpDef whose outputs are read, a cycle, an _Arg that is not a graph arg.
StatusOr<tensorflow::FunctionDef> GraphToFunctionDef(const Graph& graph, const OpDefs& op_defs);

// Every graph of `functions` as a FunctionDef named by its key, each node calling one of
// them by op name resolved through their signatures.
StatusOr<tensorflow::FunctionDefLibrary> ExportFunctionLibrary(const FunctionGraphs& functions,
                                                               const OpDefs& op_defs);

// Appends an argument to `graph`: an _Arg node (attributes T and index, named
// "_arg_<name>" made unique) and its GraphArg. For graphs built or extended for export.
Node* AddGraphArg(Graph& graph, const std::string& name, DataType dtype, PartialShape shape);

// The op types that `library`'s functions use, excluding calls of library functions by
// name: what a SavedModel's stripped op list must describe.
std::set<std::string> OpsUsedBy(const tensorflow::FunctionDefLibrary& library);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_EXPORT_H_
