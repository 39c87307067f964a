#include "backends/cuda/cuda_engine.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string_view>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_memory.h"
#include "backends/cuda/kernels/elementwise.h"
#include "backends/cuda/layer_profiler.h"
#include "backends/cuda/shared_weights.h"
#include "common/logging.h"
#include "engine/int8_as_fp16.h"
#include "kernels/cpu/elementwise.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt::cuda {

// The engine's constants: host values (kept for runners that read them) and their device
// copies. A deque keeps the host tensors' addresses stable.
class CudaEngine::Constants : public ConstantStore {
 public:
  StatusOr<DeviceOperand> Add(Tensor value, DType dtype) override {
    if (dtype == DType::kFloat16 && value.dtype() == DataType::kFloat) {
      value = NarrowFromFloat(value, DataType::kHalf);
    } else if (dtype == DType::kFloat32 && value.dtype() == DataType::kHalf) {
      value = WidenToFloat(value);
    }
    return Upload(std::move(value));
  }

  // Keeps a weight on the host only: its runner uploads it in the layout it needs.
  StatusOr<DeviceOperand> Keep(Tensor value) {
    hosts_.push_back(std::move(value));
    const Tensor& host = hosts_.back();
    TFTRT_ASSIGN_OR_RETURN(DType dtype, DeviceDType(host.dtype(), false));
    return DeviceOperand{.host = &host, .dtype = dtype, .shape = host.shape()};
  }

  // Uploads a weight as the plan stores it (FP16 plans keep float weights as half); int64
  // values (indices, shapes) as int32, as engines compute them.
  StatusOr<DeviceOperand> Upload(Tensor value) {
    hosts_.push_back(value);
    const Tensor& host = hosts_.back();
    Tensor device_value = host;
    if (host.dtype() == DataType::kInt64) {
      device_value = Tensor(DataType::kInt32, host.shape());
      for (int64_t i = 0; i < host.NumElements(); ++i) {
        const int64_t v = host.flat<int64_t>()[i];
        if (v < INT32_MIN || v > INT32_MAX) {
          return Status::Unimplemented("an int64 constant beyond the int32 range in a cuda engine");
        }
        device_value.flat<int32_t>()[i] = static_cast<int32_t>(v);
      }
    }
    TFTRT_ASSIGN_OR_RETURN(DType dtype, DeviceDType(device_value.dtype(), false));
    TFTRT_ASSIGN_OR_RETURN(
        std::shared_ptr<const DeviceWeights> weights,
        UploadShared(device_value.raw_data(),
                     device_value.NumElements() * DataTypeSize(device_value.dtype())));
    DeviceOperand operand{
        .data = weights->data(), .host = &host, .dtype = dtype, .shape = host.shape()};
    device_.push_back(std::move(weights));
    return operand;
  }

 private:
  std::deque<Tensor> hosts_;
  // Shared with the other engines of the process that hold the same bytes (shared_weights.h).
  std::vector<std::shared_ptr<const DeviceWeights>> device_;
};

