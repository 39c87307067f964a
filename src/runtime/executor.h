// The native executor: runs a Graph (and the function graphs its If/While nodes call) on
// the CPU with the registered kernels, in topological order, freeing each intermediate
// tensor after its last use.
//
// Thread safety: Run may be called concurrently; plans are built once under a mutex.
#ifndef TFTRT_RUNTIME_EXECUTOR_H_
#define TFTRT_RUNTIME_EXECUTOR_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "runtime/engine_cache.h"
#include "runtime/kernel.h"

namespace tftrt {

class Executor : public FunctionRunner {
 public:
  // `engine_caches`: the caches of the graph's engine nodes (pre-built engines); fresh
  // ones on the cpu backend when null.
  Executor(std::shared_ptr<const Graph> graph, std::shared_ptr<const FunctionGraphs> functions,
           std::shared_ptr<EngineCaches> engine_caches = nullptr);
  ~Executor() override;

  // Checks that every node of every graph has a kernel; Unimplemented otherwise, naming
  // each unsupported op and a node that uses it. Call it once after construction; Run
  // builds only the plans it needs and reports an unsupported op when it reaches it.
  Status Prepare();

  // Runs the main graph: `args` in the order of graph->args(); returns its rets in order.
  // Checks each arg's and each result's dtype and shape against the graph's args and rets
  // (FailedPrecondition for a result that contradicts its ret).
  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> args);

  // FunctionRunner: runs one of the function graphs.
  StatusOr<std::vector<Tensor>> Run(const std::string& function_name,
                                    std::vector<Tensor> args) override;
  const Graph* FindFunction(const std::string& function_name) const override;
  EngineCaches& engine_caches() override { return *engine_caches_; }

 private:
  struct Plan;
  StatusOr<const Plan*> GetPlan(const Graph& graph);
  StatusOr<std::vector<Tensor>> RunGraph(const Graph& graph, std::vector<Tensor> args);

  std::shared_ptr<const Graph> graph_;
  std::shared_ptr<const FunctionGraphs> functions_;
  std::shared_ptr<EngineCaches> engine_caches_;
  std::mutex mutex_;
  std::map<const Graph*, std::unique_ptr<Plan>> plans_;
};

// Checks `args` against a graph's declared args: count and dtype. Shapes are not checked,
// as TensorFlow does not check them for signature and function calls.
Status CheckArgs(const Graph& graph, const std::vector<Tensor>& args);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_EXECUTOR_H_
