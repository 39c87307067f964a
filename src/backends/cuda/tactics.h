// Kernel choice by timing, as TensorRT's tactics: a runner that has several library
// candidates for a layer (cuDNN execution plans, cuBLASLt algorithms) times each on the GPU
// with the layer's real shapes and keeps the fastest. The timing cache remembers the winner
// by device and layer signature, so that identical layers and later builds skip the timing.
#ifndef TFTRT_BACKENDS_CUDA_TACTICS_H_
#define TFTRT_BACKENDS_CUDA_TACTICS_H_

#include <cuda_runtime_api.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_memory.h"
#include "backends/timing_cache.h"
#include "google/protobuf/map.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct TacticOptions {
  // How many candidates a runner builds and times; 1 keeps the heuristics' first, untimed.
  int max_candidates = 1;
  // The most scratch memory a candidate may use (the plan's max_workspace_size_bytes).
  int64_t max_workspace_bytes = int64_t{1} << 30;
  TimingCache* cache = nullptr;  // null: no cache
  // The choices an engine was compiled with before (EngineNetwork.kernel_choice), looked up
  // first; null: none.
  const google::protobuf::Map<std::string, std::string>* known_choices = nullptr;
  // Where every choice made is recorded (found or timed), to be saved with the engine;
  // null: not recorded.
  google::protobuf::Map<std::string, std::string>* made_choices = nullptr;
  // What the winners depend on besides the layer: GPU model, compute capability, library
  // versions. The prefix of every cache key.
  std::string device_key;

  // The options engines are compiled with on the current device: max_candidates from
  // TFTRT_TIMED_CANDIDATES (default 8; 1 turns timing off), the process's timing cache.
  static StatusOr<TacticOptions> ForCurrentDevice(int64_t max_workspace_bytes);

  std::string CacheKey(std::string_view layer_signature) const;
  bool timed() const { return max_candidates > 1; }
};

// Enqueues candidate `index` on `stream`; an error drops that candidate.
using CandidateLaunch = std::function<Status(int index, cudaStream_t stream)>;

struct TimedCandidate {
  int index = -1;
  float milliseconds = 0;  // one launch
};

// Times candidates [0, count) on a stream of its own: each is launched once to warm up,
// then a few times between two events, best of three rounds. Returns the fastest that ran;
// Unimplemented with every candidate's error when none did.
StatusOr<TimedCandidate> FastestCandidate(int count, const CandidateLaunch& launch);

// Prepares a timing session (scratch buffers for the layer's operands, sized for every
// candidate) and returns the launch that uses them; called only when timing is needed.
using TimingSetup = std::function<StatusOr<CandidateLaunch>()>;

// Zero-filled device buffers of `sizes` (0: an empty one), shared by a timing session's
// launch; `what` names them in errors ("convolution timing operands").
template <size_t N>
StatusOr<std::shared_ptr<std::array<DeviceBuffer, N>>> TimingOperands(
    const std::array<size_t, N>& sizes, const std::string& what) {
  auto buffers = std::make_shared<std::array<DeviceBuffer, N>>();
  for (size_t i = 0; i < N; ++i) {
    TFTRT_ASSIGN_OR_RETURN((*buffers)[i], DeviceBuffer::Allocate(sizes[i], what));
    TFTRT_CUDA_CHECK(cudaMemset((*buffers)[i].data(), 0, sizes[i]));
  }
  return buffers;
}

// The names a choice for `signature` prefers, in order: the engine's known choice, then the
// timing cache's winner (each where there is one). Runners that build candidates one by one
// (cuDNN plans) build only a preferred one when they can.
std::vector<std::string> PreferredChoices(const TacticOptions& tactics,
                                          const std::string& signature);

// Which of `names` (the built candidates' identities, heuristics order) a runner keeps: the
// engine's known choice for `signature`, else the timing cache's winner, when it is one of
// them; else, with more than one candidate and timing on, the fastest (recorded in the
// cache); else the first. Every choice of the first three kinds goes to made_choices.
StatusOr<int> ChooseCandidate(const TacticOptions& tactics, const std::string& signature,
                              const std::vector<std::string>& names, const TimingSetup& setup);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_TACTICS_H_
