// What a pass is: a named rewrite of the main (flat) graph that keeps its results.
//
// A pass runs before segmenting, on the graph import made of a signature (one flat graph,
// If/While branches left as separate functions, which passes do not touch). Contract:
// the rets keep their names, order, dtypes and values, the args stay (even unused ones),
// and the graph still passes VerifyGraph. Every pass leaves no node behind that no ret,
// control ret or arg needs (the executor would never run it). Errors are for graphs the
// pass cannot read (a broken attribute), never for "nothing to do".
#ifndef TFTRT_PASSES_PASS_H_
#define TFTRT_PASSES_PASS_H_

#include "graph/graph.h"

namespace tftrt {

using PassFn = Status (*)(Graph& graph);

struct PassInfo {
  const char* name;     // what options and reports call it: "constant_folding"
  const char* summary;  // one line for --help
  PassFn run;
};

}  // namespace tftrt

#endif  // TFTRT_PASSES_PASS_H_
