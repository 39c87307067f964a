// Convolution and matmul layers, on the cuDNN and cuBLASLt runners (depthwise convolutions
// with channel multiplier 1 on tftrt's own kernel; convolutions of few input channels on
// whichever of cuDNN, tftrt's kernel and CUTLASS's space-to-depth form timing finds
// faster, fp16 1x1 convolutions on cuDNN or CUTLASS's matmul): the longest prefix of the
// layer's epilogue that the runner accepts is fused into the product (bias, channel scale,
// one residual add, activations); the rest runs as one elementwise pass after it.
#include "backends/cuda/batched_product.h"
#include "backends/cuda/channel_padding.h"
#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cutlass/bias_clamp_conv.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/kernel_convolution_runner.h"
#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/layer_choice.h"
#include "backends/cuda/layer_runner.h"
#include "backends/cuda/matmul_runner.h"
#include "backends/cuda/pointwise_convolution_runner.h"
#include "backends/cuda/space_to_depth_convolution_runner.h"
#include "engine/attention_folding.h"
#include "kernels/cpu/einsum.h"

namespace tftrt::cuda {
namespace {

// The runner-form of the plan's epilogue steps, up to the first one a runner cannot
// express; `residual` is the operand of the ResidualAdd among them.
struct MappedEpilogue {
  std::vector<EpilogueStep> steps;
  DeviceOperand residual;
};

bool IsChannelVector(const DeviceOperand& operand, int64_t channels) {
  if (!operand.is_constant() || operand.host == nullptr) return false;
  if (operand.host->dtype() != DataType::kFloat && operand.host->dtype() != DataType::kHalf) {
    return false;
  }
  int64_t elements = 1;
  for (size_t d = 0; d < operand.shape.size(); ++d) {
    if (d + 1 < operand.shape.size() && operand.shape[d] != 1) return false;
    elements *= operand.shape[d];
  }
  return elements == channels;
}

std::optional<EpilogueStep> MapStep(const EngineEpilogueStep& step, const DeviceOperand& operand,
                                    const DeviceTensor& output, bool have_residual) {
  const std::string& op = step.op();
  const int64_t channels = output.shape.empty() ? 1 : output.shape.back();
  if (op == "BiasAdd" || op == "Add" || op == "AddV2") {
    if (IsChannelVector(operand, channels))
      return EpilogueStep::BiasAdd(TensorToFloats(*operand.host));
    if (!operand.is_constant() && operand.shape == output.shape && !have_residual) {
      return EpilogueStep::ResidualAdd();
    }
    return std::nullopt;
  }
  if (op == "Mul" && IsChannelVector(operand, channels)) {
    return EpilogueStep::ChannelScale(TensorToFloats(*operand.host));
  }
  if (op == "Relu") return EpilogueStep::Activation(EpilogueOp::kRelu);
  if (op == "Relu6") return EpilogueStep::Activation(EpilogueOp::kRelu6);
  if (op == "Sigmoid") return EpilogueStep::Activation(EpilogueOp::kSigmoid);
  if (op == "Tanh") return EpilogueStep::Activation(EpilogueOp::kTanh);
  if (op == "Elu") return EpilogueStep::Elu(1.0f);
  if (op == "_TftrtGelu") return EpilogueStep::Activation(EpilogueOp::kGeluExact);
  if (op == "LeakyRelu") {
    auto it = step.attr().find("alpha");
    return EpilogueStep::LeakyRelu(it == step.attr().end() ? 0.2f : it->second.f());
  }
  return std::nullopt;
}

MappedEpilogue MapEpilogue(const LayerSpec& spec) {
  MappedEpilogue mapped;
  bool have_residual = false;
  for (int i = 0; i < spec.layer.epilogue_size() && i < kMaxEpilogueSteps; ++i) {
    auto step =
        MapStep(spec.layer.epilogue(i), spec.epilogue_operands[i], spec.output(), have_residual);
    if (!step.has_value()) break;
    if (step->op == EpilogueOp::kResidualAdd) {
      mapped.residual = spec.epilogue_operands[i];
      have_residual = true;
    }
    mapped.steps.push_back(std::move(*step));
  }
  return mapped;
}

DataType IoDataType(DType dtype) {
  return dtype == DType::kFloat16 ? DataType::kHalf : DataType::kFloat;
}

// A convolution on cuDNN, on its own input channels or on zero-padded ones
// (channel_padding.h).
class ConvolutionLayerRunner : public LayerRunner {
 public:
  ConvolutionLayerRunner(std::unique_ptr<ChannelPaddedConvolution> convolution, DeviceOperand x,
                         DeviceOperand residual, int out)
      : convolution_(std::move(convolution)),
        x_(std::move(x)),
        residual_(std::move(residual)),
        out_(out) {}
  size_t workspace_bytes() const override { return convolution_->workspace_bytes(); }
  Status Enqueue(const RunBuffers& b) const override {
    const ConvolutionRunner& runner = convolution_->runner();
    const bool residual = PrefixHasResidual(runner.epilogue(), runner.fused_steps());
    return convolution_->Run(b.handles(), b.stream(), b.operand(x_), b.tensor(out_),
                             residual ? b.operand(residual_) : nullptr, b.workspace());
  }

