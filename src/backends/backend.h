// The seam between engines and the hardware that runs them. The engine builder
// (src/engine) lowers a segment to a backend-neutral plan (an EngineNetwork); an
// EngineBackend compiles a plan into an Engine for its target; an Engine runs through
// ExecutionContexts, one per concurrent caller. The runtime's engine cache, the engine
// asset loader and the summaries only see these interfaces; backends are found by target
// in backends/registry.h.
//
// Runtime phases stay apart: Compile (per plan: weights uploaded, kernels chosen, memory
// planned), CreateContext (per thread: activation memory, streams, handles), Run (per
// call: bind the inputs, enqueue, collect the outputs).
#ifndef TFTRT_BACKENDS_BACKEND_H_
#define TFTRT_BACKENDS_BACKEND_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/native_reason.h"
#include "proto/engine.pb.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The state one caller needs to run an engine: owned by one thread at a time.
class ExecutionContext {
 public:
  virtual ~ExecutionContext() = default;
  // `inputs` (host tensors) in the order of the plan's input bindings, with their dtypes
  // and shapes (InvalidArgument otherwise). Returns the outputs in binding order.
  virtual StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs) = 0;

  // For benchmarks: runs the layers again on the inputs of the last Run, still on the
  // device, copying nothing in or out, and returns the wall time from the launch to the end
  // of a synchronize, in ms: the latency of a run whose inputs are already on the device, as
  // other frameworks' benchmarks measure theirs. FailedPrecondition before the first Run;
  // Unimplemented where engines run in host memory.
  virtual StatusOr<double> RerunOnDevice() {
    return Status::Unimplemented("this backend's engines run in host memory");
  }
};

// A compiled plan. Thread safety: every method may be called concurrently.
class Engine {
 public:
  virtual ~Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineNetwork& plan() const { return plan_; }
  // The target it was compiled for, as EngineBackend::target() names it.
  const std::string& target() const { return target_; }

  virtual StatusOr<std::unique_ptr<ExecutionContext>> CreateContext() const = 0;

  // Runs on an idle execution context of this engine's pool, created on first need, so
  // concurrent callers each get their own.
  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs) const;

  // ExecutionContext::RerunOnDevice `runs` times on the context that ran last (its inputs
  // are the last Run's); FailedPrecondition when no context has run.
  StatusOr<std::vector<double>> DeviceResidentLatencies(int runs) const;

  // Time the device spent computing the layers (not copying inputs and outputs), summed
  // over the runs that measured it (GPU backends: between events around the layers, as
  // trtexec's "GPU compute time"); 0 runs where a backend does not measure it.
  void RecordComputeTime(double milliseconds) const;
  double compute_milliseconds() const;
  int64_t timed_runs() const;

 protected:
  Engine(EngineNetwork plan, std::string target)
      : plan_(std::move(plan)), target_(std::move(target)) {}
  // While compiling (before the engine is shared): what the backend records in the plan
  // for a later compile of it (EngineNetwork.kernel_choice).
  EngineNetwork& mutable_plan() { return plan_; }

 private:
  EngineNetwork plan_;
  std::string target_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<ExecutionContext>> idle_contexts_;
  mutable double compute_milliseconds_ = 0;  // guarded by pool_mutex_
  mutable int64_t timed_runs_ = 0;           // guarded by pool_mutex_
};

// A kind of hardware that runs engines. Implementations are stateless after creation and
// thread-safe.
class EngineBackend {
 public:
  virtual ~EngineBackend() = default;

  // What engines compiled here are built for: "cpu", or for a GPU the backend, its
  // architecture and the library versions ("cuda:sm_90 cudnn=9.14.0 cublasLt=13.1.0").
  // A serialized engine carries it; only a backend that accepts it runs the engine.
  virtual std::string target() const = 0;
  // Whether an engine built for `target` can run here.
  virtual bool Accepts(std::string_view target) const { return target == this->target(); }

  // Why this backend cannot run a layer of `kind` for TF op `op` with these input and
  // output dtypes; nullopt when it can. The segmenter asks it for every candidate node.
  virtual std::optional<NativeReason> Supports(LayerKind kind, const std::string& op,
                                               const std::vector<DataType>& dtypes) const = 0;

  // InvalidArgument for a malformed plan; Unimplemented for a layer this backend does not
  // run; ResourceExhausted when memory runs out.
  virtual StatusOr<std::unique_ptr<Engine>> Compile(EngineNetwork plan) const = 0;

  // The most device memory this backend's engines held at once since the process started
  // (weights, activation arenas, workspaces, staging); nullopt where engines run in host
  // memory.
  virtual std::optional<int64_t> PeakDeviceMemoryBytes() const { return std::nullopt; }
};

// What every backend checks before it allocates per tensor: the plan has one tensor record
// (dtype and shape) per tensor, as the builder writes it. num_tensors alone is a number read
// from a file and could ask for any amount of memory; the records are bytes of the file.
// InvalidArgument when they disagree.
Status CheckPlanTensorCount(const EngineNetwork& plan);

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_BACKEND_H_
