// The pass manager: runs the pass table on a graph, skipping disabled passes, timing each
// and verifying the graph after each.
#ifndef TFTRT_PASSES_PASS_MANAGER_H_
#define TFTRT_PASSES_PASS_MANAGER_H_

#include <set>
#include <string>
#include <vector>

#include "passes/pass.h"
#include "passes/pass_table.h"

namespace tftrt {

struct PassOptions {
  std::set<std::string> disabled;  // pass names
};

// What happened to one pass of the table.
struct PassRun {
  std::string name;
  bool ran = false;  // false when disabled
  double milliseconds = 0;
  int nodes_before = 0;
  int nodes_after = 0;
};

// InvalidArgument listing the valid names if `options` disables a pass `passes` lacks.
Status CheckPassOptions(const PassOptions& options, const std::vector<PassInfo>& passes = Passes());

// Runs `passes` in order on `graph`, except the disabled ones. A pass's error, or a graph
// the verifier rejects after it, is returned naming the pass; `graph` is then left as
// that pass left it. One PassRun per entry of `passes`, in order.
StatusOr<std::vector<PassRun>> RunPasses(Graph& graph, const PassOptions& options,
                                         const std::vector<PassInfo>& passes = Passes());

}  // namespace tftrt

#endif  // TFTRT_PASSES_PASS_MANAGER_H_
