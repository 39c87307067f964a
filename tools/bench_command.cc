// tftrt bench: times a signature on tftrt's runtime (load once, warm up, then N runs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <optional>
#include <vector>

#include "commands.h"
#include "model_flags.h"

namespace tftrt::cli {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;

// The nearest-rank percentile `p` (0 < p <= 100) of sorted, non-empty `values`.
double Percentile(const std::vector<double>& sorted, int p) {
  const size_t rank = (sorted.size() * p + 99) / 100;  // ceil(n p / 100), at least 1
  return sorted[std::max<size_t>(rank, 1) - 1];
}

Status Bench(const ParsedFlags& flags) {
  const int runs = std::stoi(flags.Get("runs", "20"));
  const int warmup = std::stoi(flags.Get("warmup", "3"));
  if (runs < 1 || warmup < 0) return Status::InvalidArgument("--runs must be >= 1, --warmup >= 0");
  TFTRT_ASSIGN_OR_RETURN(auto inputs, ReadInputs(flags));
  const auto load_start = Clock::now();
  TFTRT_ASSIGN_OR_RETURN(auto model, LoadModel(flags));
  const double load_ms = Ms(Clock::now() - load_start).count();
  for (int i = 0; i < warmup; ++i) TFTRT_RETURN_IF_ERROR(model->Run(inputs).status());
  const std::vector<EngineNodeReport> after_warmup = model->EngineReports();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    TFTRT_RETURN_IF_ERROR(model->Run(inputs).status());
    times.push_back(Ms(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  const double mean = std::accumulate(times.begin(), times.end(), 0.0) / times.size();
  std::printf(
      "load %.1f ms; %d runs: median %.3f ms, p99 %.3f ms, mean %.3f ms, min %.3f ms, max %.3f "
      "ms\n",
      load_ms, runs, Percentile(times, 50), Percentile(times, 99), mean, times.front(),
      times.back());
  PrintEngineReports(*model, after_warmup);
  TFTRT_ASSIGN_OR_RETURN(auto resident, model->DeviceResidentLatencies(runs));
  for (auto& [node, latencies] : resident) {
    std::sort(latencies.begin(), latencies.end());
    std::printf(
        "engine %s device-resident latency: median %.3f ms, p99 %.3f ms (%zu reruns on the "
        "inputs already on the device, launch to synchronize)\n",
        node.c_str(), Percentile(latencies, 50), Percentile(latencies, 99), latencies.size());
  }
  if (const std::optional<int64_t> peak = model->PeakDeviceMemoryBytes()) {
    std::printf("peak device memory %.1f MiB (engine weights, activations, workspace, staging)\n",
                *peak / 1048576.0);
  }
  return Status::Ok();
}

}  // namespace

Command BenchCommand() {
  return {
      {.name = "bench",
       .usage =
           "DIR (--inputs FILE.npz | --input NAME=FILE.npy ...) [--runs N] [--warmup N] [options]",
       .summary = "Times a SavedModel signature on tftrt's runtime. Loads the model once, "
                  "runs it --warmup times untimed, then --runs times, and prints the median, "
                  "p99, mean, min and max latency (host to host), each engine's device "
                  "compute time and, on a GPU, its device-resident latency (the engine rerun "
                  "--runs times on the inputs already on the device, launch to synchronize, "
                  "as PyTorch's and JAX's benchmarks time theirs), and the device memory the "
                  "engines held at most.",
       .flags = WithModelFlags({{"runs", "N", "timed runs (default 20)"},
                                {"warmup", "N", "untimed runs first (default 3)"}}),
       .min_positional = 1,
       .max_positional = 1},
      Bench};
}

}  // namespace tftrt::cli
