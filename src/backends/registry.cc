#include "backends/registry.h"

#include <cstdlib>

#include "backends/cpu/cpu_backend.h"
#ifdef TFTRT_HAVE_CUDA
#include "backends/cuda/cuda_backend.h"
#endif

namespace tftrt {

StatusOr<Device> ParseDevice(std::string_view name) {
  if (name == "auto") return Device::kAuto;
  if (name == "cpu") return Device::kCpu;
  if (name == "cuda") return Device::kCuda;
  return Status::InvalidArgument("unknown device '" + std::string(name) +
                                 "': expected auto, cpu or cuda");
}

StatusOr<Device> ResolveDevice(Device device) {
  if (device != Device::kAuto) return device;
  const char* env = std::getenv("TFTRT_DEVICE");
  if (env == nullptr || *env == '\0') return Device::kAuto;
  auto parsed = ParseDevice(env);
  if (!parsed.ok()) return parsed.status().WithContext("in the environment variable TFTRT_DEVICE");
  return parsed;
}

const EngineBackend& CpuEngineBackend() {
  static const CpuBackend* backend = new CpuBackend();
  return *backend;
}

const EngineBackend* CudaBackend(std::string* why_not) {
#ifdef TFTRT_HAVE_CUDA
  return cuda::AvailableCudaBackend(why_not);
#else
  if (why_not != nullptr) *why_not = "this tftrt was built without the cuda backend (TFTRT_CUDA)";
  return nullptr;
#endif
}

StatusOr<const EngineBackend*> SelectBackend(Device device) {
  TFTRT_ASSIGN_OR_RETURN(device, ResolveDevice(device));
  if (device == Device::kCpu) return &CpuEngineBackend();
  std::string why_not;
  const EngineBackend* cuda = CudaBackend(&why_not);
  if (cuda != nullptr) return cuda;
  if (device == Device::kCuda) {
    return Status::FailedPrecondition("the cuda device was asked for, but " + why_not);
  }
  return &CpuEngineBackend();
}

}  // namespace tftrt