namespace {

using RunnerFactory = StatusOr<std::unique_ptr<LayerRunner>> (*)(const LayerSpec&);

StatusOr<RunnerFactory> FactoryFor(LayerKind kind) {
  switch (kind) {
    case LAYER_KIND_ELEMENTWISE:
      return &MakeElementwiseRunner;
    case LAYER_KIND_CONVOLUTION:
      return &MakeConvolutionRunner;
    case LAYER_KIND_MATMUL:
      return &MakeMatMulRunner;
    case LAYER_KIND_POOLING:
      return &MakePoolingRunner;
    case LAYER_KIND_REDUCTION:
      return &MakeReductionRunner;
    case LAYER_KIND_SOFTMAX:
      return &MakeSoftmaxRunner;
    case LAYER_KIND_NORMALIZATION:
      return &MakeNormalizationRunner;
    case LAYER_KIND_DATA_MOVEMENT:
      return &MakeDataMovementRunner;
    case LAYER_KIND_RESIZE:
      return &MakeResizeRunner;
    case LAYER_KIND_TOP_K:  // CudaBackend::Supports keeps TopKV2 native
      return Status::Unimplemented("the cuda backend does not run top-k layers yet");
    case LAYER_KIND_NON_MAX_SUPPRESSION:  // CudaBackend::Supports keeps it native
      return Status::Unimplemented("the cuda backend does not run non-max suppression yet");
    default:
      return Status::InvalidArgument("layer of unknown kind " + std::to_string(kind));
  }
}

// Float tensors that the host sees as float32 and the device stores as half.
bool Converts(const DeviceTensor& tensor) {
  return tensor.tf_dtype == DataType::kFloat && tensor.dtype == DType::kFloat16;
}

size_t HostBytes(const DeviceTensor& tensor) {
  int64_t elements = 1;
  for (int64_t d : tensor.shape) elements *= d;
  return elements * DataTypeSize(tensor.tf_dtype);
}

// Converts `elements` values between float32 and half on the device.
Status ConvertOnDevice(const void* in, DType in_dtype, void* out, DType out_dtype, int64_t elements,
                       cudaStream_t stream) {
  const Dims shape = Dims::From({elements});
  return ElementwiseOpLaunch(ElementwiseOp::kIdentity, DType::kFloat32,
                             {{in, in_dtype, DenseStrides(shape)}}, shape, out, out_dtype, stream);
}

// TFTRT_CUDA_GRAPHS=0 turns the replay of recorded layers off (to measure what it saves, or
// to rule it out).
bool CudaGraphsEnabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("TFTRT_CUDA_GRAPHS");
    return value == nullptr || std::string_view(value) != "0";
  }();
  return enabled;
}

class EmptyRunner : public LayerRunner {
 public:
  Status Enqueue(const RunBuffers&) const override { return Status::Ok(); }
};

class CudaExecutionContext : public ExecutionContext {
 public:
  explicit CudaExecutionContext(const CudaEngine& engine) : engine_(engine) {}
  ~CudaExecutionContext() override {
    if (profiler_ != nullptr) profiler_->Print(engine_.compiled());
    if (stream_ != nullptr) {
      TFTRT_CUDA_STATUS(cudaStreamSynchronize(stream_)).IgnoreError();
      TFTRT_CUDA_STATUS(cudaStreamDestroy(stream_)).IgnoreError();
    }
    if (graph_ != nullptr) TFTRT_CUDA_STATUS(cudaGraphExecDestroy(graph_)).IgnoreError();
    for (cudaEvent_t event : {layers_start_, layers_end_}) {
      if (event != nullptr) TFTRT_CUDA_STATUS(cudaEventDestroy(event)).IgnoreError();
    }
  }

