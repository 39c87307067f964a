// Deep copies of graphs, so a stage can transform a graph that others still use (Save
// rewrites a copy of the converted graph; the converted function keeps running).
#ifndef TFTRT_GRAPH_GRAPH_COPY_H_
#define TFTRT_GRAPH_GRAPH_COPY_H_

#include <memory>

#include "graph/graph.h"

namespace tftrt {

// A copy with the same node names, ops, attributes, constants, edges, args and rets.
std::shared_ptr<Graph> CopyGraph(const Graph& graph);

// Copies of every function graph.
std::shared_ptr<FunctionGraphs> CopyFunctions(const FunctionGraphs& functions);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_GRAPH_COPY_H_