 private:
  std::unique_ptr<ChannelPaddedConvolution> convolution_;
  DeviceOperand x_, residual_;
  int out_;
};

// A convolution on one of tftrt's own kernels.
class KernelConvolutionLayerRunner : public LayerRunner {
 public:
  KernelConvolutionLayerRunner(std::unique_ptr<KernelConvolutionRunner> runner, DeviceOperand x,
                               DeviceOperand residual, int out)
      : runner_(std::move(runner)), x_(std::move(x)), residual_(std::move(residual)), out_(out) {}
  Status Enqueue(const RunBuffers& b) const override {
    const bool residual = PrefixHasResidual(runner_->epilogue(), runner_->fused_steps());
    return runner_->Run(b.stream(), b.operand(x_), b.tensor(out_),
                        residual ? b.operand(residual_) : nullptr);
  }

 private:
  std::unique_ptr<KernelConvolutionRunner> runner_;
  DeviceOperand x_, residual_;
  int out_;
};

// A convolution on one of CUTLASS's runners (PointwiseConvolutionRunner,
// SpaceToDepthConvolutionRunner): Run(stream, x, y, workspace).
template <typename Runner>
class CutlassConvolutionLayerRunner : public LayerRunner {
 public:
  CutlassConvolutionLayerRunner(std::unique_ptr<Runner> runner, DeviceOperand x, int out)
      : runner_(std::move(runner)), x_(std::move(x)), out_(out) {}
  size_t workspace_bytes() const override { return runner_->workspace_bytes(); }
  Status Enqueue(const RunBuffers& b) const override {
    return runner_->Run(b.stream(), b.operand(x_), b.tensor(out_), b.workspace());
  }

 private:
  std::unique_ptr<Runner> runner_;
  DeviceOperand x_;
  int out_;
};

class MatMulLayerRunner : public LayerRunner {
 public:
  MatMulLayerRunner(std::unique_ptr<BatchedProduct> product, DeviceOperand a, DeviceOperand b,
                    DeviceOperand residual, int out)
      : product_(std::move(product)),
        a_(std::move(a)),
        b_(std::move(b)),
        residual_(std::move(residual)),
        out_(out) {}
  size_t workspace_bytes() const override { return product_->workspace_bytes(); }
  Status Enqueue(const RunBuffers& b) const override {
    return product_->Run(b.handles(), b.stream(), b.operand(a_), b.operand(b_),
                         b.operand(residual_), b.tensor(out_), b.workspace());
  }