  Status Init() {
    TFTRT_CUDA_CHECK(cudaSetDevice(engine_.device()));
    TFTRT_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    TFTRT_CUDA_CHECK(cudaEventCreate(&layers_start_));
    TFTRT_CUDA_CHECK(cudaEventCreate(&layers_end_));
    if (LayerProfiler::Enabled()) {
      TFTRT_ASSIGN_OR_RETURN(profiler_, LayerProfiler::Create(engine_.compiled().layer_size()));
    }
    TFTRT_ASSIGN_OR_RETURN(handles_, DnnHandles::Create());
    TFTRT_ASSIGN_OR_RETURN(
        arena_, DeviceBuffer::Allocate(engine_.memory().arena_bytes, "activation arena"));
    TFTRT_ASSIGN_OR_RETURN(workspace_,
                           DeviceBuffer::Allocate(engine_.workspace_bytes(), "engine workspace"));
    const EngineNetwork& plan = engine_.compiled();
    for (const auto* bindings : {&plan.input(), &plan.output()}) {
      for (const EngineBinding& binding : *bindings) {
        const DeviceTensor& tensor = engine_.tensors()[binding.tensor()];
        TFTRT_ASSIGN_OR_RETURN(
            PinnedBuffer pinned,
            PinnedBuffer::Allocate(HostBytes(tensor), "'" + binding.name() + "' staging"));
        pinned_.push_back(std::move(pinned));
        TFTRT_ASSIGN_OR_RETURN(DeviceBuffer staging,
                               DeviceBuffer::Allocate(Converts(tensor) ? HostBytes(tensor) : 0,
                                                      "'" + binding.name() + "' float32 staging"));
        float_staging_.push_back(std::move(staging));
      }
    }
    return Status::Ok();
  }

  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs) override {
    TFTRT_CUDA_CHECK(cudaSetDevice(engine_.device()));
    Status status = Enqueue(inputs);
    // Whatever happened, nothing of this run may still be in flight when it returns.
    Status synced = TFTRT_CUDA_STATUS(cudaStreamSynchronize(stream_));
    TFTRT_RETURN_IF_ERROR(status);
    TFTRT_RETURN_IF_ERROR(synced);
    has_run_ = true;
    float layers_ms = 0;
    TFTRT_CUDA_CHECK(cudaEventElapsedTime(&layers_ms, layers_start_, layers_end_));
    if (profiler_ != nullptr) TFTRT_RETURN_IF_ERROR(profiler_->Accumulate());
    engine_.RecordComputeTime(layers_ms);
    const EngineNetwork& plan = engine_.compiled();
    std::vector<Tensor> outputs;
    for (int i = 0; i < plan.output_size(); ++i) {
      const DeviceTensor& tensor = engine_.tensors()[plan.output(i).tensor()];
      Tensor output(tensor.tf_dtype, tensor.shape);
      std::memcpy(output.raw_data(), pinned_[plan.input_size() + i].data(), HostBytes(tensor));
      outputs.push_back(std::move(output));
    }
    return outputs;
  }

  StatusOr<double> RerunOnDevice() override {
    if (!has_run_) return Status::FailedPrecondition("the context has not run: no inputs");
    TFTRT_CUDA_CHECK(cudaSetDevice(engine_.device()));
    const RunBuffers buffers(static_cast<char*>(arena_.data()), engine_.memory().offsets, stream_,
                             workspace_.data(), *handles_);
    TFTRT_CUDA_CHECK(cudaStreamSynchronize(stream_));
    const auto start = std::chrono::steady_clock::now();
    Status status = RunLayers(buffers);
    Status synced = TFTRT_CUDA_STATUS(cudaStreamSynchronize(stream_));
    const auto end = std::chrono::steady_clock::now();
    TFTRT_RETURN_IF_ERROR(status);
    TFTRT_RETURN_IF_ERROR(synced);
    return std::chrono::duration<double, std::milli>(end - start).count();
  }

 private:
  Status Enqueue(const std::vector<Tensor>& inputs) {
    const EngineNetwork& plan = engine_.compiled();
    if (static_cast<int>(inputs.size()) != plan.input_size()) {
      return Status::InvalidArgument("the engine takes " + std::to_string(plan.input_size()) +
                                     " inputs, got " + std::to_string(inputs.size()));
    }
    const RunBuffers buffers(static_cast<char*>(arena_.data()), engine_.memory().offsets, stream_,
                             workspace_.data(), *handles_);
    for (int i = 0; i < plan.input_size(); ++i) {
      TFTRT_RETURN_IF_ERROR(Upload(plan.input(i), inputs[i], i, buffers));
    }
    TFTRT_CUDA_CHECK(cudaEventRecord(layers_start_, stream_));
    TFTRT_RETURN_IF_ERROR(RunLayers(buffers));
    TFTRT_CUDA_CHECK(cudaEventRecord(layers_end_, stream_));
    for (int i = 0; i < plan.output_size(); ++i) {
      TFTRT_RETURN_IF_ERROR(Download(plan.output(i), plan.input_size() + i, buffers));
    }
    return Status::Ok();
  }

  // The layers, as one CUDA graph after the first run: the context's buffers never move and
  // an engine has one input shape, so the recorded launches stay valid, and replaying them
  // costs one launch instead of one per kernel (most of a small batch's time). Where a
  // library call cannot be captured, the context keeps launching the layers one by one.
  Status RunLayers(const RunBuffers& buffers) {
    if (graph_state_ == GraphState::kUntried) {
      graph_state_ = GraphState::kEager;
      if (CudaGraphsEnabled() && profiler_ == nullptr) {
        TFTRT_RETURN_IF_ERROR(CaptureLayers(buffers));
      }
    }
    if (graph_state_ == GraphState::kCaptured) {
      TFTRT_CUDA_CHECK(cudaGraphLaunch(graph_, stream_));
      return Status::Ok();
    }
    return EnqueueLayers(buffers);
  }

  Status EnqueueLayers(const RunBuffers& buffers) const {
    const EngineNetwork& plan = engine_.compiled();
    const int layers = static_cast<int>(engine_.runners().size());
    for (int i = 0; i < layers; ++i) {
      if (profiler_ != nullptr) TFTRT_RETURN_IF_ERROR(profiler_->Mark(i, stream_));
      TFTRT_RETURN_IF_ERROR_CTX(
          engine_.runners()[i]->Enqueue(buffers),
          "while running engine layer '" + plan.layer(i).name() + "' (" + plan.layer(i).op() + ")");
    }
    if (profiler_ != nullptr) TFTRT_RETURN_IF_ERROR(profiler_->Mark(layers, stream_));
    return Status::Ok();
  }

  // Records the layers into graph_ (state kCaptured), or leaves the state kEager with an
  // info line when capture fails. An error of a layer itself is returned.
  Status CaptureLayers(const RunBuffers& buffers) {
    TFTRT_CUDA_CHECK(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
    Status enqueued = EnqueueLayers(buffers);
    cudaGraph_t graph = nullptr;
    Status captured = TFTRT_CUDA_STATUS(cudaStreamEndCapture(stream_, &graph));
    if (captured.ok() && enqueued.ok()) {
      captured = TFTRT_CUDA_STATUS(cudaGraphInstantiate(&graph_, graph, 0));
    }
    if (graph != nullptr) TFTRT_CUDA_CHECK(cudaGraphDestroy(graph));
    if (!enqueued.ok()) {
      // A failing layer may have been the capture's only problem: retry eagerly, where the
      // error is reported as it is.
      cudaGetLastError();
      return Status::Ok();
    }
    if (!captured.ok()) {
      cudaGetLastError();  // capture errors are sticky per thread only until read
      graph_ = nullptr;
      LogInfo("an engine's layers run without a CUDA graph (it could not be recorded: " +
              captured.message() + ")");
      return Status::Ok();
    }
    graph_state_ = GraphState::kCaptured;
    return Status::Ok();
  }

  Status Upload(const EngineBinding& binding, const Tensor& input, int slot,
                const RunBuffers& buffers) {
    const DeviceTensor& tensor = engine_.tensors()[binding.tensor()];
    if (input.dtype() != tensor.tf_dtype || input.shape() != tensor.shape) {
      return Status::InvalidArgument(
          "engine input '" + binding.name() + "' is " + std::string(DataTypeName(input.dtype())) +
          ShapeToString(input.shape()) + ", the engine was built for " +
          std::string(DataTypeName(tensor.tf_dtype)) + ShapeToString(tensor.shape));
    }
    const size_t bytes = HostBytes(tensor);
    if (bytes == 0) return Status::Ok();
    std::memcpy(pinned_[slot].data(), input.raw_data(), bytes);
    void* target =
        Converts(tensor) ? float_staging_[slot].data() : buffers.tensor(binding.tensor());
    TFTRT_CUDA_CHECK(
        cudaMemcpyAsync(target, pinned_[slot].data(), bytes, cudaMemcpyHostToDevice, stream_));
    if (!Converts(tensor)) return Status::Ok();
    return ConvertOnDevice(target, DType::kFloat32, buffers.tensor(binding.tensor()),
                           DType::kFloat16, input.NumElements(), stream_);
  }

  Status Download(const EngineBinding& binding, int slot, const RunBuffers& buffers) {
    const DeviceTensor& tensor = engine_.tensors()[binding.tensor()];
    const size_t bytes = HostBytes(tensor);
    if (bytes == 0) return Status::Ok();
    const void* source = buffers.tensor(binding.tensor());
    if (Converts(tensor)) {
      TFTRT_RETURN_IF_ERROR(ConvertOnDevice(source, DType::kFloat16, float_staging_[slot].data(),
                                            DType::kFloat32, bytes / sizeof(float), stream_));
      source = float_staging_[slot].data();
    }
    TFTRT_CUDA_CHECK(
        cudaMemcpyAsync(pinned_[slot].data(), source, bytes, cudaMemcpyDeviceToHost, stream_));
    return Status::Ok();
  }

  enum class GraphState { kUntried, kCaptured, kEager };

  const CudaEngine& engine_;
  cudaStream_t stream_ = nullptr;
  GraphState graph_state_ = GraphState::kUntried;
  bool has_run_ = false;                     // the arena holds the inputs of a Run (RerunOnDevice)
  std::unique_ptr<LayerProfiler> profiler_;  // TFTRT_PROFILE_LAYERS=1
  cudaGraphExec_t graph_ = nullptr;
  cudaEvent_t layers_start_ = nullptr, layers_end_ = nullptr;
  std::unique_ptr<DnnHandles> handles_;
  DeviceBuffer arena_;
  DeviceBuffer workspace_;
  // Per binding, inputs first: pinned host copies, and float32 device copies of the
  // bindings the device stores as half.
  std::vector<PinnedBuffer> pinned_;
  std::vector<DeviceBuffer> float_staging_;
};

