// Built cuDNN plans shared by the runners of one process whose layers are the same: BERT's 12
// attention layers have one graph per input shape, and building an execution plan for cuDNN's
// fused attention (whose kernels cuDNN compiles at run time) is slow, so each engine built
// the same plan 12 times. A plan lives while any runner holds it.
//
// Thread safety: GetOrBuild may be called from several threads at once. Two threads that
// build the same key at once both build; the first kept is shared from then on.
#ifndef TFTRT_BACKENDS_CUDA_SHARED_PLANS_H_
#define TFTRT_BACKENDS_CUDA_SHARED_PLANS_H_

#include <cuda_runtime_api.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backends/cuda/cuda_check.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// Plan: a runner's immutable built plan (its graph, the chosen execution plan and what the
// runner reads of it). One SharedPlans per kind of runner, as a function-local static.
template <typename Plan>
class SharedPlans {
 public:
  using Build = std::function<StatusOr<std::shared_ptr<const Plan>>()>;

  // The plan that a runner of this process holds for `key` on the current device, else
  // build()'s, kept for later callers. `key` must name everything the plan depends on
  // (shapes, dtypes, workspace limit, the device's model and library versions).
  StatusOr<std::shared_ptr<const Plan>> GetOrBuild(const std::string& key, const Build& build) {
    int device = 0;
    TFTRT_CUDA_CHECK(cudaGetDevice(&device));
    const std::string full_key = "device " + std::to_string(device) + ": " + key;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = plans_.find(full_key);
      if (it != plans_.end()) {
        if (std::shared_ptr<const Plan> kept = it->second.lock()) return kept;
      }
    }
    TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> built, build());
    std::lock_guard<std::mutex> lock(mutex_);
    std::weak_ptr<const Plan>& slot = plans_[full_key];
    if (std::shared_ptr<const Plan> kept = slot.lock()) return kept;
    slot = built;
    return built;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<const Plan>> plans_;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_SHARED_PLANS_H_