 private:
  std::unique_ptr<BatchedProduct> product_;
  DeviceOperand a_, b_, residual_;
  int out_;
};

// Einsum as its native kernel plans it (kernels/cpu/einsum.h): per operand a transpose
// and a sum over the labels only it has, then one batched product, then a transpose into
// the output's label order; intermediate results live in the workspace.
class EinsumRunner : public LayerRunner {
 public:
  static StatusOr<std::unique_ptr<LayerRunner>> Create(const LayerSpec& spec) {
    std::unique_ptr<EinsumRunner> runner(new EinsumRunner());
    std::vector<Shape> shapes;
    for (const DeviceOperand& input : spec.inputs) shapes.push_back(input.shape);
    TFTRT_ASSIGN_OR_RETURN(runner->plan_, PlanEinsum(spec.layer.matmul().equation(), shapes));
    runner->dtype_ = spec.output().dtype;
    runner->inputs_ = spec.inputs;
    runner->out_ = spec.outputs[0];
    const EinsumPlan& plan = runner->plan_;
    for (const EinsumPlan::Operand& operand : plan.operands) {
      Prepared prepared;
      if (!operand.permutation.empty())
        prepared.transposed = runner->Reserve(Elements(operand.shape));
      if (operand.summed != 1) prepared.summed = runner->Reserve(operand.kept);
      runner->prepared_.push_back(prepared);
    }
    if (plan.operands.size() == 2) {
      if (!plan.output_permutation.empty()) {
        runner->product_offset_ = runner->Reserve(Elements(plan.product_shape));
      }
      TFTRT_ASSIGN_OR_RETURN(
          runner->product_,
          BatchedProduct::Create(spec.handles, plan.matmul, IoDataType(runner->dtype_),
                                 spec.allow_tf32, {}, spec.tactics));
      runner->product_workspace_ = runner->workspace_bytes_;
      runner->workspace_bytes_ += runner->product_->workspace_bytes();
    }
    return std::unique_ptr<LayerRunner>(std::move(runner));
  }

  size_t workspace_bytes() const override { return workspace_bytes_; }

  Status Enqueue(const RunBuffers& b) const override {
    char* scratch = static_cast<char*>(b.workspace());
    std::vector<const void*> operands;
    for (size_t i = 0; i < plan_.operands.size(); ++i) {
      const DeviceOperand& input = inputs_[plan_.swap_inputs ? 1 - i : i];
      TFTRT_ASSIGN_OR_RETURN(const void* data, Prepare(plan_.operands[i], prepared_[i],
                                                       b.operand(input), scratch, b.stream()));
      operands.push_back(data);
    }
    void* out = b.tensor(out_);
    const size_t out_bytes = Elements(plan_.output_shape) * DTypeSize(dtype_);
    if (plan_.operands.size() == 1) {
      if (out_bytes == 0) return Status::Ok();
      TFTRT_CUDA_CHECK(
          cudaMemcpyAsync(out, operands[0], out_bytes, cudaMemcpyDeviceToDevice, b.stream()));
      return Status::Ok();
    }
    const bool permute = !plan_.output_permutation.empty();
    void* product = permute ? scratch + product_offset_ : out;
    TFTRT_RETURN_IF_ERROR(product_->Run(b.handles(), b.stream(), operands[0], operands[1], nullptr,
                                        product, scratch + product_workspace_));
    if (!permute) return Status::Ok();
    TFTRT_ASSIGN_OR_RETURN(Dims product_shape, ToDims(plan_.product_shape));
    std::vector<int> perm(plan_.output_permutation.begin(), plan_.output_permutation.end());
    return Transpose(product, product_shape, perm, dtype_, out, b.stream());
  }

 private:
  // Workspace offsets of an operand's intermediate results (SIZE_MAX: not needed).
  struct Prepared {
    size_t transposed = SIZE_MAX;
    size_t summed = SIZE_MAX;
  };

  EinsumRunner() = default;

  static int64_t Elements(const Shape& shape) {
    int64_t elements = 1;
    for (int64_t d : shape) elements *= d;
    return elements;
  }

  size_t Reserve(int64_t elements) {
    const size_t offset = workspace_bytes_;
    workspace_bytes_ += (elements * DTypeSize(dtype_) + 255) / 256 * 256;
    return offset;
  }

