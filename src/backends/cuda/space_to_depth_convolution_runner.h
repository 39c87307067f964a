// SpaceToDepthConvolutionRunner: an fp16 stride-2 convolution of few input channels in its
// space-to-depth form (channel_padding.h: each 2x2 block of the padded input one pixel of 4C
// channels, the window halved, stride 1) on CUTLASS's bias-clamp convolution
// (cutlass/bias_clamp_conv.h), one tile configuration per runner: engines time each beside
// cuDNN's forms and tftrt's small-channel kernel (dnn_layers.cc). Each run rearranges the
// input into the workspace (SpaceToDepth2x2) first; the rearranged filter is made once, at
// creation, as [K, R', S', C'] float16 in device memory shared with other engines. Fuses what
// a BiasClamp expresses (bias_clamp.h); the caller applies the steps after those.
//
// Thread safety: immutable after Create; Run may be called from several threads at once.
#ifndef TFTRT_BACKENDS_CUDA_SPACE_TO_DEPTH_CONVOLUTION_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_SPACE_TO_DEPTH_CONVOLUTION_RUNNER_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/bias_clamp.h"
#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/epilogue.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

class SpaceToDepthConvolutionRunner {
 public:
  // Whether configuration `config` (0 <= config < BiasClampConvConfigs()) takes `desc`: an
  // fp16 convolution whose space-to-depth form applies within `max_workspace_bytes`
  // (SpaceToDepthApplies) and which BiasClampConvSupports. None in a build without CUTLASS.
  static bool Handles(const ConvolutionDescription& desc, int config, int64_t max_workspace_bytes);

  // Rearranges and uploads the filter, and the bias where one is fused (on the current
  // device). Errors: InvalidArgument (ConvolutionRunner::Validate, or a description that
  // `config` does not take), ResourceExhausted, Internal.
  static StatusOr<std::unique_ptr<SpaceToDepthConvolutionRunner>> Create(
      const ConvolutionDescription& desc, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, int config);

  SpaceToDepthConvolutionRunner(const SpaceToDepthConvolutionRunner&) = delete;
  SpaceToDepthConvolutionRunner& operator=(const SpaceToDepthConvolutionRunner&) = delete;

  // How many leading epilogue steps Run applies (BiasClampSteps of the epilogue).
  int fused_steps() const { return epilogue_.steps; }
  // "space-to-depth, cutlass sm80 conv 128x64x32", for logs and the timing cache.
  std::string name() const;
  // The rearranged input's bytes: the workspace Run needs.
  size_t workspace_bytes() const { return workspace_bytes_; }

  // Enqueues y = epilogue[0, fused_steps())(conv(x, filter)) on `stream`, without
  // synchronizing or allocating. x, y: device tensors of the description's shapes;
  // workspace: workspace_bytes() of device memory. Pointers 16-byte aligned.
  Status Run(cudaStream_t stream, const void* x, void* y, void* workspace) const;

 private:
  SpaceToDepthConvolutionRunner() = default;

  ConvolutionDescription desc_;  // the stride-2 convolution
  ConvolutionDescription s2d_;   // its space-to-depth form
  int config_ = 0;
  size_t workspace_bytes_ = 0;
  std::shared_ptr<const DeviceWeights> filter_;  // [K, R', S', C'] half, shared across engines
  DeviceBiasClamp epilogue_;                     // the fused steps, the bias on the device
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_SPACE_TO_DEPTH_CONVOLUTION_RUNNER_H_
