// What every cuDNN graph runner (convolution_runner.h, attention_runner.h) does with its
// cudnn-frontend graph once the graph is described: build its candidate execution plans
// (the engine's known choice or the timing cache's winner, else the first
// tactics.max_candidates that cuDNN builds), and
// choose among them by timing. Include only from .cc files (see cudnn_frontend_check.h).
#ifndef TFTRT_BACKENDS_CUDA_CUDNN_PLANS_H_
#define TFTRT_BACKENDS_CUDA_CUDNN_PLANS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backends/cuda/cudnn_frontend_check.h"
#include "backends/cuda/tactics.h"

namespace tftrt::cuda {

// After validate, build_operation_graph, create_execution_plans and the runner's own
// deselections: drops plans needing more than tactics.max_workspace_bytes, checks support,
// builds the candidates (heuristics order) into `candidates` and prepares the variant-pack
// template. `signature` names the layer in the timing cache. Unimplemented, with every
// plan's failure, when cuDNN builds none.
Status BuildCandidatePlans(cudnnHandle_t handle, cudnn_frontend::graph::Graph& graph,
                           const TacticOptions& tactics, const std::string& signature,
                           std::vector<int64_t>& candidates);

// The candidates' plan names and the largest workspace any of them needs.
struct CandidatePlans {
  std::vector<std::string> names;
  int64_t most_workspace = 0;
};
StatusOr<CandidatePlans> DescribeCandidates(cudnn_frontend::graph::Graph& graph,
                                            const std::vector<int64_t>& candidates);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CUDNN_PLANS_H_
