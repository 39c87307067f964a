// Input channels padded for tensor cores, where that pays, as TensorRT pads them: cuDNN's
// tensor-core convolutions need the input channels a multiple of 8 (half) or 4 (float with
// TF32); with fewer (an image's 3) it falls back to other kernels, which are sometimes much
// slower (MobileNetV2's first layer, 3x3 from 3 to 32 channels, took 2.2 ms of the network's
// 4.6 at batch 128 on an H100) and sometimes faster than the padded convolution (ResNet50's
// 7x7 first layer: 0.75 ms as it is, 1.18 ms padded). So both are built and timed, the pass
// that pads the input included, and the faster kept (the timing cache remembers); without
// timing the convolution keeps its channels. A padded convolution runs on a filter with
// zero input channels appended (at build) and on its input zero-padded into the start of
// its workspace on each run; zero channels add zero products, so the result is the same.
#ifndef TFTRT_BACKENDS_CUDA_CHANNEL_PADDING_H_
#define TFTRT_BACKENDS_CUDA_CHANNEL_PADDING_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/tactics.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

// The input channels a padded `d` would run on: C rounded up to the tensor cores' multiple
// for an ungrouped forward convolution whose C is not one already and whose padded input
// fits in half of `max_workspace_bytes`; otherwise C itself (no padding to try).
int64_t TensorCoreInputChannels(const ConvolutionDescription& d, int64_t max_workspace_bytes);

// The bytes of `d`'s input with `channels` channels.
int64_t PaddedInputBytes(const ConvolutionDescription& d, int64_t channels);

// `filter` [R, S, C, K] (Conv2D's HWIO) with zero input channels appended up to `channels`.
// InvalidArgument unless filter is rank 4 with C <= channels.
StatusOr<Tensor> PadFilterInputChannels(const Tensor& filter, int64_t channels);

// A convolution on cuDNN, on its own channels or on padded ones (the faster).
class ChannelPaddedConvolution {
 public:
  // ConvolutionRunner::Create for `desc`, and for its padded form where
  // TensorCoreInputChannels pads and timing is on; keeps the faster. Errors as Create's.
  static StatusOr<std::unique_ptr<ChannelPaddedConvolution>> Create(
      const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics);

  // The convolution on `channels` (> desc's) input channels, whether or not that pays.
  static StatusOr<std::unique_ptr<ChannelPaddedConvolution>> Padded(
      const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics, int64_t channels);

  const ConvolutionRunner& runner() const { return *runner_; }
  // The input channels the runner convolves: the description's, or more when padded.
  int64_t channels() const { return runner_->description().input_channels; }
  bool padded() const { return padded_offset_ > 0; }
  size_t workspace_bytes() const {
    return padded_offset_ + static_cast<size_t>(runner_->workspace_bytes());
  }

  // ConvolutionRunner::Run on x of the original channels: pads x into the workspace first
  // when padded. workspace: workspace_bytes() of device memory.
  Status Run(const DnnHandles& handles, cudaStream_t stream, const void* x, void* y,
             const void* residual, void* workspace) const;

 private:
  ChannelPaddedConvolution(std::unique_ptr<ConvolutionRunner> runner, int64_t input_channels,
                           size_t padded_bytes);

  std::unique_ptr<ConvolutionRunner> runner_;
  int64_t input_channels_;  // x's channels
  size_t padded_offset_;    // where the runner's own workspace starts (0: not padded)
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CHANNEL_PADDING_H_
