// LayerProfiler: where an engine's device time goes, layer by layer (TFTRT_PROFILE_LAYERS=1;
// the engine's build then also prints where its compile time went, PrintLayerTimes).
// The execution context then launches its layers one by one (no CUDA graph) with an event
// before each and after the last, adds up the times of every run but the first (its first
// launches load the kernels' modules: CUDA loads them lazily), and prints two tables to
// stderr when it is destroyed: layers by descending time (op, output shape, share), then the
// time per op type.
// The profiled runs are also a CUDA profiler range (cudaProfilerStart from the second run on,
// cudaProfilerStop at destruction), so that `ncu --profile-from-start off` times the
// engine's kernels one by one without the build's kernel timing.
#ifndef TFTRT_BACKENDS_CUDA_LAYER_PROFILER_H_
#define TFTRT_BACKENDS_CUDA_LAYER_PROFILER_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <string>
#include <vector>

#include "proto/engine.pb.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

class LayerProfiler {
 public:
  static bool Enabled();
  static StatusOr<std::unique_ptr<LayerProfiler>> Create(int layers);
  ~LayerProfiler();
  LayerProfiler(const LayerProfiler&) = delete;
  LayerProfiler& operator=(const LayerProfiler&) = delete;

  // Records the event before layer `index` (index = layers: after the last) on `stream`.
  // Opens the profiler range at the first mark of the first counted run.
  Status Mark(int index, cudaStream_t stream);
  // After the run's stream synchronized: adds each layer's time to its total (from the
  // second run on).
  Status Accumulate();
  // The table, for `plan` (whose layers were profiled).
  void Print(const EngineNetwork& plan) const;

 private:
  LayerProfiler() = default;

  std::vector<cudaEvent_t> events_;
  std::vector<double> total_ms_;
  int runs_ = 0;       // runs added up
  bool warm_ = false;  // the first run is over
  bool range_open_ = false;
};

// Prints `title`, then `ms` (one value per layer of `plan`) by descending value with each
// layer's op, output shape and share, then the same per op type, to stderr.
void PrintLayerTimes(const std::string& title, const EngineNetwork& plan,
                     const std::vector<double>& ms);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_LAYER_PROFILER_H_
