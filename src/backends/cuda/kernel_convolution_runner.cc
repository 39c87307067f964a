#include "backends/cuda/kernel_convolution_runner.h"

#include <string>
#include <utility>

#include "backends/cuda/kernels/depthwise.h"
#include "backends/cuda/kernels/small_channel_conv.h"
#include "backends/cuda/shared_weights.h"

namespace tftrt::cuda {
namespace {

bool KernelDtype(const ConvolutionDescription& desc) {
  return desc.dtype == DataType::kFloat || desc.dtype == DataType::kHalf;
}

}  // namespace

Conv2DKernelParams KernelConvolutionRunner::KernelParams(const ConvolutionDescription& desc) {
  Conv2DKernelParams p;
  p.batch = desc.batch;
  p.in_height = desc.input_rows;
  p.in_width = desc.input_cols;
  p.channels = desc.input_channels;
  p.out_height = desc.output_rows;
  p.out_width = desc.output_cols;
  p.out_channels = desc.output_channels;
  p.filter_height = desc.kernel_rows;
  p.filter_width = desc.kernel_cols;
  p.stride_height = desc.stride_rows;
  p.stride_width = desc.stride_cols;
  p.dilation_height = desc.dilation_rows;
  p.dilation_width = desc.dilation_cols;
  p.pad_top = desc.pad_top;
  p.pad_left = desc.pad_left;
  return p;
}

bool KernelConvolutionRunner::TilesColumns(const ConvolutionDescription& desc) {
  const bool three = desc.kernel_rows == 3 && desc.kernel_cols == 3;
  if (HandlesDepthwise(desc)) {
    return three && desc.stride_cols == 1 && desc.dilation_cols == 1;
  }
  return HandlesSmallChannels(desc) && (three || (desc.kernel_rows == 7 && desc.kernel_cols == 7));
}

bool KernelConvolutionRunner::HandlesDepthwise(const ConvolutionDescription& desc) {
  return desc.kind == ConvolutionKind::kDepthwise && desc.output_channels == desc.input_channels &&
         desc.groups == desc.input_channels && KernelDtype(desc);
}

bool KernelConvolutionRunner::HandlesSmallChannels(const ConvolutionDescription& desc) {
  return desc.kind == ConvolutionKind::kConv2D && desc.groups == 1 && KernelDtype(desc) &&
         SmallChannelConv2DSupports(KernelParams(desc));
}

Status KernelConvolutionRunner::Validate(const ConvolutionDescription& desc, const Tensor& filter,
                                         const std::vector<EpilogueStep>& epilogue) {
  TFTRT_RETURN_IF_ERROR(ConvolutionRunner::Validate(desc, filter, epilogue));
  if (!Handles(desc)) {
    return Status::InvalidArgument(
        "tftrt's convolution kernels take depthwise convolutions with channel multiplier 1 and "
        "convolutions of at most " +
        std::to_string(kSmallConvMaxChannels) + " input channels, not " + desc.ToString());
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<KernelConvolutionRunner>> KernelConvolutionRunner::Create(
    const ConvolutionDescription& desc, const Tensor& filter, std::vector<EpilogueStep> epilogue,
    int column_tile) {
  TFTRT_RETURN_IF_ERROR(Validate(desc, filter, epilogue));
  if (column_tile != 0 && column_tile != 2 && column_tile != 4) {
    return Status::InvalidArgument("column tile " + std::to_string(column_tile) +
                                   ": 0 (the kernel's default), 2 or 4");
  }
  std::unique_ptr<KernelConvolutionRunner> runner(new KernelConvolutionRunner());
  runner->desc_ = desc;
  runner->depthwise_ = HandlesDepthwise(desc);
  runner->epilogue_ = std::move(epilogue);
  runner->params_ = KernelParams(desc);
  runner->params_.column_tile = column_tile;
  const std::vector<EpilogueStep>& steps = runner->epilogue_;

  // TF's filters are the kernels' layouts as they are: [R, S, C, 1] is the depthwise
  // kernel's [R, S, C], and Conv2D's [R, S, C, K] the small-channel kernel's.
  TFTRT_ASSIGN_OR_RETURN(runner->filter_, UploadSharedAs(TensorToFloats(filter), desc.dtype));
  KernelEpilogue& e = runner->kernel_epilogue_;
  e.num_steps = static_cast<int>(steps.size());
  runner->channel_vectors_.resize(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    e.ops[i] = steps[i].op;
    e.alphas[i] = steps[i].alpha;
    if (steps[i].values.empty()) continue;
    std::vector<float> values = steps[i].values;
    if (desc.dtype == DataType::kHalf) {
      for (float& v : values) v = HalfToFloat(FloatToHalf(v));
    }
    TFTRT_ASSIGN_OR_RETURN(runner->channel_vectors_[i],
                           DeviceWeights::UploadAs(values, DataType::kFloat));
    e.vectors[i] = static_cast<const float*>(runner->channel_vectors_[i].data());
  }
  return runner;
}

Status KernelConvolutionRunner::Run(cudaStream_t stream, const void* x, void* y,
                                    const void* residual) const {
  if (x == nullptr || y == nullptr) {
    return Status::InvalidArgument("KernelConvolutionRunner::Run: x and y must not be null");
  }
  const bool needs_residual = PrefixHasResidual(epilogue_, fused_steps());
  if (needs_residual && residual == nullptr) {
    return Status::InvalidArgument(
        "KernelConvolutionRunner::Run: the fused epilogue adds a residual");
  }
  KernelEpilogue e = kernel_epilogue_;
  e.residual = needs_residual ? residual : nullptr;
  const DType dtype = desc_.dtype == DataType::kHalf ? DType::kFloat16 : DType::kFloat32;
  Status status = depthwise_ ? DepthwiseConv2D(params_, x, filter_->data(), dtype, e, y, stream)
                             : SmallChannelConv2D(params_, x, filter_->data(), dtype, e, y, stream);
  if (!status.ok()) return status.WithContext("while running " + desc_.ToString());
  return Status::Ok();
}

}  // namespace tftrt::cuda
