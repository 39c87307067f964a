#include "backends/cuda/tactics.h"

#include <cublasLt.h>
#include <cudnn.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "backends/cuda/cuda_check.h"

namespace tftrt::cuda {
namespace {

constexpr int kDefaultCandidates = 8;
constexpr int kLaunchesPerRound = 5;
constexpr int kRounds = 3;

StatusOr<int> CandidatesFromEnvironment() {
  const char* value = std::getenv("TFTRT_TIMED_CANDIDATES");
  if (value == nullptr || *value == '\0') return kDefaultCandidates;
  char* end = nullptr;
  const long count = std::strtol(value, &end, 10);
  if (*end != '\0' || count < 1 || count > 64) {
    return Status::InvalidArgument(
        "TFTRT_TIMED_CANDIDATES must be an integer from 1 to 64, got \"" + std::string(value) +
        "\"");
  }
  return static_cast<int>(count);
}

// Destroys the stream and events of one timing session, whatever happened.
struct TimingStream {
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  ~TimingStream() {
    if (stream != nullptr) {
      TFTRT_CUDA_STATUS(cudaStreamSynchronize(stream)).IgnoreError();
      TFTRT_CUDA_STATUS(cudaStreamDestroy(stream)).IgnoreError();
    }
    for (cudaEvent_t event : {start, stop}) {
      if (event != nullptr) TFTRT_CUDA_STATUS(cudaEventDestroy(event)).IgnoreError();
    }
  }
};

// One launch's time: the best of kRounds rounds of kLaunchesPerRound launches.
StatusOr<float> TimeOne(int index, const CandidateLaunch& launch, const TimingStream& timing) {
  TFTRT_RETURN_IF_ERROR(launch(index, timing.stream));  // warm-up (first-use costs)
  TFTRT_CUDA_CHECK(cudaStreamSynchronize(timing.stream));
  float best = std::numeric_limits<float>::infinity();
  for (int round = 0; round < kRounds; ++round) {
    TFTRT_CUDA_CHECK(cudaEventRecord(timing.start, timing.stream));
    for (int i = 0; i < kLaunchesPerRound; ++i) {
      TFTRT_RETURN_IF_ERROR(launch(index, timing.stream));
    }
    TFTRT_CUDA_CHECK(cudaEventRecord(timing.stop, timing.stream));
    TFTRT_CUDA_CHECK(cudaEventSynchronize(timing.stop));
    float milliseconds = 0;
    TFTRT_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, timing.start, timing.stop));
    best = std::min(best, milliseconds / kLaunchesPerRound);
  }
  return best;
}

}  // namespace

StatusOr<TacticOptions> TacticOptions::ForCurrentDevice(int64_t max_workspace_bytes) {
  TacticOptions options;
  TFTRT_ASSIGN_OR_RETURN(options.max_candidates, CandidatesFromEnvironment());
  options.max_workspace_bytes = max_workspace_bytes;
  options.cache = ProcessTimingCache();
  int device = 0;
  TFTRT_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp properties;
  TFTRT_CUDA_CHECK(cudaGetDeviceProperties(&properties, device));
  options.device_key = std::string(properties.name) + " sm_" +
                       std::to_string(properties.major * 10 + properties.minor) + " cudnn " +
                       std::to_string(cudnnGetVersion()) + " cublasLt " +
                       std::to_string(cublasLtGetVersion());
  return options;
}

std::string TacticOptions::CacheKey(std::string_view layer_signature) const {
  return device_key + " | " + std::string(layer_signature);
}

StatusOr<TimedCandidate> FastestCandidate(int count, const CandidateLaunch& launch) {
  TimingStream timing;
  TFTRT_CUDA_CHECK(cudaStreamCreateWithFlags(&timing.stream, cudaStreamNonBlocking));
  TFTRT_CUDA_CHECK(cudaEventCreate(&timing.start));
  TFTRT_CUDA_CHECK(cudaEventCreate(&timing.stop));
  TimedCandidate fastest;
  std::string failures;
  for (int index = 0; index < count; ++index) {
    StatusOr<float> time = TimeOne(index, launch, timing);
    if (!time.ok()) {
      // A candidate that fails to run is dropped; the stream must be usable for the next.
      TFTRT_CUDA_STATUS(cudaStreamSynchronize(timing.stream)).IgnoreError();
      cudaGetLastError();
      failures += "\n  candidate " + std::to_string(index) + ": " + time.status().message();
      continue;
    }
    if (fastest.index < 0 || *time < fastest.milliseconds) fastest = {index, *time};
  }
  if (fastest.index < 0) return Status::Unimplemented("no candidate ran:" + failures);
  return fastest;
}

std::vector<std::string> PreferredChoices(const TacticOptions& tactics,
                                          const std::string& signature) {
  const std::string key = tactics.CacheKey(signature);
  std::vector<std::string> preferred;
  if (tactics.known_choices != nullptr) {
    auto known = tactics.known_choices->find(key);
    if (known != tactics.known_choices->end()) preferred.push_back(known->second);
  }
  if (tactics.cache != nullptr) {
    if (std::optional<std::string> cached = tactics.cache->Find(key)) {
      preferred.push_back(*cached);
    }
  }
  return preferred;
}

StatusOr<int> ChooseCandidate(const TacticOptions& tactics, const std::string& signature,
                              const std::vector<std::string>& names, const TimingSetup& setup) {
  if (names.empty()) return Status::Internal("ChooseCandidate: no candidates");
  const std::string key = tactics.CacheKey(signature);
  auto chosen = [&](int index) {
    if (tactics.made_choices != nullptr) (*tactics.made_choices)[key] = names[index];
    return index;
  };
  for (const std::string& preferred : PreferredChoices(tactics, signature)) {
    const auto found = std::find(names.begin(), names.end(), preferred);
    if (found != names.end()) return chosen(static_cast<int>(found - names.begin()));
  }
  if (names.size() == 1 || !tactics.timed()) return 0;  // no choice made: nothing to keep
  TFTRT_ASSIGN_OR_RETURN(CandidateLaunch launch, setup());
  TFTRT_ASSIGN_OR_RETURN(TimedCandidate fastest,
                         FastestCandidate(static_cast<int>(names.size()), launch));
  if (tactics.cache != nullptr) {
    TFTRT_RETURN_IF_ERROR(tactics.cache->Record(key, names[fastest.index]));
  }
  return chosen(fastest.index);
}

}  // namespace tftrt::cuda
