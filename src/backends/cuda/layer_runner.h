// How the cuda backend runs one layer of a plan: a LayerRunner, created once per engine
// when the plan is compiled (weights uploaded, library plans chosen, shapes resolved), and
// enqueued on a stream for every run with the buffers of the execution context that runs
// it. Runners are immutable after creation, so execution contexts share them.
//
// One factory per layer kind, each in its own file (<kind>_layer.cc); the engine picks
// the factory by the layer's kind (cuda_engine.cc).
#ifndef TFTRT_BACKENDS_CUDA_LAYER_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_LAYER_RUNNER_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <vector>

#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/epilogue.h"
#include "backends/cuda/kernels/kernel_types.h"
#include "backends/cuda/tactics.h"
#include "proto/engine.pb.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

// A tensor of the plan as the backend stores it: FP16 plans keep float tensors as half.
struct DeviceTensor {
  DataType tf_dtype = DataType::kInvalid;  // the TF dtype the plan records
  DType dtype = DType::kFloat32;           // the element type in device memory
  Shape shape;
  size_t bytes = 0;
};

// A layer input: a plan tensor, or a constant the engine uploaded at compile time.
struct DeviceOperand {
  int tensor = -1;               // plan tensor id; -1 for a constant
  const void* data = nullptr;    // a constant's device memory (owned by the engine)
  const Tensor* host = nullptr;  // a constant's host value (axes, shapes, filters ...)
  DType dtype = DType::kFloat32;
  Shape shape;

  bool is_constant() const { return tensor < 0; }
};

// The buffers of the execution context that runs the engine.
class RunBuffers {
 public:
  RunBuffers(char* arena, const std::vector<size_t>& offsets, cudaStream_t stream, void* workspace,
             const DnnHandles& handles)
      : arena_(arena),
        offsets_(offsets),
        stream_(stream),
        workspace_(workspace),
        handles_(handles) {}

  void* tensor(int id) const { return arena_ + offsets_[id]; }
  const void* operand(const DeviceOperand& operand) const {
    return operand.is_constant() ? operand.data : tensor(operand.tensor);
  }
  cudaStream_t stream() const { return stream_; }
  // At least the largest workspace_bytes() of the engine's runners.
  void* workspace() const { return workspace_; }
  const DnnHandles& handles() const { return handles_; }

 private:
  char* arena_;
  const std::vector<size_t>& offsets_;
  cudaStream_t stream_;
  void* workspace_;
  const DnnHandles& handles_;
};

class LayerRunner {
 public:
  virtual ~LayerRunner() = default;
  virtual size_t workspace_bytes() const { return 0; }
  // Enqueues the layer on buffers.stream(); never synchronizes, never allocates.
  virtual Status Enqueue(const RunBuffers& buffers) const = 0;
};

// Uploads constants a runner derives at compile time (folded batch-norm scales, shape
// values); the engine owns them.
class ConstantStore {
 public:
  virtual ~ConstantStore() = default;
  // `value` converted to `dtype` where that differs (float <-> half), uploaded.
  virtual StatusOr<DeviceOperand> Add(Tensor value, DType dtype) = 0;
};

// What a runner factory knows about the layer it compiles.
struct LayerSpec {
  const EngineLayer& layer;
  std::vector<DeviceOperand> inputs;
  // The operand of each epilogue step, resolved as the layer's inputs are (unused for
  // unary steps).
  std::vector<DeviceOperand> epilogue_operands;
  std::vector<int> outputs;  // plan tensor ids
  const std::vector<DeviceTensor>& tensors;
  ConstantStore& constants;
  const DnnHandles& handles;     // for building library plans (cuDNN, cuBLASLt)
  const TacticOptions& tactics;  // how library plans are chosen among candidates
  bool allow_tf32 = true;

  const DeviceTensor& output(int i = 0) const { return tensors[outputs[i]]; }
  const Shape& input_shape(int i) const { return inputs[i].shape; }
};

// Factories, one per layer kind. Each runs the layer's epilogue too (all of it, or what
// its library could not fuse, through MakeEpilogueRunner).
StatusOr<std::unique_ptr<LayerRunner>> MakeElementwiseRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeNormalizationRunner(const LayerSpec& spec);
// _TftrtLayerNorm, which MakeNormalizationRunner hands on (layer_norm_layer.cc).
StatusOr<std::unique_ptr<LayerRunner>> MakeLayerNormRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeConvolutionRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeMatMulRunner(const LayerSpec& spec);
// _TftrtAttention, which MakeMatMulRunner hands on (attention_layer.cc).
StatusOr<std::unique_ptr<LayerRunner>> MakeAttentionRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakePoolingRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeReductionRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeSoftmaxRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeDataMovementRunner(const LayerSpec& spec);
StatusOr<std::unique_ptr<LayerRunner>> MakeResizeRunner(const LayerSpec& spec);

// `library` (a MatMul on cuBLASLt, its epilogue after it), or, where it is an fp16 MatMul
// whose epilogue `steps` start with a bias and the exact GELU and Hopper's fused kernel takes
// its shape, that kernel with the rest of the epilogue, whichever timing finds faster
// (gelu_matmul_layer.cc).
StatusOr<std::unique_ptr<LayerRunner>> WithGeluMatMulCandidates(
    const LayerSpec& spec, const std::vector<EpilogueStep>& steps,
    std::unique_ptr<LayerRunner> library);

// Runs `main`, then epilogue steps [first_step, end) of spec.layer in place on its output
// (one elementwise pass); `main` alone when there are none.
StatusOr<std::unique_ptr<LayerRunner>> WithEpilogue(std::unique_ptr<LayerRunner> main,
                                                    const LayerSpec& spec, int first_step);

// The device element type of a TF dtype; float as half when `half_storage`.
StatusOr<DType> DeviceDType(DataType dtype, bool half_storage);
// A kernel's Dims of a shape; InvalidArgument above kMaxRank.
StatusOr<Dims> ToDims(const Shape& shape);
// An integer constant operand's values (int32 or int64), e.g. axes; InvalidArgument naming
// `what` when the operand is not a constant.
StatusOr<std::vector<int64_t>> ConstantInts(const DeviceOperand& operand, const char* what);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_LAYER_RUNNER_H_
