#include "backends/cuda/layer_profiler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <string_view>

#include "backends/cuda/cuda_check.h"

namespace tftrt::cuda {
namespace {

// Layers listed one by one; the rest are summed in one line.
constexpr size_t kListedLayers = 40;

std::string OutputShape(const EngineNetwork& plan, const EngineLayer& layer) {
  if (layer.output_size() == 0 || layer.output(0) >= plan.tensor_size()) return "";
  std::string shape = "[";
  for (int64_t d : plan.tensor(layer.output(0)).dim()) {
    shape += (shape.size() > 1 ? "," : "") + std::to_string(d);
  }
  return shape + "]";
}

}  // namespace

bool LayerProfiler::Enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("TFTRT_PROFILE_LAYERS");
    return value != nullptr && std::string_view(value) == "1";
  }();
  return enabled;
}

StatusOr<std::unique_ptr<LayerProfiler>> LayerProfiler::Create(int layers) {
  std::unique_ptr<LayerProfiler> profiler(new LayerProfiler());
  profiler->total_ms_.assign(layers, 0.0);
  for (int i = 0; i <= layers; ++i) {
    cudaEvent_t event = nullptr;
    TFTRT_CUDA_CHECK(cudaEventCreate(&event));
    profiler->events_.push_back(event);
  }
  return profiler;
}

LayerProfiler::~LayerProfiler() {
  for (cudaEvent_t event : events_) TFTRT_CUDA_STATUS(cudaEventDestroy(event)).IgnoreError();
}

Status LayerProfiler::Mark(int index, cudaStream_t stream) {
  TFTRT_CUDA_CHECK(cudaEventRecord(events_.at(index), stream));
  return Status::Ok();
}

Status LayerProfiler::Accumulate() {
  for (size_t i = 0; i < total_ms_.size(); ++i) {
    float milliseconds = 0;
    TFTRT_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, events_[i], events_[i + 1]));
    total_ms_[i] += milliseconds;
  }
  ++runs_;
  return Status::Ok();
}

void LayerProfiler::Print(const EngineNetwork& plan) const {
  if (runs_ == 0) return;
  std::vector<int> order(total_ms_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return total_ms_[a] > total_ms_[b]; });
  const double total = std::accumulate(total_ms_.begin(), total_ms_.end(), 0.0);
  std::fprintf(stderr,
               "layer profile: %zu layers, %d runs, %.3f ms per run (launched one by one)\n"
               "%10s %6s  %-24s %-20s %s\n",
               total_ms_.size(), runs_, total / runs_, "ms/run", "share", "op", "output", "layer");
  double rest = 0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const double ms = total_ms_[order[rank]] / runs_;
    if (rank >= kListedLayers) {
      rest += ms;
      continue;
    }
    const EngineLayer& layer = plan.layer(order[rank]);
    std::fprintf(stderr, "%10.4f %5.1f%%  %-24s %-20s %s\n", ms,
                 total > 0 ? 100.0 * ms * runs_ / total : 0.0, layer.op().c_str(),
                 OutputShape(plan, layer).c_str(), layer.name().c_str());
  }
  if (order.size() > kListedLayers) {
    std::fprintf(stderr, "%10.4f %5.1f%%  (%zu more layers)\n", rest,
                 total > 0 ? 100.0 * rest * runs_ / total : 0.0, order.size() - kListedLayers);
  }
}

}  // namespace tftrt::cuda
