// The graph verifier: checks the invariants every pass must keep (edges point at nodes
// of the same graph, names are unique, args are _Arg nodes, no cycles). Run after import
// and after every pass.
#ifndef TFTRT_GRAPH_VERIFIER_H_
#define TFTRT_GRAPH_VERIFIER_H_

#include "graph/graph.h"

namespace tftrt {

// Internal error naming the first broken invariant.
Status VerifyGraph(const Graph& graph);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_VERIFIER_H_
