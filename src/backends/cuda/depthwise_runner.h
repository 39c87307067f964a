// DepthwiseRunner: TF's DepthwiseConv2dNative with channel multiplier 1 (MobileNet's and
// EfficientNet's depthwise layers) on tftrt's own kernel (kernels/depthwise.h) instead of cuDNN,
// whose grouped convolutions with groups = C run far below memory bandwidth. Every epilogue
// step of epilogue.h is fused; multipliers above 1 stay on ConvolutionRunner.
//
// The description is ConvolutionRunner's (kind kDepthwise, output_channels == input_channels);
// the filter is TF's [R, S, C, 1] on the host, float32 or float16, converted once at creation
// to the I/O dtype in device memory the runner owns. Bias / scale values are kept as float32
// on the device, rounded first to the I/O dtype (as ConvolutionRunner uploads them).
// allow_tf32 is ignored: fp32 convolutions compute in fp32.
//
// Thread safety: immutable after Create; Run may be called from several threads at once.
#ifndef TFTRT_BACKENDS_CUDA_DEPTHWISE_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_DEPTHWISE_RUNNER_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <vector>

#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/epilogue.h"
#include "backends/cuda/kernels/depthwise.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

class DepthwiseRunner {
 public:
  // Whether this runner takes `desc`: a depthwise convolution with channel multiplier 1.
  static bool Handles(const ConvolutionDescription& desc);

  // ConvolutionRunner::Validate, and Handles(desc); no GPU call.
  static Status Validate(const ConvolutionDescription& desc, const Tensor& filter,
                         const std::vector<EpilogueStep>& epilogue);

  // Uploads the filter and the bias / scale vectors (on the current device). Errors:
  // InvalidArgument (Validate), ResourceExhausted, Internal.
  static StatusOr<std::unique_ptr<DepthwiseRunner>> Create(const ConvolutionDescription& desc,
                                                           const Tensor& filter,
                                                           std::vector<EpilogueStep> epilogue);

  DepthwiseRunner(const DepthwiseRunner&) = delete;
  DepthwiseRunner& operator=(const DepthwiseRunner&) = delete;

  const ConvolutionDescription& description() const { return desc_; }
  // All of the epilogue: the caller has no steps left to apply.
  int fused_steps() const { return static_cast<int>(epilogue_.size()); }
  const std::vector<EpilogueStep>& epilogue() const { return epilogue_; }

  // Enqueues y = epilogue(depthwise_conv(x, filter)) on `stream`, without synchronizing or
  // allocating. x, y: device tensors of the description's shapes and dtype; residual: one of
  // y's shape and dtype, required iff the epilogue has a kResidualAdd (else ignored). y must
  // not overlap x or the residual.
  Status Run(cudaStream_t stream, const void* x, void* y, const void* residual) const;

 private:
  DepthwiseRunner() = default;

  ConvolutionDescription desc_;
  std::vector<EpilogueStep> epilogue_;
  std::shared_ptr<const DeviceWeights> filter_;  // shared across engines (shared_weights.h)
  std::vector<DeviceWeights> channel_vectors_;   // per epilogue step (empty for the others)
  DepthwiseConv2DParams params_;
  DepthwiseEpilogue kernel_epilogue_;  // all but the residual pointer, which Run fills in
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_DEPTHWISE_RUNNER_H_
