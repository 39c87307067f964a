// Input channels padded for tensor cores, where that pays, as TensorRT pads them: cuDNN's
// tensor-core convolutions need the input channels a multiple of 8 (half) or 4 (float with
// TF32); with fewer (an image's 3) it falls back to other kernels, which are sometimes much
// slower (MobileNetV2's first layer, 3x3 from 3 to 32 channels, took 2.2 ms of the network's
// 4.6 at batch 128 on an H100) and sometimes faster than the padded convolution (ResNet50's
// 7x7 first layer: 0.75 ms as it is, 1.18 ms padded). A padded convolution runs on a filter
// with zero input channels appended (at build) and on its input zero-padded into the start
// of its workspace on each run; zero channels add zero products, so the result is the same.
//
// A stride-2 convolution of few channels has a third form, space-to-depth (MLPerf's
// ResNet50 stem): each 2x2 block of the zero-padded input becomes one pixel of 4C channels
// (padded to the tensor cores' multiple), and the convolution runs at stride 1, unpadded,
// with a ceil(R/2) x ceil(S/2) window on a filter rearranged the same way (zero where the
// window's taps run past R or S). ResNet50's 7x7 first layer becomes a 4x4 window on 16
// channels: a tensor-core GEMM of depth 256 instead of a 147-deep one on no tensor cores.
//
// Every form that applies is built and timed, its input pass included, and the fastest
// kept (the timing cache remembers); without timing the convolution keeps its channels.
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

// Whether `d` has a space-to-depth form: an ungrouped forward Conv2D of at most 4 input
// channels with strides 2 x 2, dilation 1, a window larger than 1 x 1, a dtype that runs on
// tensor cores, and a rearranged input that fits in half of `max_workspace_bytes`.
bool SpaceToDepthApplies(const ConvolutionDescription& d, int64_t max_workspace_bytes);

// The stride-1 convolution that the space-to-depth form of `d` runs: input
// [N, P + ceil(R/2) - 1, Q + ceil(S/2) - 1, 4C rounded up to the tensor cores' multiple],
// window ceil(R/2) x ceil(S/2), no pads; output, dtype and TF32 as d's.
ConvolutionDescription SpaceToDepthDescription(const ConvolutionDescription& d);

// `filter` [R, S, C, K] for the space-to-depth form, with `channels` (>= 4C) input channels:
// [ceil(R/2), ceil(S/2), channels, K], element [a, b, (2i + j) C + c, k] = filter[2a + i,
// 2b + j, c, k], zero past R, S and 4C. InvalidArgument unless filter is rank 4 with
// 4C <= channels.
StatusOr<Tensor> SpaceToDepthFilter(const Tensor& filter, int64_t channels);

// A convolution on cuDNN in the fastest of its input forms: as it is, on zero-padded
// channels, or space-to-depth.
class ChannelPaddedConvolution {
 public:
  enum class InputForm { kAsIs, kPaddedChannels, kSpaceToDepth };

  // ConvolutionRunner::Create for `desc`, and, where timing is on, for its padded form
  // (where TensorCoreInputChannels pads) and its space-to-depth form (where that applies);
  // keeps the fastest. Errors as Create's.
  static StatusOr<std::unique_ptr<ChannelPaddedConvolution>> Create(
      const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics);

  // The convolution on `channels` (> desc's) input channels, whether or not that pays.
  static StatusOr<std::unique_ptr<ChannelPaddedConvolution>> Padded(
      const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics, int64_t channels);

  // The space-to-depth form, whether or not that pays. InvalidArgument where
  // SpaceToDepthApplies is false (for tactics.max_workspace_bytes).
  static StatusOr<std::unique_ptr<ChannelPaddedConvolution>> SpaceToDepth(
      const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics);

  const ConvolutionRunner& runner() const { return *runner_; }
  InputForm form() const { return form_; }
  // The input channels the runner convolves: the description's, or more when padded or
  // space-to-depth.
  int64_t channels() const { return runner_->description().input_channels; }
  bool padded() const { return form_ == InputForm::kPaddedChannels; }
  size_t workspace_bytes() const {
    return input_bytes_ + static_cast<size_t>(runner_->workspace_bytes());
  }

  // ConvolutionRunner::Run on x of the original description: rewrites x into the start of
  // the workspace first unless the form is kAsIs. workspace: workspace_bytes() of device
  // memory.
  Status Run(const DnnHandles& handles, cudaStream_t stream, const void* x, void* y,
             const void* residual, void* workspace) const;

 private:
  ChannelPaddedConvolution(std::unique_ptr<ConvolutionRunner> runner,
                           const ConvolutionDescription& original, InputForm form);
  // A runner for `rewritten` (desc with its input in `form`) on `filter`, the rewritten
  // input taking the start of the workspace bound.
  static StatusOr<std::unique_ptr<ChannelPaddedConvolution>> RewrittenInput(
      const DnnHandles& handles, const ConvolutionDescription& desc,
      const ConvolutionDescription& rewritten, const Tensor& filter,
      const std::vector<EpilogueStep>& epilogue, TacticOptions tactics, InputForm form);

  std::unique_ptr<ConvolutionRunner> runner_;
  ConvolutionDescription original_;  // x's geometry
  InputForm form_;
  size_t input_bytes_;  // the rewritten input's, aligned: where the runner's workspace starts
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CHANNEL_PADDING_H_
