#include "backends/cuda/pointwise_convolution_runner.h"

#include <utility>

#include "backends/cuda/shared_weights.h"

namespace tftrt::cuda {

BiasClampMatMulShape PointwiseConvolutionRunner::MatMulShape(const ConvolutionDescription& desc) {
  return {.m = desc.batch * desc.input_rows * desc.input_cols,
          .n = desc.output_channels,
          .k = desc.input_channels};
}

bool PointwiseConvolutionRunner::Handles(const ConvolutionDescription& d, int config) {
  return d.kind == ConvolutionKind::kConv2D && d.groups == 1 && d.dtype == DataType::kHalf &&
         d.kernel_rows == 1 && d.kernel_cols == 1 && d.stride_rows == 1 && d.stride_cols == 1 &&
         d.dilation_rows == 1 && d.dilation_cols == 1 && d.pad_top == 0 && d.pad_bottom == 0 &&
         d.pad_left == 0 && d.pad_right == 0 && d.output_rows == d.input_rows &&
         d.output_cols == d.input_cols && BiasClampMatMulSupports(config, MatMulShape(d));
}

StatusOr<std::unique_ptr<PointwiseConvolutionRunner>> PointwiseConvolutionRunner::Create(
    const ConvolutionDescription& desc, const Tensor& filter, std::vector<EpilogueStep> epilogue,
    int config) {
  TFTRT_RETURN_IF_ERROR(ConvolutionRunner::Validate(desc, filter, epilogue));
  if (!Handles(desc, config)) {
    return Status::InvalidArgument("CUTLASS's bias-clamp matmul " +
                                   BiasClampMatMulConfigName(config) +
                                   " does not take the 1x1 convolution " + desc.ToString());
  }
  std::unique_ptr<PointwiseConvolutionRunner> runner(new PointwiseConvolutionRunner());
  runner->desc_ = desc;
  runner->config_ = config;
  // TF's [1, 1, C, K] is [C, K] row-major: the GEMM's B.
  TFTRT_ASSIGN_OR_RETURN(runner->filter_, UploadSharedAs(TensorToFloats(filter), DataType::kHalf));
  TFTRT_ASSIGN_OR_RETURN(runner->epilogue_, DeviceBiasClamp::Upload(epilogue));
  return runner;
}

Status PointwiseConvolutionRunner::Run(cudaStream_t stream, const void* x, void* y,
                                       void* /*workspace*/) const {
  if (x == nullptr || y == nullptr) {
    return Status::InvalidArgument("PointwiseConvolutionRunner::Run: x and y must not be null");
  }
  Status status =
      BiasClampMatMul(config_, MatMulShape(desc_), x, filter_->data(), epilogue_.clamp, y, stream);
  if (!status.ok()) return status.WithContext("while running " + desc_.ToString());
  return Status::Ok();
}

}  // namespace tftrt::cuda
