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

StatusOr<std::vector<double>> Engine::DeviceResidentLatencies(int runs) const {
  std::unique_ptr<ExecutionContext> context;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (idle_contexts_.empty()) {
      return Status::FailedPrecondition("the engine has not run: no inputs on the device");
    }
    context = std::move(idle_contexts_.back());  // the one returned last
    idle_contexts_.pop_back();
  }
  std::vector<double> latencies;
  Status status;
  for (int i = 0; i < runs && status.ok(); ++i) {
    StatusOr<double> ms = context->RerunOnDevice();
    status = ms.status();
    if (ms.ok()) latencies.push_back(*ms);
  }
  std::lock_guard<std::mutex> lock(pool_mutex_);
  idle_contexts_.push_back(std::move(context));
  if (!status.ok()) return status;
  return latencies;
}

void Engine::RecordComputeTime(double milliseconds) const {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  compute_milliseconds_ += milliseconds;
  ++timed_runs_;
}

double Engine::compute_milliseconds() const {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  return compute_milliseconds_;
}

int64_t Engine::timed_runs() const {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  return timed_runs_;
}

Status CheckPlanTensorCount(const EngineNetwork& plan) {
  if (plan.tensor_size() != plan.num_tensors()) {
    return Status::InvalidArgument("the plan records " + std::to_string(plan.tensor_size()) +
                                   " tensor shapes for " + std::to_string(plan.num_tensors()) +
                                   " tensors");
  }
  return Status::Ok();
}

}  // namespace tftrt
