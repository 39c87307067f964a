// The cpu engine backend: runs an engine network on any CPU with the same kernels as the
// native executor (src/kernels/cpu through the runtime's kernel registry), so engines and
// native TF ops compute identically.
//
// Create compiles the network once (weights decoded, kernels looked up, the last use of
// every tensor computed). Run executes the layers in order; a layer's epilogue runs in
// blocks of rows small enough to stay in cache, so the fused steps make one pass over the
// output instead of one per step. FP16 networks emulate TensorRT's fp16 storage exactly:
// every float tensor between layers (and every network input) is rounded to half
// precision, weights are the half values stored in the network, arithmetic inside a layer
// is float32. INT8 networks run their INT8 layers in integer arithmetic
// (backends/cpu/int8_layer.h) and every other layer as FP16.
//
// Thread safety: RunLayers may be called concurrently (it keeps no state between calls),
// so every execution context shares the engine.
#ifndef TFTRT_BACKENDS_CPU_CPU_ENGINE_H_
#define TFTRT_BACKENDS_CPU_CPU_ENGINE_H_

#include <memory>
#include <vector>

#include "backends/backend.h"

namespace tftrt {

class CpuEngine : public Engine {
 public:
  // InvalidArgument for a malformed network (unknown tensor ids, undecodable weights);
  // Unimplemented for an op without a kernel.
  static StatusOr<std::unique_ptr<CpuEngine>> Create(EngineNetwork network);
  ~CpuEngine() override;

  StatusOr<std::unique_ptr<ExecutionContext>> CreateContext() const override;

  // `inputs` in the order of plan().input(); their dtypes and shapes must match the
  // bindings (InvalidArgument otherwise). Returns the outputs in binding order.
  StatusOr<std::vector<Tensor>> RunLayers(std::vector<Tensor> inputs) const;

  // A compiled layer (defined in cpu_engine.cc).
  struct Layer;

 private:
  explicit CpuEngine(EngineNetwork network);
  Status Compile();

  std::vector<std::unique_ptr<Layer>> layers_;
};

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_CPU_CPU_ENGINE_H_