// An epilogue operand tensor with as many elements as the layer's output is read in that
// shape: the fuser may move a step (a residual add) ahead of a reshape
// (docs/engine-format.md, `epilogue`).
void ReadInRunningShape(const EngineLayer& layer, const std::vector<DeviceTensor>& tensors,
                        DeviceOperand& operand) {
  if (operand.is_constant() || layer.output_size() != 1) return;
  const int output = layer.output(0);
  if (output < 0 || output >= static_cast<int>(tensors.size())) return;
  const Shape& shape = tensors[output].shape;
  if (operand.shape != shape && tftrt::NumElements(operand.shape) == tftrt::NumElements(shape)) {
    operand.shape = shape;
  }
}

}  // namespace

CudaEngine::CudaEngine(EngineNetwork plan, std::string target)
    : Engine(std::move(plan), std::move(target)), constants_(std::make_unique<Constants>()) {}

CudaEngine::~CudaEngine() {
  // Runners and constants free device memory: make sure the device is the engine's.
  TFTRT_CUDA_STATUS(cudaSetDevice(device_)).IgnoreError();
  runners_.clear();
  constants_.reset();
}

StatusOr<std::unique_ptr<CudaEngine>> CudaEngine::Create(EngineNetwork plan, std::string target) {
  std::unique_ptr<CudaEngine> engine(new CudaEngine(std::move(plan), std::move(target)));
  TFTRT_RETURN_IF_ERROR_CTX(engine->Compile(), "while compiling an engine on " + engine->target());
  return engine;
}

