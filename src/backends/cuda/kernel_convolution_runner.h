// KernelConvolutionRunner: a convolution on one of tftrt's own kernels instead of cuDNN:
//   - depthwise (kernels/depthwise.h): TF's DepthwiseConv2dNative with channel multiplier 1
//     (MobileNet's and EfficientNet's depthwise layers), whose grouped convolutions with
//     groups = C run far below memory bandwidth on cuDNN; always preferred to cuDNN;
//   - small channels (kernels/small_channel_conv.h): Conv2D with at most 4 input channels
//     (the first layer of most vision models), where cuDNN has no tensor-core kernel; timed
//     against cuDNN (dnn_layers.cc), as it is not always faster.
// Every epilogue step of epilogue.h is fused.
//
// The description is ConvolutionRunner's; the filter is TF's on the host ([R, S, C, 1] or
// [R, S, C, K]), float32 or float16, converted once at creation to the I/O dtype in device
// memory shared with other engines. Bias / scale values are kept as float32 on the device,
// rounded first to the I/O dtype (as ConvolutionRunner uploads them). allow_tf32 is ignored:
// fp32 convolutions compute in fp32.
//
// Thread safety: immutable after Create; Run may be called from several threads at once.
#ifndef TFTRT_BACKENDS_CUDA_KERNEL_CONVOLUTION_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_KERNEL_CONVOLUTION_RUNNER_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <vector>

#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/epilogue.h"
#include "backends/cuda/kernels/conv_kernel_args.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

class KernelConvolutionRunner {
 public:
  // Whether the depthwise kernel takes `desc`: a depthwise convolution with channel
  // multiplier 1.
  static bool HandlesDepthwise(const ConvolutionDescription& desc);
  // Whether the small-channel kernel takes `desc`: an ungrouped Conv2D that
  // SmallChannelConv2DSupports.
  static bool HandlesSmallChannels(const ConvolutionDescription& desc);
  static bool Handles(const ConvolutionDescription& desc) {
    return HandlesDepthwise(desc) || HandlesSmallChannels(desc);
  }

  // Whether the kernel that takes `desc` tiles output columns (so that Create's column_tile
  // matters): 3x3 windows (and 7x7 for the small-channel kernel) at unit stride and dilation
  // along W for the depthwise kernel.
  static bool TilesColumns(const ConvolutionDescription& desc);

  // The kernels' geometry (conv_kernel_args.h) of `desc`.
  static Conv2DKernelParams KernelParams(const ConvolutionDescription& desc);

  // ConvolutionRunner::Validate, and Handles(desc); no GPU call.
  static Status Validate(const ConvolutionDescription& desc, const Tensor& filter,
                         const std::vector<EpilogueStep>& epilogue);

  // Uploads the filter and the bias / scale vectors (on the current device). column_tile:
  // Conv2DKernelParams' (0: the kernel's default). Errors: InvalidArgument (Validate, or a
  // column tile other than 0, 2 and 4), ResourceExhausted, Internal.
  static StatusOr<std::unique_ptr<KernelConvolutionRunner>> Create(
      const ConvolutionDescription& desc, const Tensor& filter, std::vector<EpilogueStep> epilogue,
      int column_tile = 0);

  KernelConvolutionRunner(const KernelConvolutionRunner&) = delete;
  KernelConvolutionRunner& operator=(const KernelConvolutionRunner&) = delete;

  const ConvolutionDescription& description() const { return desc_; }
  // All of the epilogue: the caller has no steps left to apply.
  int fused_steps() const { return static_cast<int>(epilogue_.size()); }
  const std::vector<EpilogueStep>& epilogue() const { return epilogue_; }

  // Enqueues y = epilogue(conv(x, filter)) on `stream`, without synchronizing or allocating.
  // x, y: device tensors of the description's shapes and dtype; residual: one of y's shape
  // and dtype, required iff the epilogue has a kResidualAdd (else ignored). y must not
  // overlap x or the residual.
  Status Run(cudaStream_t stream, const void* x, void* y, const void* residual) const;

 private:
  KernelConvolutionRunner() = default;

  ConvolutionDescription desc_;
  bool depthwise_ = false;  // which kernel: depthwise, or small channels
  std::vector<EpilogueStep> epilogue_;
  std::shared_ptr<const DeviceWeights> filter_;  // shared across engines (shared_weights.h)
  std::vector<DeviceWeights> channel_vectors_;   // per epilogue step (empty for the others)
  Conv2DKernelParams params_;
  KernelEpilogue kernel_epilogue_;  // all but the residual pointer, which Run fills in
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNEL_CONVOLUTION_RUNNER_H_
