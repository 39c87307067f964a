#include "backends/cpu/cpu_backend.h"

#include "backends/cpu/cpu_engine.h"
#include "runtime/kernel.h"

namespace tftrt {

std::optional<NativeReason> CpuBackend::Supports(LayerKind /*kind*/, const std::string& op,
                                                 const std::vector<DataType>& /*dtypes*/) const {
  if (KernelRegistry::Global().Find(op) != nullptr) return std::nullopt;
  return NativeReason{NativeReasonKind::kBackend, "the cpu backend has no kernel for " + op};
}

StatusOr<std::unique_ptr<Engine>> CpuBackend::Compile(EngineNetwork plan) const {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<CpuEngine> engine, CpuEngine::Create(std::move(plan)));
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace tftrt
