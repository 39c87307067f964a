// The cpu engine backend: runs every layer kind with the native executor's kernels
// (src/kernels/cpu through the runtime's kernel registry), so engines and native TF ops
// compute identically; FP16 storage is emulated exactly (backends/cpu/cpu_engine.h). It is
// the reference the cuda backend is checked against, and the backend wherever no GPU is.
#ifndef TFTRT_BACKENDS_CPU_CPU_BACKEND_H_
#define TFTRT_BACKENDS_CPU_CPU_BACKEND_H_

#include "backends/backend.h"

namespace tftrt {

inline constexpr char kCpuTarget[] = "cpu";

class CpuBackend : public EngineBackend {
 public:
  std::string target() const override { return kCpuTarget; }
  // Every layer whose TF op has a native kernel.
  std::optional<NativeReason> Supports(LayerKind kind, const std::string& op,
                                       const std::vector<DataType>& dtypes) const override;
  StatusOr<std::unique_ptr<Engine>> Compile(EngineNetwork plan) const override;
};

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_CPU_CPU_BACKEND_H_