  StatusOr<const void*> Prepare(const EinsumPlan::Operand& operand, const Prepared& prepared,
                                const void* data, char* scratch, cudaStream_t stream) const {
    if (prepared.transposed != SIZE_MAX) {
      TFTRT_ASSIGN_OR_RETURN(Dims shape, ToDims(operand.shape));
      std::vector<int> perm(operand.permutation.begin(), operand.permutation.end());
      TFTRT_RETURN_IF_ERROR(
          Transpose(data, shape, perm, dtype_, scratch + prepared.transposed, stream));
      data = scratch + prepared.transposed;
    }
    if (prepared.summed != SIZE_MAX) {
      TFTRT_RETURN_IF_ERROR(Reduce(ReduceOp::kSum, data, Dims::From({operand.kept, operand.summed}),
                                   {1}, dtype_, scratch + prepared.summed, stream));
      data = scratch + prepared.summed;
    }
    return data;
  }

  EinsumPlan plan_;
  DType dtype_ = DType::kFloat32;
  std::vector<DeviceOperand> inputs_;
  int out_ = 0;
  std::vector<Prepared> prepared_;
  std::unique_ptr<BatchedProduct> product_;
  size_t product_offset_ = 0;
  size_t product_workspace_ = 0;
  size_t workspace_bytes_ = 0;
};

StatusOr<ConvolutionKind> ConvolutionKindOf(const std::string& op) {
  if (op == "Conv2D") return ConvolutionKind::kConv2D;
  if (op == "DepthwiseConv2dNative") return ConvolutionKind::kDepthwise;
  if (op == "Conv2DBackpropInput") return ConvolutionKind::kTransposed;
  return Status::Unimplemented("the cuda backend has no convolution " + op);
}

// `desc` on tftrt's own kernel with `column_tile` (KernelConvolutionRunner::Create), with the
// whole mapped epilogue fused and the rest after it.
StatusOr<std::unique_ptr<LayerRunner>> MakeKernelConvolution(const LayerSpec& spec,
                                                             const ConvolutionDescription& desc,
                                                             const MappedEpilogue& epilogue,
                                                             int column_tile) {
  TFTRT_ASSIGN_OR_RETURN(
      std::unique_ptr<KernelConvolutionRunner> runner,
      KernelConvolutionRunner::Create(desc, *spec.inputs.at(1).host, epilogue.steps, column_tile));
  const int fused = runner->fused_steps();
  std::unique_ptr<LayerRunner> main(new KernelConvolutionLayerRunner(
      std::move(runner), spec.inputs.at(0), epilogue.residual, spec.outputs[0]));
  return WithEpilogue(std::move(main), spec, fused);
}

// Appends tftrt's kernel for `desc` to `candidates`: with 4- and 2-column tiles where it
// tiles columns and timing is on (conv_kernel_args.h: column_tile), else its default.
Status AddKernelCandidates(const LayerSpec& spec, const ConvolutionDescription& desc,
                           const MappedEpilogue& epilogue,
                           std::vector<std::unique_ptr<LayerRunner>>& candidates,
                           std::vector<std::string>& names) {
  const bool both = spec.tactics.timed() && KernelConvolutionRunner::TilesColumns(desc);
  for (int tile : both ? std::vector<int>{4, 2} : std::vector<int>{0}) {
    TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<LayerRunner> kernel,
                           MakeKernelConvolution(spec, desc, epilogue, tile));
    candidates.push_back(std::move(kernel));
    names.push_back(tile == 0 ? "tftrt kernel"
                              : "tftrt kernel, " + std::to_string(tile) + "-column tiles");
  }
  return Status::Ok();
}

// Appends `runner` (CUTLASS's, see CutlassConvolutionLayerRunner) as a candidate, with the
// epilogue steps it leaves after it.
template <typename Runner>
Status AddCutlassCandidate(const LayerSpec& spec, std::unique_ptr<Runner> runner,
                           std::vector<std::unique_ptr<LayerRunner>>& candidates,
                           std::vector<std::string>& names) {
  const int fused = runner->fused_steps();
  names.push_back(runner->name());
  std::unique_ptr<LayerRunner> layer(new CutlassConvolutionLayerRunner<Runner>(
      std::move(runner), spec.inputs.at(0), spec.outputs[0]));
  TFTRT_ASSIGN_OR_RETURN(layer, WithEpilogue(std::move(layer), spec, fused));
  candidates.push_back(std::move(layer));
  return Status::Ok();
}

// Appends `desc` on CUTLASS, in each tile configuration that takes it: a 1x1 convolution as
// the bias-clamp matmul, a stride-2 convolution of few channels in its space-to-depth form.
// Only where the kernels fuse the whole epilogue: a step left over (a residual add, say)
// costs a pass over the output that cuDNN's fused plans do not pay, so such a candidate
// would only lengthen the build's timing.
Status AddCutlassCandidates(const LayerSpec& spec, const ConvolutionDescription& desc,
                            const MappedEpilogue& epilogue,
                            std::vector<std::unique_ptr<LayerRunner>>& candidates,
                            std::vector<std::string>& names) {
  if (BiasClampSteps(epilogue.steps) != static_cast<int>(epilogue.steps.size())) {
    return Status::Ok();
  }
  const Tensor& filter = *spec.inputs.at(1).host;
  for (int config = 0; config < BiasClampMatMulConfigs(); ++config) {
    if (!PointwiseConvolutionRunner::Handles(desc, config)) continue;
    TFTRT_ASSIGN_OR_RETURN(
        auto runner, PointwiseConvolutionRunner::Create(desc, filter, epilogue.steps, config));
    TFTRT_RETURN_IF_ERROR(AddCutlassCandidate(spec, std::move(runner), candidates, names));
  }
  for (int config = 0; config < BiasClampConvConfigs(); ++config) {
    if (!SpaceToDepthConvolutionRunner::Handles(desc, config, spec.tactics.max_workspace_bytes)) {
      continue;
    }
    TFTRT_ASSIGN_OR_RETURN(
        auto runner, SpaceToDepthConvolutionRunner::Create(desc, filter, epilogue.steps, config));
    TFTRT_RETURN_IF_ERROR(AddCutlassCandidate(spec, std::move(runner), candidates, names));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakeConvolutionRunner(const LayerSpec& spec) {
  const ConvolutionParams& p = spec.layer.convolution();
  TFTRT_ASSIGN_OR_RETURN(ConvolutionKind kind, ConvolutionKindOf(spec.layer.op()));
  const bool transposed = kind == ConvolutionKind::kTransposed;
  const DeviceOperand& x = spec.inputs.at(transposed ? 2 : 0);
  const DeviceOperand& filter = spec.inputs.at(1);
  const Shape& out = spec.output().shape;
  if (x.shape.size() != 4 || out.size() != 4 || !filter.is_constant()) {
    return Status::InvalidArgument(spec.layer.op() + " needs NHWC tensors and a constant filter");
  }
  ConvolutionDescription desc{.kind = kind,
                              .batch = x.shape[0],
                              .input_rows = x.shape[1],
                              .input_cols = x.shape[2],
                              .input_channels = x.shape[3],
                              .output_rows = out[1],
                              .output_cols = out[2],
                              .output_channels = out[3],
                              .kernel_rows = p.kernel_h(),
                              .kernel_cols = p.kernel_w(),
                              .pad_top = p.pad_top(),
                              .pad_bottom = p.pad_bottom(),
                              .pad_left = p.pad_left(),
                              .pad_right = p.pad_right(),
                              .stride_rows = p.stride_h(),
                              .stride_cols = p.stride_w(),
                              .dilation_rows = p.dilation_h(),
                              .dilation_cols = p.dilation_w(),
                              .groups = transposed ? 1 : p.groups(),
                              .dtype = IoDataType(spec.output().dtype),
                              .allow_tf32 = spec.allow_tf32};
  MappedEpilogue epilogue = MapEpilogue(spec);
  const std::string signature =
      "conv " + desc.ToString() + " epilogue " + EpilogueToString(epilogue.steps);
  std::vector<std::unique_ptr<LayerRunner>> candidates;
  std::vector<std::string> names;
  if (KernelConvolutionRunner::HandlesDepthwise(desc)) {
    TFTRT_RETURN_IF_ERROR(AddKernelCandidates(spec, desc, epilogue, candidates, names));
    if (candidates.size() == 1) return std::move(candidates[0]);
    return FastestLayerRunner(spec, std::move(candidates), names, "depthwise " + signature);
  }
  const bool small_channels = KernelConvolutionRunner::HandlesSmallChannels(desc);
  StatusOr<std::unique_ptr<ChannelPaddedConvolution>> convolution =
      ChannelPaddedConvolution::Create(spec.handles, desc, *filter.host, epilogue.steps,
                                       spec.tactics);
  if (!convolution.ok()) {
    // Where cuDNN has no plan, the small-channel kernel is the only way.
    if (small_channels && convolution.status().code() == StatusCode::kUnimplemented) {
      return MakeKernelConvolution(spec, desc, epilogue, /*column_tile=*/0);
    }
    return convolution.status();
  }
  const int fused = (*convolution)->runner().fused_steps();
  std::unique_ptr<LayerRunner> library(
      new ConvolutionLayerRunner(std::move(*convolution), x, epilogue.residual, spec.outputs[0]));
  TFTRT_ASSIGN_OR_RETURN(library, WithEpilogue(std::move(library), spec, fused));
  if (!spec.tactics.timed()) return library;
  candidates.push_back(std::move(library));
  names.push_back("cudnn");
  if (small_channels) {
    TFTRT_RETURN_IF_ERROR(AddKernelCandidates(spec, desc, epilogue, candidates, names));
  }
  TFTRT_RETURN_IF_ERROR(AddCutlassCandidates(spec, desc, epilogue, candidates, names));
  if (candidates.size() == 1) return std::move(candidates[0]);
  return FastestLayerRunner(spec, std::move(candidates), names,
                            (small_channels ? "small-channel " : "cudnn or cutlass ") + signature);
}

StatusOr<std::unique_ptr<LayerRunner>> MakeMatMulRunner(const LayerSpec& spec) {
  const std::string& op = spec.layer.op();
  if (op == kAttentionOp) return MakeAttentionRunner(spec);
  if (op == "Einsum") {
    TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<LayerRunner> einsum, EinsumRunner::Create(spec));
    return WithEpilogue(std::move(einsum), spec, 0);
  }
  const MatMulParams& p = spec.layer.matmul();
  const DeviceOperand& a = spec.inputs.at(0);
  const DeviceOperand& b = spec.inputs.at(1);
  TFTRT_ASSIGN_OR_RETURN(BatchMatMulShape shape,
                         MakeBatchMatMulShape(a.shape, b.shape, p.transpose_a(), p.transpose_b(),
                                              /*broadcast=*/op != "BatchMatMul"));
  MappedEpilogue epilogue = MapEpilogue(spec);
  TFTRT_ASSIGN_OR_RETURN(
      std::unique_ptr<BatchedProduct> product,
      BatchedProduct::Create(spec.handles, shape, IoDataType(spec.output().dtype), spec.allow_tf32,
                             epilogue.steps, spec.tactics));
  const int fused = product->fused_steps();
  std::unique_ptr<LayerRunner> main(new MatMulLayerRunner(
      std::move(product), a, b, fused > 0 ? epilogue.residual : DeviceOperand(), spec.outputs[0]));
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<LayerRunner> library,
                         WithEpilogue(std::move(main), spec, fused));
  return WithGeluMatMulCandidates(spec, epilogue.steps, std::move(library));
}

}  // namespace tftrt::cuda
