// Convolution and matmul layers, on the cuDNN and cuBLASLt runners: the longest prefix of
// the layer's epilogue that the library accepts is fused into the product (bias, channel
// scale, one residual add, activations); the rest runs as one elementwise pass after it.
#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/layer_runner.h"
#include "backends/cuda/matmul_runner.h"

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

class ConvolutionLayerRunner : public LayerRunner {
 public:
  ConvolutionLayerRunner(std::unique_ptr<ConvolutionRunner> runner, DeviceOperand x,
                         DeviceOperand residual, int out)
      : runner_(std::move(runner)), x_(std::move(x)), residual_(std::move(residual)), out_(out) {}
  size_t workspace_bytes() const override { return runner_->workspace_bytes(); }
  Status Enqueue(const RunBuffers& b) const override {
    const bool residual = PrefixHasResidual(runner_->epilogue(), runner_->fused_steps());
    return runner_->Run(b.handles(), b.stream(), b.operand(x_), b.tensor(out_),
                        residual ? b.operand(residual_) : nullptr, b.workspace());
  }

 private:
  std::unique_ptr<ConvolutionRunner> runner_;
  DeviceOperand x_, residual_;
  int out_;
};

class MatMulLayerRunner : public LayerRunner {
 public:
  MatMulLayerRunner(std::unique_ptr<MatMulRunner> runner, DeviceOperand a, DeviceOperand b,
                    DeviceOperand residual, int out)
      : runner_(std::move(runner)),
        a_(std::move(a)),
        b_(std::move(b)),
        residual_(std::move(residual)),
        out_(out) {}
  size_t workspace_bytes() const override { return runner_->workspace_bytes(); }
  Status Enqueue(const RunBuffers& b) const override {
    const bool residual = PrefixHasResidual(runner_->epilogue(), runner_->fused_steps());
    return runner_->Run(b.handles(), b.stream(), a_.is_constant() ? nullptr : b.operand(a_),
                        b_.is_constant() ? nullptr : b.operand(b_),
                        residual ? b.operand(residual_) : nullptr, b.tensor(out_), b.workspace());
  }

 private:
  std::unique_ptr<MatMulRunner> runner_;
  DeviceOperand a_, b_, residual_;
  int out_;
};

StatusOr<ConvolutionKind> ConvolutionKindOf(const std::string& op) {
  if (op == "Conv2D") return ConvolutionKind::kConv2D;
  if (op == "DepthwiseConv2dNative") return ConvolutionKind::kDepthwise;
  if (op == "Conv2DBackpropInput") return ConvolutionKind::kTransposed;
  return Status::Unimplemented("the cuda backend has no convolution " + op);
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
  TFTRT_ASSIGN_OR_RETURN(
      std::unique_ptr<ConvolutionRunner> runner,
      ConvolutionRunner::Create(spec.handles, desc, *filter.host, std::move(epilogue.steps)));
  const int fused = runner->fused_steps();
  std::unique_ptr<LayerRunner> main(
      new ConvolutionLayerRunner(std::move(runner), x, epilogue.residual, spec.outputs[0]));
  return WithEpilogue(std::move(main), spec, fused);
}

StatusOr<std::unique_ptr<LayerRunner>> MakeMatMulRunner(const LayerSpec& spec) {
  const std::string& op = spec.layer.op();
  if (op == "Einsum") return Status::Unimplemented("Einsum on the cuda backend");
  const MatMulParams& p = spec.layer.matmul();
  const DeviceOperand& a = spec.inputs.at(0);
  const DeviceOperand& b = spec.inputs.at(1);
  if (a.shape.size() < 2 || b.shape.size() < 2) {
    return Status::InvalidArgument(op + " of operands of rank < 2");
  }
  MatMulDescription desc{.m = a.shape[a.shape.size() - (p.transpose_a() ? 1 : 2)],
                         .n = b.shape[b.shape.size() - (p.transpose_b() ? 2 : 1)],
                         .k = a.shape[a.shape.size() - (p.transpose_a() ? 2 : 1)],
                         .transpose_a = p.transpose_a(),
                         .transpose_b = p.transpose_b(),
                         .batch_dims_a = Shape(a.shape.begin(), a.shape.end() - 2),
                         .batch_dims_b = Shape(b.shape.begin(), b.shape.end() - 2),
                         .dtype = IoDataType(spec.output().dtype),
                         .allow_tf32 = spec.allow_tf32};
  MappedEpilogue epilogue = MapEpilogue(spec);
  TFTRT_ASSIGN_OR_RETURN(
      std::unique_ptr<MatMulRunner> runner,
      MatMulRunner::Create(spec.handles, desc, a.is_constant() ? a.host : nullptr,
                           b.is_constant() ? b.host : nullptr, std::move(epilogue.steps)));
  const int fused = runner->fused_steps();
  std::unique_ptr<LayerRunner> main(
      new MatMulLayerRunner(std::move(runner), a, b, epilogue.residual, spec.outputs[0]));
  return WithEpilogue(std::move(main), spec, fused);
}

}  // namespace tftrt::cuda
