#include "backends/cuda/space_to_depth_convolution_runner.h"

#include <utility>

#include "backends/cuda/channel_padding.h"
#include "backends/cuda/cutlass/bias_clamp_conv.h"
#include "backends/cuda/kernel_convolution_runner.h"
#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/shared_weights.h"

namespace tftrt::cuda {
namespace {

// A float [R, S, C, K] filter as [K, R, S, C] floats (CUTLASS's KRSC).
std::vector<float> KrscFilter(const Tensor& rsck) {
  const int64_t taps = rsck.dim(0) * rsck.dim(1), c_count = rsck.dim(2), k_count = rsck.dim(3);
  const float* from = rsck.flat<float>();
  std::vector<float> krsc(rsck.NumElements());
  for (int64_t k = 0; k < k_count; ++k) {
    for (int64_t tap = 0; tap < taps; ++tap) {
      for (int64_t c = 0; c < c_count; ++c) {
        krsc[(k * taps + tap) * c_count + c] = from[(tap * c_count + c) * k_count + k];
      }
    }
  }
  return krsc;
}

}  // namespace

bool SpaceToDepthConvolutionRunner::Handles(const ConvolutionDescription& desc, int config,
                                            int64_t max_workspace_bytes) {
  return desc.dtype == DataType::kHalf && SpaceToDepthApplies(desc, max_workspace_bytes) &&
         BiasClampConvSupports(
             config, KernelConvolutionRunner::KernelParams(SpaceToDepthDescription(desc)));
}

std::string SpaceToDepthConvolutionRunner::name() const {
  return "space-to-depth, " + BiasClampConvConfigName(config_);
}

StatusOr<std::unique_ptr<SpaceToDepthConvolutionRunner>> SpaceToDepthConvolutionRunner::Create(
    const ConvolutionDescription& desc, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, int config) {
  TFTRT_RETURN_IF_ERROR(ConvolutionRunner::Validate(desc, filter, epilogue));
  if (!Handles(desc, config, TacticOptions().max_workspace_bytes)) {
    return Status::InvalidArgument("CUTLASS's space-to-depth convolution " +
                                   BiasClampConvConfigName(config) + " does not take " +
                                   desc.ToString());
  }
  std::unique_ptr<SpaceToDepthConvolutionRunner> runner(new SpaceToDepthConvolutionRunner());
  runner->desc_ = desc;
  runner->s2d_ = SpaceToDepthDescription(desc);
  runner->config_ = config;
  runner->workspace_bytes_ =
      static_cast<size_t>(PaddedInputBytes(runner->s2d_, runner->s2d_.input_channels));
  TFTRT_ASSIGN_OR_RETURN(Tensor s2d_filter,
                         SpaceToDepthFilter(filter, runner->s2d_.input_channels));
  TFTRT_ASSIGN_OR_RETURN(runner->filter_, UploadSharedAs(KrscFilter(s2d_filter), DataType::kHalf));
  TFTRT_ASSIGN_OR_RETURN(runner->epilogue_, DeviceBiasClamp::Upload(epilogue));
  return runner;
}

Status SpaceToDepthConvolutionRunner::Run(cudaStream_t stream, const void* x, void* y,
                                          void* workspace) const {
  if (x == nullptr || y == nullptr || workspace == nullptr) {
    return Status::InvalidArgument(
        "SpaceToDepthConvolutionRunner::Run: x, y and the workspace must not be null");
  }
  const ConvolutionDescription& d = desc_;
  TFTRT_RETURN_IF_ERROR(SpaceToDepth2x2(
      x, Dims::From({d.batch, d.input_rows, d.input_cols, d.input_channels}), d.pad_top, d.pad_left,
      s2d_.input_rows, s2d_.input_cols, s2d_.input_channels, DType::kFloat16, workspace, stream));
  Status status = BiasClampConv(config_, KernelConvolutionRunner::KernelParams(s2d_), workspace,
                                filter_->data(), epilogue_.clamp, y, stream);
  if (!status.ok()) return status.WithContext("while running " + d.ToString());
  return Status::Ok();
}

}  // namespace tftrt::cuda
