// LayerProfiler: where an engine's device time goes, layer by layer (TFTRT_PROFILE_LAYERS=1).
// The execution context then launches its layers one by one (no CUDA graph) with an event
// before each and after the last, adds up the times of every run, and prints the table to
// stderr when it is destroyed: layers by descending time, with op, output shape and share.
#ifndef TFTRT_BACKENDS_CUDA_LAYER_PROFILER_H_
#define TFTRT_BACKENDS_CUDA_LAYER_PROFILER_H_

#include <cuda_runtime_api.h>

#include <memory>
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
  Status Mark(int index, cudaStream_t stream);
  // After the run's stream synchronized: adds each layer's time to its total.
  Status Accumulate();
  // The table, for `plan` (whose layers were profiled).
  void Print(const EngineNetwork& plan) const;

 private:
  LayerProfiler() = default;

  std::vector<cudaEvent_t> events_;
  std::vector<double> total_ms_;
  int runs_ = 0;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_LAYER_PROFILER_H_
