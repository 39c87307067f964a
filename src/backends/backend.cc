#include "backends/backend.h"

namespace tftrt {

StatusOr<std::vector<Tensor>> Engine::Run(std::vector<Tensor> inputs) const {
  std::unique_ptr<ExecutionContext> context;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!idle_contexts_.empty()) {
      context = std::move(idle_contexts_.back());
      idle_contexts_.pop_back();
    }
  }
  if (context == nullptr) {
    TFTRT_ASSIGN_OR_RETURN(context, CreateContext());
  }
  StatusOr<std::vector<Tensor>> outputs = context->Run(std::move(inputs));
  std::lock_guard<std::mutex> lock(pool_mutex_);
  idle_contexts_.push_back(std::move(context));
  return outputs;
}

}  // namespace tftrt
