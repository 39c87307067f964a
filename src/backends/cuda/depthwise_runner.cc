#include "backends/cuda/depthwise_runner.h"

#include <string>
#include <utility>

#include "backends/cuda/shared_weights.h"

namespace tftrt::cuda {

bool DepthwiseRunner::Handles(const ConvolutionDescription& desc) {
  return desc.kind == ConvolutionKind::kDepthwise && desc.output_channels == desc.input_channels &&
         desc.groups == desc.input_channels &&
         (desc.dtype == DataType::kFloat || desc.dtype == DataType::kHalf);
}

Status DepthwiseRunner::Validate(const ConvolutionDescription& desc, const Tensor& filter,
                                 const std::vector<EpilogueStep>& epilogue) {
  TFTRT_RETURN_IF_ERROR(ConvolutionRunner::Validate(desc, filter, epilogue));
  if (!Handles(desc)) {
    return Status::InvalidArgument(
        "the depthwise kernel takes depthwise convolutions with channel multiplier 1, not " +
        desc.ToString());
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<DepthwiseRunner>> DepthwiseRunner::Create(
    const ConvolutionDescription& desc, const Tensor& filter, std::vector<EpilogueStep> epilogue) {
  TFTRT_RETURN_IF_ERROR(Validate(desc, filter, epilogue));
  std::unique_ptr<DepthwiseRunner> runner(new DepthwiseRunner());
  runner->desc_ = desc;
  runner->epilogue_ = std::move(epilogue);
  const std::vector<EpilogueStep>& steps = runner->epilogue_;

  // TF's [R, S, C, 1] filter is the kernel's [R, S, C] as it is.
  TFTRT_ASSIGN_OR_RETURN(runner->filter_, UploadSharedAs(TensorToFloats(filter), desc.dtype));
  DepthwiseEpilogue& e = runner->kernel_epilogue_;
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

  DepthwiseConv2DParams& p = runner->params_;
  p.batch = desc.batch;
  p.in_height = desc.input_rows;
  p.in_width = desc.input_cols;
  p.channels = desc.input_channels;
  p.out_height = desc.output_rows;
  p.out_width = desc.output_cols;
  p.filter_height = desc.kernel_rows;
  p.filter_width = desc.kernel_cols;
  p.stride_height = desc.stride_rows;
  p.stride_width = desc.stride_cols;
  p.dilation_height = desc.dilation_rows;
  p.dilation_width = desc.dilation_cols;
  p.pad_top = desc.pad_top;
  p.pad_left = desc.pad_left;
  return runner;
}

Status DepthwiseRunner::Run(cudaStream_t stream, const void* x, void* y,
                            const void* residual) const {
  if (x == nullptr || y == nullptr) {
    return Status::InvalidArgument("DepthwiseRunner::Run: x and y must not be null");
  }
  const bool needs_residual = PrefixHasResidual(epilogue_, fused_steps());
  if (needs_residual && residual == nullptr) {
    return Status::InvalidArgument("DepthwiseRunner::Run: the fused epilogue adds a residual");
  }
  DepthwiseEpilogue e = kernel_epilogue_;
  e.residual = needs_residual ? residual : nullptr;
  const DType dtype = desc_.dtype == DataType::kHalf ? DType::kFloat16 : DType::kFloat32;
  Status status = DepthwiseConv2D(params_, x, filter_->data(), dtype, e, y, stream);
  if (!status.ok()) return status.WithContext("while running " + desc_.ToString());
  return Status::Ok();
}

}  // namespace tftrt::cuda
