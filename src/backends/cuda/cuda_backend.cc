#include "backends/cuda/cuda_backend.h"

#include <mutex>
#include <set>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_engine.h"
#include "backends/cuda/device_memory.h"
#include "backends/cuda/kernels/elementwise.h"

namespace tftrt::cuda {
namespace {

// "9.14.0" for the libraries' integer versions (major * 10000 + minor * 100 + patch).
std::string VersionString(size_t version) {
  return std::to_string(version / 10000) + "." + std::to_string(version % 10000 / 100) + "." +
         std::to_string(version % 100);
}

bool IsDeviceDtype(DataType dtype) {
  return dtype == DataType::kFloat || dtype == DataType::kHalf || dtype == DataType::kInt32 ||
         dtype == DataType::kBool;
}

// The TF ops each layer kind runs here (elementwise ops: those the chain kernel has).
bool RunsOp(LayerKind kind, const std::string& op) {
  static const std::set<std::string> kDataMovement = {
      "Reshape",  "ExpandDims", "Squeeze",   "Identity", "Snapshot", "StopGradient", "Transpose",
      "ConcatV2", "Pack",       "Unpack",    "Split",    "SplitV",   "Slice",        "StridedSlice",
      "Pad",      "PadV2",      "MirrorPad", "Tile",     "GatherV2", "Shape",        "Fill"};
  switch (kind) {
    case LAYER_KIND_ELEMENTWISE:
      return op == "Cast" || op == "AddN" || ElementwiseOpFromTfName(op).has_value();
    case LAYER_KIND_CONVOLUTION:
      return op == "Conv2D" || op == "DepthwiseConv2dNative" || op == "Conv2DBackpropInput";
    case LAYER_KIND_DATA_MOVEMENT:
      return kDataMovement.contains(op);
    case LAYER_KIND_MATMUL:
    case LAYER_KIND_POOLING:
    case LAYER_KIND_REDUCTION:
    case LAYER_KIND_SOFTMAX:
    case LAYER_KIND_NORMALIZATION:
    case LAYER_KIND_RESIZE:
      return true;
    default:
      return false;
  }
}

class CudaBackend : public EngineBackend {
 public:
  explicit CudaBackend(std::string target) : target_(std::move(target)) {}

  std::string target() const override { return target_; }

  std::optional<NativeReason> Supports(LayerKind kind, const std::string& op,
                                       const std::vector<DataType>& dtypes) const override {
    for (DataType dtype : dtypes) {
      if (!IsDeviceDtype(dtype)) {
        return NativeReason{
            NativeReasonKind::kBackend,
            "the cuda backend has no " + std::string(DataTypeName(dtype)) + " tensors"};
      }
    }
    if (RunsOp(kind, op)) return std::nullopt;
    return NativeReason{NativeReasonKind::kBackend, "the cuda backend does not run " + op + " yet"};
  }

  StatusOr<std::unique_ptr<Engine>> Compile(EngineNetwork plan) const override {
    TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<CudaEngine> engine,
                           CudaEngine::Create(std::move(plan), target_));
    return std::unique_ptr<Engine>(std::move(engine));
  }

  std::optional<int64_t> PeakDeviceMemoryBytes() const override {
    return CountedDeviceMemory().peak_bytes;
  }

 private:
  std::string target_;
};

// The backend of device 0, or why there is none.
StatusOr<std::unique_ptr<EngineBackend>> CreateBackend() {
  int count = 0;
  Status status = TFTRT_CUDA_STATUS(cudaGetDeviceCount(&count));
  if (!status.ok())
    return Status::FailedPrecondition("no CUDA device can be used: " + status.message());
  if (count == 0) return Status::FailedPrecondition("no CUDA device is present");
  cudaDeviceProp properties;
  TFTRT_CUDA_CHECK(cudaGetDeviceProperties(&properties, 0));
  const std::string target = "cuda:sm_" + std::to_string(properties.major * 10 + properties.minor) +
                             " cudnn=" + VersionString(cudnnGetVersion()) +
                             " cublasLt=" + VersionString(cublasLtGetVersion());
  return std::unique_ptr<EngineBackend>(new CudaBackend(target));
}

}  // namespace

const EngineBackend* AvailableCudaBackend(std::string* why_not) {
  static const StatusOr<std::unique_ptr<EngineBackend>>* backend =
      new StatusOr<std::unique_ptr<EngineBackend>>(CreateBackend());
  if (backend->ok()) return backend->value().get();
  if (why_not != nullptr) *why_not = backend->status().message();
  return nullptr;
}

}  // namespace tftrt::cuda
