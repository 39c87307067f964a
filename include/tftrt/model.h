// Model: a SavedModel signature loaded and ready to run on tftrt's runtime.
//
//   TFTRT_ASSIGN_OR_RETURN(auto model, tftrt::Model::Load("my_dir"));
//   TFTRT_ASSIGN_OR_RETURN(auto outputs, model->Run({{"x", x}}));
//
// Load reads the SavedModel, imports the signature (inlining calls, restoring variables
// from the checkpoint) and checks that every op can run; Run checks input names, dtypes
// and shapes against the signature. Thread safety: Run may be called concurrently.
#ifndef TFTRT_MODEL_H_
#define TFTRT_MODEL_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

struct TensorSpec {
  std::string name;
  DataType dtype = DataType::kInvalid;
  PartialShape shape;
};

struct SignatureInfo {
  std::string key;
  std::vector<TensorSpec> inputs;   // sorted by name
  std::vector<TensorSpec> outputs;  // sorted by name
};

// How a model runs its engine nodes (tftrt extensions).
struct ModelOptions {
  // Where engines run: "auto" (the GPU where this build has the cuda backend and a GPU is
  // present, else the CPU; the environment variable TFTRT_DEVICE overrides auto), "cpu"
  // or "cuda" (an error where no GPU can be used).
  std::string device = "auto";
  // Strict mode: an engine node that would run its native segment (no engine for the
  // input shapes, a failed build or run) fails the run instead, saying why. Also on when
  // the environment variable TFTRT_REQUIRE_ENGINES is 1.
  bool require_engines = false;
};

// What one engine node did since the model loaded.
struct EngineNodeReport {
  std::string node;     // e.g. "TRTEngineOp_000_000"
  std::string backend;  // the target of its backend, e.g. "cpu" or "cuda:sm_90 ..."
  int cached_engines = 0;
  int64_t engine_runs = 0;
  int64_t native_fallbacks = 0;
  int64_t builds = 0;
  int64_t failed_builds = 0;
  // Runs of its native segment that recorded INT8 calibration data (Converter::Convert).
  int64_t calibration_batches = 0;
  // Time the device spent in its engines' layers (GPU backends: trtexec's "GPU compute
  // time", without input and output copies), summed over `timed_runs` runs (0: not
  // measured).
  double compute_milliseconds = 0;
  int64_t timed_runs = 0;
};

class ModelFactory;  // builds models from in-memory graphs (src/runtime/model_factory.h)

class Model {
 public:
  static StatusOr<std::unique_ptr<Model>> Load(const std::string& saved_model_dir,
                                               const std::string& signature_key = "serving_default",
                                               const std::set<std::string>& tags = {"serve"},
                                               const ModelOptions& options = {});
  ~Model();

  const SignatureInfo& signature() const { return signature_; }

  // Runs the signature. `inputs` must name every input of the signature, and only those.
  StatusOr<std::map<std::string, Tensor>> Run(const std::map<std::string, Tensor>& inputs);

  // Per engine node of the model (nodes that have not run yet included), by node name.
  std::vector<EngineNodeReport> EngineReports() const;

  // For benchmarks: reruns each engine node's engine on the inputs that the last Run left on
  // the device, `runs` times, copying nothing in or out, and returns by node name the wall
  // time of each rerun from launch to the end of a synchronize, in ms: the latency of a run
  // whose inputs are already on the device, as PyTorch's and JAX's benchmarks measure
  // theirs. Nodes that have not run on a GPU backend are left out. REQUIRES: no other thread
  // runs the model meanwhile.
  StatusOr<std::map<std::string, std::vector<double>>> DeviceResidentLatencies(int runs) const;

  // The most device memory that the engines of this process's backend (the one this model
  // runs its engines on) held at once: weights, activation arenas, workspaces and staging
  // buffers; nullopt for a backend whose engines run in host memory (cpu).
  std::optional<int64_t> PeakDeviceMemoryBytes() const;

 private:
  friend class ModelFactory;
  struct State;
  Model(SignatureInfo signature, std::unique_ptr<State> state);

  SignatureInfo signature_;
  std::unique_ptr<State> state_;
};

// The signatures of the MetaGraph tagged exactly `tags`, sorted by key, as their
// SignatureDefs declare them (read from saved_model.pb only: cheap, nothing is imported).
// TF's plumbing (keys starting with "__") is left out. Errors as Model::Load's.
StatusOr<std::vector<SignatureInfo>> ListSignatures(const std::string& saved_model_dir,
                                                    const std::set<std::string>& tags = {"serve"});

}  // namespace tftrt

#endif  // TFTRT_MODEL_H_
