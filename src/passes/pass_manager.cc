#include "passes/pass_manager.h"

#include <chrono>

#include "graph/verifier.h"

namespace tftrt {

Status CheckPassOptions(const PassOptions& options, const std::vector<PassInfo>& passes) {
  for (const std::string& name : options.disabled) {
    bool known = false;
    for (const PassInfo& pass : passes) known |= name == pass.name;
    if (known) continue;
    std::string valid;
    for (const PassInfo& pass : passes) valid += std::string(valid.empty() ? "" : ", ") + pass.name;
    return Status::InvalidArgument("unknown pass '" + name + "' (the passes are: " + valid + ")");
  }
  return Status::Ok();
}

StatusOr<std::vector<PassRun>> RunPasses(Graph& graph, const PassOptions& options,
                                         const std::vector<PassInfo>& passes) {
  TFTRT_RETURN_IF_ERROR(CheckPassOptions(options, passes));
  std::vector<PassRun> runs;
  for (const PassInfo& pass : passes) {
    PassRun run{pass.name, false, 0, graph.num_nodes(), graph.num_nodes()};
    if (!options.disabled.contains(pass.name)) {
      const auto start = std::chrono::steady_clock::now();
      Status status = pass.run(graph);
      run.milliseconds =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      const std::string where = std::string("in pass '") + pass.name + "'";
      if (!status.ok()) return status.WithContext(where);
      Status verified = VerifyGraph(graph);
      if (!verified.ok()) return verified.WithContext("the graph is broken " + where);
      run.ran = true;
      run.nodes_after = graph.num_nodes();
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace tftrt
