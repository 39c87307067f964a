// The engine backends this binary has, by device and by target. The cpu backend is always
// here; the cuda backend when tftrt was built with TFTRT_CUDA and a GPU is present.
#ifndef TFTRT_BACKENDS_REGISTRY_H_
#define TFTRT_BACKENDS_REGISTRY_H_

#include <string_view>

#include "backends/backend.h"

namespace tftrt {

enum class Device { kAuto, kCpu, kCuda };

// "auto" | "cpu" | "cuda"; InvalidArgument otherwise.
StatusOr<Device> ParseDevice(std::string_view name);

// `device`, or for kAuto the device TFTRT_DEVICE names (kAuto when it is unset or empty);
// InvalidArgument naming TFTRT_DEVICE when it holds something else.
StatusOr<Device> ResolveDevice(Device device);

// The backend that builds and runs engines on `device` (after ResolveDevice): for kAuto
// the cuda backend where it is available, else cpu. kCuda where it is not available is a
// FailedPrecondition that says why (no cuda backend in this build, or no GPU).
StatusOr<const EngineBackend*> SelectBackend(Device device);

// The cuda backend, or null with the reason in `why_not` (no TFTRT_CUDA build, no GPU).
const EngineBackend* CudaBackend(std::string* why_not = nullptr);
const EngineBackend& CpuEngineBackend();

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_REGISTRY_H_
