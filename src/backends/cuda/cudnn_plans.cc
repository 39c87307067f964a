#include "backends/cuda/cudnn_plans.h"

#include <algorithm>

namespace tftrt::cuda {

Status BuildCandidatePlans(cudnnHandle_t handle, cudnn_frontend::graph::Graph& graph,
                           const TacticOptions& tactics, const std::string& signature,
                           std::vector<int64_t>& candidates) {
  graph.deselect_workspace_greater_than(tactics.max_workspace_bytes);
  TFTRT_CUDA_CHECK(graph.check_support(handle));
  const int64_t plan_count = graph.get_execution_plan_count();
  for (const std::string& preferred : PreferredChoices(tactics, signature)) {
    for (int64_t i = 0; i < plan_count && candidates.empty(); ++i) {
      std::string name;
      if (graph.get_plan_name_at_index(i, name).is_good() && name == preferred &&
          graph.build_plan_at_index(handle, i).is_good()) {
        candidates.push_back(i);
      }
    }
  }
  std::string failures;
  for (int64_t i = 0; i < plan_count && candidates.empty(); ++i) {
    cudnn_frontend::error_t built = graph.build_plan_at_index(handle, i);
    if (built.is_bad()) {
      failures += "\n  plan " + std::to_string(i) + ": " + built.err_msg;
      continue;
    }
    candidates.push_back(i);
    for (int64_t j = i + 1;
         j < plan_count && static_cast<int>(candidates.size()) < tactics.max_candidates; ++j) {
      if (graph.build_plan_at_index(handle, j).is_good()) candidates.push_back(j);
    }
  }
  if (candidates.empty()) {
    return Status::Unimplemented("cuDNN built no execution plan for the graph:" + failures);
  }
  TFTRT_CUDA_CHECK(graph.prepare_variant_pack_template());
  return Status::Ok();
}

StatusOr<CandidatePlans> DescribeCandidates(cudnn_frontend::graph::Graph& graph,
                                            const std::vector<int64_t>& candidates) {
  CandidatePlans plans;
  plans.names.resize(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    TFTRT_CUDA_CHECK(graph.get_plan_name_at_index(candidates[i], plans.names[i]));
    int64_t workspace = 0;
    TFTRT_CUDA_CHECK(graph.get_workspace_size_plan_at_index(candidates[i], workspace));
    plans.most_workspace = std::max(plans.most_workspace, workspace);
  }
  return plans;
}

}  // namespace tftrt::cuda