StatusOr<std::unique_ptr<ExecutionContext>> CudaEngine::CreateContext() const {
  auto context = std::make_unique<CudaExecutionContext>(*this);
  TFTRT_RETURN_IF_ERROR_CTX(context->Init(), "while creating an execution context on " + target());
  return std::unique_ptr<ExecutionContext>(std::move(context));
}

StatusOr<DeviceOperand> CudaEngine::Operand(const EngineOperand& proto, bool host_only) {
  if (proto.has_tensor()) {
    if (proto.tensor() < 0 || proto.tensor() >= static_cast<int>(tensors_.size())) {
      return Status::InvalidArgument("engine operand refers to tensor " +
                                     std::to_string(proto.tensor()) + " of " +
                                     std::to_string(tensors_.size()));
    }
    const DeviceTensor& tensor = tensors_[proto.tensor()];
    return DeviceOperand{.tensor = proto.tensor(), .dtype = tensor.dtype, .shape = tensor.shape};
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor value, TensorFromProto(proto.weight()));
  if (host_only) return constants_->Keep(std::move(value));
  return constants_->Upload(std::move(value));
}

Status CudaEngine::Compile() {
  if (plan().precision() == "INT8") lowered_ = Int8LayersAsFp16(plan());
  const EngineNetwork& network = compiled();
  if (network.precision() != "FP32" && network.precision() != "FP16") {
    return Status::Unimplemented("the cuda backend runs FP32, FP16 and INT8 engines, not '" +
                                 network.precision() + "'");
  }
  TFTRT_RETURN_IF_ERROR(CheckPlanTensorCount(network));
  TFTRT_CUDA_CHECK(cudaGetDevice(&device_));
  half_storage_ = network.precision() == "FP16";
  for (const EngineTensor& proto : network.tensor()) {
    DeviceTensor tensor;
    TFTRT_ASSIGN_OR_RETURN(tensor.tf_dtype, DataTypeFromProto(proto.dtype()));
    TFTRT_ASSIGN_OR_RETURN(tensor.dtype, DeviceDType(tensor.tf_dtype, half_storage_));
    int64_t elements = 1;
    for (int64_t d : proto.dim()) {
      if (d < 0) return Status::InvalidArgument("a plan tensor has an unknown dimension");
      tensor.shape.push_back(d);
      elements *= d;
    }
    tensor.bytes = elements * DTypeSize(tensor.dtype);
    tensors_.push_back(std::move(tensor));
  }
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<DnnHandles> handles, DnnHandles::Create());
  TFTRT_ASSIGN_OR_RETURN(TacticOptions tactics,
                         TacticOptions::ForCurrentDevice(network.workspace_size_bytes()));
  // The choices this engine was compiled with before are taken as they are; every choice
  // is kept in the plan, which is what the engine's file stores.
  google::protobuf::Map<std::string, std::string> choices;
  tactics.known_choices = &network.kernel_choice();
  tactics.made_choices = &choices;
  std::vector<double> compile_ms;  // per layer: kernel choice, plans, uploads
  for (const EngineLayer& layer : network.layer()) {
    LayerSpec spec{.layer = layer,
                   .tensors = tensors_,
                   .constants = *constants_,
                   .handles = *handles,
                   .tactics = tactics,
                   .allow_tf32 = network.allow_tf32()};
    for (int i = 0; i < layer.input_size(); ++i) {
      // Convolution runners re-lay their filter (input 1) out for cuDNN or their own
      // kernel from its host value: a device copy in the plan's layout would go unread.
      const bool host_only = layer.kind() == LAYER_KIND_CONVOLUTION && i == 1;
      TFTRT_ASSIGN_OR_RETURN(DeviceOperand operand, Operand(layer.input(i), host_only));
      spec.inputs.push_back(std::move(operand));
    }
    for (const EngineEpilogueStep& step : layer.epilogue()) {
      DeviceOperand operand;
      if (step.has_operand()) {
        TFTRT_ASSIGN_OR_RETURN(operand, Operand(step.operand()));
        ReadInRunningShape(layer, tensors_, operand);
      }
      spec.epilogue_operands.push_back(std::move(operand));
    }
    for (int tensor : layer.output()) {
      if (tensor < 0 || tensor >= static_cast<int>(tensors_.size())) {
        return Status::InvalidArgument("layer '" + layer.name() + "' writes tensor " +
                                       std::to_string(tensor) + " of " +
                                       std::to_string(tensors_.size()));
      }
      spec.outputs.push_back(tensor);
    }
    TFTRT_ASSIGN_OR_RETURN(RunnerFactory factory, FactoryFor(layer.kind()));
    // A layer whose outputs are all empty has nothing to compute (and the libraries
    // refuse zero sizes).
    bool empty = true;
    for (int tensor : spec.outputs) empty &= tensors_[tensor].bytes == 0;
    const auto start = std::chrono::steady_clock::now();
    auto runner = empty ? StatusOr<std::unique_ptr<LayerRunner>>(std::make_unique<EmptyRunner>())
                        : factory(spec);
    compile_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!runner.ok()) {
      return runner.status().WithContext("while compiling layer '" + layer.name() + "' (" +
                                         layer.op() + ")");
    }
    workspace_bytes_ = std::max(workspace_bytes_, (*runner)->workspace_bytes());
    runners_.push_back(std::move(runner).value());
  }
  PlanArena();
  if (LayerProfiler::Enabled()) {
    const double total = std::accumulate(compile_ms.begin(), compile_ms.end(), 0.0);
    PrintLayerTimes("build profile: " + std::to_string(compile_ms.size()) + " layers, " +
                        std::to_string(static_cast<int64_t>(total)) +
                        " ms to make their runners (kernel choice and timing, library plans, "
                        "weight uploads)",
                    network, compile_ms);
  }
  *mutable_plan().mutable_kernel_choice() = std::move(choices);
  if (tactics.cache != nullptr) {
    // The cache only saves time: a failure to write it costs the next build its timing.
    Status saved = tactics.cache->Save();
    if (!saved.ok()) LogWarning(saved.message());
  }
  return Status::Ok();
}

