#include "backends/cuda/layer_profiler.h"

#include <cuda_profiler_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
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
  if (range_open_) TFTRT_CUDA_STATUS(cudaProfilerStop()).IgnoreError();
  for (cudaEvent_t event : events_) TFTRT_CUDA_STATUS(cudaEventDestroy(event)).IgnoreError();
}

Status LayerProfiler::Mark(int index, cudaStream_t stream) {
  if (index == 0 && warm_ && !range_open_) {
    TFTRT_CUDA_CHECK(cudaProfilerStart());
    range_open_ = true;
  }
  TFTRT_CUDA_CHECK(cudaEventRecord(events_.at(index), stream));
  return Status::Ok();
}

Status LayerProfiler::Accumulate() {
  if (!warm_) {
    warm_ = true;
    return Status::Ok();
  }
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
  std::vector<double> per_run(total_ms_.size());
  for (size_t i = 0; i < per_run.size(); ++i) per_run[i] = total_ms_[i] / runs_;
  const double total = std::accumulate(per_run.begin(), per_run.end(), 0.0);
  char title[128];
  std::snprintf(title, sizeof(title),
                "layer profile: %zu layers, %d runs, %.3f ms per run (launched one by one)",
                per_run.size(), runs_, total);
  PrintLayerTimes(title, plan, per_run);
}

void PrintLayerTimes(const std::string& title, const EngineNetwork& plan,
                     const std::vector<double>& ms) {
  std::vector<int> order(ms.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return ms[a] > ms[b]; });
  const double total = std::accumulate(ms.begin(), ms.end(), 0.0);
  auto share = [total](double value) { return total > 0 ? 100.0 * value / total : 0.0; };
  std::fprintf(stderr, "%s\n%10s %6s  %-24s %-20s %s\n", title.c_str(), "ms", "share", "op",
               "output", "layer");
  double rest = 0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const double value = ms[order[rank]];
    if (rank >= kListedLayers) {
      rest += value;
      continue;
    }
    const EngineLayer& layer = plan.layer(order[rank]);
    std::fprintf(stderr, "%10.4f %5.1f%%  %-24s %-20s %s\n", value, share(value),
                 layer.op().c_str(), OutputShape(plan, layer).c_str(), layer.name().c_str());
  }
  if (order.size() > kListedLayers) {
    std::fprintf(stderr, "%10.4f %5.1f%%  (%zu more layers)\n", rest, share(rest),
                 order.size() - kListedLayers);
  }
  // The same per op type.
  struct OpTime {
    double ms = 0;
    int layers = 0;
  };
  std::map<std::string, OpTime> per_op;
  for (size_t i = 0; i < ms.size(); ++i) {
    OpTime& op = per_op[plan.layer(static_cast<int>(i)).op()];
    op.ms += ms[i];
    ++op.layers;
  }
  std::vector<std::pair<std::string, OpTime>> ops(per_op.begin(), per_op.end());
  std::stable_sort(ops.begin(), ops.end(),
                   [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
  std::fprintf(stderr, "per op type:\n%10s %6s %7s  %s\n", "ms", "share", "layers", "op");
  for (const auto& [name, op] : ops) {
    std::fprintf(stderr, "%10.4f %5.1f%% %7d  %s\n", op.ms, share(op.ms), op.layers, name.c_str());
  }
}

}  // namespace tftrt::cuda
