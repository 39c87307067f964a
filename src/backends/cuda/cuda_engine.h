// CudaEngine: a plan compiled for one GPU. Compile resolves every tensor's device dtype
// (FP16 plans store float tensors as half), uploads the weights once, creates one
// LayerRunner per layer (library plans chosen, constants resolved) and plans one
// activation arena from the tensors' lifetimes. Each execution context owns a stream,
// its cuDNN / cuBLASLt handles, an arena, a workspace and pinned staging buffers, so that
// several threads run one engine at once.
#ifndef TFTRT_BACKENDS_CUDA_CUDA_ENGINE_H_
#define TFTRT_BACKENDS_CUDA_CUDA_ENGINE_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/layer_runner.h"
#include "backends/memory_plan.h"

namespace tftrt::cuda {

class CudaEngine : public Engine {
 public:
  // Compiles on the current CUDA device. InvalidArgument for a malformed plan (no tensor
  // shapes, bad ids); Unimplemented for a layer this backend does not run;
  // ResourceExhausted when device memory runs out.
  static StatusOr<std::unique_ptr<CudaEngine>> Create(EngineNetwork plan, std::string target);
  ~CudaEngine() override;

  StatusOr<std::unique_ptr<ExecutionContext>> CreateContext() const override;

  const std::vector<DeviceTensor>& tensors() const { return tensors_; }
  const std::vector<std::unique_ptr<LayerRunner>>& runners() const { return runners_; }
  const MemoryPlan& memory() const { return memory_; }
  size_t workspace_bytes() const { return workspace_bytes_; }
  int device() const { return device_; }
  // The network the runners run: the plan, or for an INT8 plan the plan with its INT8
  // layers as FP16 layers (engine/int8_as_fp16.h: this backend has no INT8 kernels yet).
  // plan() stays what was built, the engine's file keeps it.
  const EngineNetwork& compiled() const { return lowered_ ? *lowered_ : plan(); }

 private:
  class Constants;
  CudaEngine(EngineNetwork plan, std::string target);
  Status Compile();
  // A weight is uploaded unless `host_only` (its runner lays it out on the device itself).
  StatusOr<DeviceOperand> Operand(const EngineOperand& proto, bool host_only = false);
  void PlanArena();

  std::optional<EngineNetwork> lowered_;
  int device_ = 0;
  bool half_storage_ = false;
  std::vector<DeviceTensor> tensors_;
  std::unique_ptr<Constants> constants_;
  std::vector<std::unique_ptr<LayerRunner>> runners_;
  MemoryPlan memory_;
  size_t workspace_bytes_ = 0;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CUDA_ENGINE_H_