namespace {

// For each tensor, the tensor whose buffer it shares, or -1: the output of a reshape
// (Reshape, ExpandDims, Squeeze) without an epilogue is its input's bytes as they are, so
// it shares the input's buffer (following chains of reshapes to the first input), and the
// layer's copy finds nothing to do. Tensors are written once, so the shared bytes never
// change under a reader. A reshape with an epilogue writes its output in place: it keeps
// a buffer of its own.
std::vector<int> ReshapeAliases(const EngineNetwork& network,
                                const std::vector<DeviceTensor>& tensors) {
  std::vector<int> alias_of(tensors.size(), -1);
  for (const EngineLayer& layer : network.layer()) {
    const std::string& op = layer.op();
    if ((op != "Reshape" && op != "ExpandDims" && op != "Squeeze") || layer.epilogue_size() > 0 ||
        layer.output_size() != 1 || !layer.input(0).has_tensor()) {
      continue;
    }
    int root = layer.input(0).tensor();
    if (alias_of[root] >= 0) root = alias_of[root];
    const int out = layer.output(0);
    if (tensors[out].bytes == tensors[root].bytes && tensors[out].dtype == tensors[root].dtype) {
      alias_of[out] = root;
    }
  }
  return alias_of;
}

}  // namespace

void CudaEngine::PlanArena() {
  const EngineNetwork& network = compiled();
  const int num_layers = network.layer_size();
  std::vector<BufferLifetime> lifetimes(tensors_.size());
  for (size_t t = 0; t < tensors_.size(); ++t) {
    lifetimes[t] = {tensors_[t].bytes, num_layers, -1};
  }
  auto read = [&](const EngineOperand& operand, int step) {
    if (operand.has_tensor()) {
      BufferLifetime& lifetime = lifetimes[operand.tensor()];
      lifetime.last = std::max(lifetime.last, step);
    }
  };
  for (const EngineBinding& input : network.input()) lifetimes[input.tensor()].first = -1;
  for (int i = 0; i < num_layers; ++i) {
    const EngineLayer& layer = network.layer(i);
    for (const EngineOperand& input : layer.input()) read(input, i);
    for (const EngineEpilogueStep& step : layer.epilogue()) read(step.operand(), i);
    for (int tensor : layer.output()) {
      lifetimes[tensor].first = std::min(lifetimes[tensor].first, i);
      lifetimes[tensor].last = std::max(lifetimes[tensor].last, i);
    }
  }
  for (const EngineBinding& output : network.output()) {
    lifetimes[output.tensor()].first = std::min(lifetimes[output.tensor()].first, num_layers);
    lifetimes[output.tensor()].last = num_layers;
  }
  const std::vector<int> alias_of = ReshapeAliases(network, tensors_);
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (alias_of[t] < 0) continue;
    BufferLifetime& shared = lifetimes[alias_of[t]];
    shared.first = std::min(shared.first, lifetimes[t].first);
    shared.last = std::max(shared.last, lifetimes[t].last);
    lifetimes[t] = {0, 0, -1};
  }
  for (BufferLifetime& lifetime : lifetimes) {
    // A tensor nothing writes or reads (the intermediate value of a fused layer, the input
    // of a folded pad) needs no memory.
    if (lifetime.last < lifetime.first) lifetime = {0, lifetime.first, lifetime.first};
  }
  memory_ = tftrt::PlanMemory(lifetimes);
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (alias_of[t] >= 0) memory_.offsets[t] = memory_.offsets[alias_of[t]];
  }
}

}  // namespace tftrt::cuda
