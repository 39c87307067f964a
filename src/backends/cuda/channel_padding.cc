#include "backends/cuda/channel_padding.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cuda/device_weights.h"
#include "backends/cuda/kernels/data_movement.h"

namespace tftrt::cuda {
namespace {

size_t AlignUp(size_t bytes) { return (bytes + 255) / 256 * 256; }

int64_t Elements(const ConvolutionDescription& d, bool input) {
  return input ? d.batch * d.input_rows * d.input_cols * d.input_channels
               : d.batch * d.output_rows * d.output_cols * d.output_channels;
}

DType DeviceType(const ConvolutionDescription& d) {
  return d.dtype == DataType::kHalf ? DType::kFloat16 : DType::kFloat32;
}

}  // namespace

int64_t PaddedInputBytes(const ConvolutionDescription& d, int64_t channels) {
  return d.batch * d.input_rows * d.input_cols * channels * DTypeSize(DeviceType(d));
}

int64_t TensorCoreInputChannels(const ConvolutionDescription& d, int64_t max_workspace_bytes) {
  const bool tensor_cores = d.dtype == DataType::kHalf || d.allow_tf32;
  if (d.kind != ConvolutionKind::kConv2D || d.groups != 1 || !tensor_cores ||
      d.input_channels <= 0) {
    return d.input_channels;
  }
  const int64_t multiple = d.dtype == DataType::kHalf ? 8 : 4;
  const int64_t channels = (d.input_channels + multiple - 1) / multiple * multiple;
  if (channels == d.input_channels || 2 * PaddedInputBytes(d, channels) > max_workspace_bytes) {
    return d.input_channels;
  }
  return channels;
}

StatusOr<Tensor> PadFilterInputChannels(const Tensor& filter, int64_t channels) {
  if (filter.rank() != 4 || filter.dim(2) > channels || !IsPodDataType(filter.dtype())) {
    return Status::InvalidArgument(
        "PadFilterInputChannels: a filter [R, S, C, K] with C <= " + std::to_string(channels) +
        " is needed, got " + ShapeToString(filter.shape()));
  }
  const int64_t taps = filter.dim(0) * filter.dim(1);
  const size_t row_bytes = filter.dim(3) * DataTypeSize(filter.dtype());  // one input channel
  Tensor padded(filter.dtype(), {filter.dim(0), filter.dim(1), channels, filter.dim(3)});
  std::memset(padded.raw_data(), 0, padded.ByteSize());
  const auto* from = static_cast<const uint8_t*>(filter.raw_data());
  auto* to = static_cast<uint8_t*>(padded.raw_data());
  for (int64_t tap = 0; tap < taps; ++tap) {
    std::memcpy(to + tap * channels * row_bytes, from + tap * filter.dim(2) * row_bytes,
                filter.dim(2) * row_bytes);
  }
  return padded;
}

bool SpaceToDepthApplies(const ConvolutionDescription& d, int64_t max_workspace_bytes) {
  const bool tensor_cores = d.dtype == DataType::kHalf || d.allow_tf32;
  if (d.kind != ConvolutionKind::kConv2D || d.groups != 1 || !tensor_cores ||
      d.input_channels < 1 || d.input_channels > 4 || d.stride_rows != 2 || d.stride_cols != 2 ||
      d.dilation_rows != 1 || d.dilation_cols != 1 || d.kernel_rows * d.kernel_cols < 2) {
    return false;
  }
  const ConvolutionDescription s2d = SpaceToDepthDescription(d);
  return 2 * PaddedInputBytes(s2d, s2d.input_channels) <= max_workspace_bytes;
}

ConvolutionDescription SpaceToDepthDescription(const ConvolutionDescription& d) {
  const int64_t multiple = d.dtype == DataType::kHalf ? 8 : 4;
  ConvolutionDescription s2d = d;
  s2d.kernel_rows = (d.kernel_rows + 1) / 2;
  s2d.kernel_cols = (d.kernel_cols + 1) / 2;
  s2d.input_rows = d.output_rows + s2d.kernel_rows - 1;
  s2d.input_cols = d.output_cols + s2d.kernel_cols - 1;
  s2d.input_channels = (4 * d.input_channels + multiple - 1) / multiple * multiple;
  s2d.pad_top = s2d.pad_bottom = s2d.pad_left = s2d.pad_right = 0;
  s2d.stride_rows = s2d.stride_cols = 1;
  return s2d;
}

StatusOr<Tensor> SpaceToDepthFilter(const Tensor& filter, int64_t channels) {
  if (filter.rank() != 4 || 4 * filter.dim(2) > channels) {
    return Status::InvalidArgument(
        "SpaceToDepthFilter: a filter [R, S, C, K] with 4C <= " + std::to_string(channels) +
        " is needed, got " + ShapeToString(filter.shape()));
  }
  const int64_t rows = filter.dim(0), cols = filter.dim(1), c_count = filter.dim(2),
                k_count = filter.dim(3);
  const std::vector<float> from = TensorToFloats(filter);
  Tensor to(DataType::kFloat, {(rows + 1) / 2, (cols + 1) / 2, channels, k_count});
  float* out = to.flat<float>();
  std::fill(out, out + to.NumElements(), 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t s = 0; s < cols; ++s) {
      for (int64_t c = 0; c < c_count; ++c) {
        const int64_t channel = ((r % 2) * 2 + s % 2) * c_count + c;
        const float* tap = &from[((r * cols + s) * c_count + c) * k_count];
        std::copy(tap, tap + k_count,
                  out + (((r / 2) * to.dim(1) + s / 2) * channels + channel) * k_count);
      }
    }
  }
  return to;
}

ChannelPaddedConvolution::ChannelPaddedConvolution(std::unique_ptr<ConvolutionRunner> runner,
                                                   const ConvolutionDescription& original,
                                                   InputForm form)
    : runner_(std::move(runner)),
      original_(original),
      form_(form),
      input_bytes_(form == InputForm::kAsIs
                       ? 0
                       : AlignUp(PaddedInputBytes(runner_->description(),
                                                  runner_->description().input_channels))) {}

StatusOr<std::unique_ptr<ChannelPaddedConvolution>> ChannelPaddedConvolution::Create(
    const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<ConvolutionRunner> plain,
                         ConvolutionRunner::Create(handles, desc, filter, epilogue, tactics));
  std::vector<std::unique_ptr<ChannelPaddedConvolution>> candidates;
  std::vector<std::string> names = {"C=" + std::to_string(desc.input_channels)};
  candidates.emplace_back(new ChannelPaddedConvolution(std::move(plain), desc, InputForm::kAsIs));
  if (!tactics.timed()) return std::move(candidates[0]);

  // The other forms are only candidates: where cuDNN builds none, they are left out.
  const int64_t channels = TensorCoreInputChannels(desc, tactics.max_workspace_bytes);
  if (channels != desc.input_channels) {
    StatusOr<std::unique_ptr<ChannelPaddedConvolution>> padded =
        Padded(handles, desc, filter, epilogue, tactics, channels);
    if (padded.ok()) {
      candidates.push_back(std::move(*padded));
      names.push_back("C=" + std::to_string(channels) + " (zero-padded)");
    }
  }
  if (SpaceToDepthApplies(desc, tactics.max_workspace_bytes)) {
    StatusOr<std::unique_ptr<ChannelPaddedConvolution>> s2d =
        SpaceToDepth(handles, desc, filter, epilogue, tactics);
    if (s2d.ok()) {
      const ConvolutionDescription& d = (*s2d)->runner().description();
      candidates.push_back(std::move(*s2d));
      names.push_back("space-to-depth: C=" + std::to_string(d.input_channels) + ", " +
                      std::to_string(d.kernel_rows) + "x" + std::to_string(d.kernel_cols) +
                      " at stride 1");
    }
  }
  if (candidates.size() == 1) return std::move(candidates[0]);

  auto setup = [&]() -> StatusOr<CandidateLaunch> {
    const size_t element = DTypeSize(DeviceType(desc));
    const size_t y_bytes = Elements(desc, /*input=*/false) * element;
    size_t workspace = 0;
    for (const auto& candidate : candidates) {
      workspace = std::max(workspace, candidate->workspace_bytes());
    }
    TFTRT_ASSIGN_OR_RETURN(
        auto scratch,
        TimingOperands<4>({Elements(desc, /*input=*/true) * element, y_bytes, y_bytes, workspace},
                          "input form timing operands"));
    return CandidateLaunch([&candidates, scratch, &handles](int index, cudaStream_t stream) {
      auto& [x, y, residual, workspace] = *scratch;
      return candidates[index]->Run(handles, stream, x.data(), y.data(), residual.data(),
                                    workspace.data());
    });
  };
  const std::string signature =
      "input channels of " + desc.ToString() + " epilogue " + EpilogueToString(epilogue);
  TFTRT_ASSIGN_OR_RETURN(const int chosen, ChooseCandidate(tactics, signature, names, setup));
  return std::move(candidates[chosen]);
}

StatusOr<std::unique_ptr<ChannelPaddedConvolution>> ChannelPaddedConvolution::RewrittenInput(
    const DnnHandles& handles, const ConvolutionDescription& desc,
    const ConvolutionDescription& rewritten, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, TacticOptions tactics, InputForm form) {
  tactics.max_workspace_bytes -=
      static_cast<int64_t>(AlignUp(PaddedInputBytes(rewritten, rewritten.input_channels)));
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<ConvolutionRunner> runner,
                         ConvolutionRunner::Create(handles, rewritten, filter, epilogue, tactics));
  return std::unique_ptr<ChannelPaddedConvolution>(
      new ChannelPaddedConvolution(std::move(runner), desc, form));
}

StatusOr<std::unique_ptr<ChannelPaddedConvolution>> ChannelPaddedConvolution::Padded(
    const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics, int64_t channels) {
  if (channels <= desc.input_channels) {
    return Status::InvalidArgument("ChannelPaddedConvolution::Padded: " + std::to_string(channels) +
                                   " channels do not pad " + std::to_string(desc.input_channels));
  }
  ConvolutionDescription padded = desc;
  padded.input_channels = channels;
  TFTRT_ASSIGN_OR_RETURN(Tensor padded_filter, PadFilterInputChannels(filter, channels));
  return RewrittenInput(handles, desc, padded, padded_filter, epilogue, tactics,
                        InputForm::kPaddedChannels);
}

StatusOr<std::unique_ptr<ChannelPaddedConvolution>> ChannelPaddedConvolution::SpaceToDepth(
    const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics) {
  if (!SpaceToDepthApplies(desc, tactics.max_workspace_bytes)) {
    return Status::InvalidArgument("ChannelPaddedConvolution::SpaceToDepth: no such form for " +
                                   desc.ToString());
  }
  const ConvolutionDescription s2d = SpaceToDepthDescription(desc);
  TFTRT_ASSIGN_OR_RETURN(Tensor s2d_filter, SpaceToDepthFilter(filter, s2d.input_channels));
  return RewrittenInput(handles, desc, s2d, s2d_filter, epilogue, tactics,
                        InputForm::kSpaceToDepth);
}

Status ChannelPaddedConvolution::Run(const DnnHandles& handles, cudaStream_t stream, const void* x,
                                     void* y, const void* residual, void* workspace) const {
  char* scratch = static_cast<char*>(workspace);
  if (form_ != InputForm::kAsIs) {
    if (x == nullptr || scratch == nullptr) {
      return Status::InvalidArgument(
          "ChannelPaddedConvolution::Run: x and the workspace must not be null");
    }
    const ConvolutionDescription& d = runner_->description();
    const ConvolutionDescription& o = original_;
    TFTRT_RETURN_IF_ERROR(
        form_ == InputForm::kPaddedChannels
            ? PadChannels(x, o.batch * o.input_rows * o.input_cols, o.input_channels,
                          d.input_channels, DeviceType(d), scratch, stream)
            : SpaceToDepth2x2(x,
                              Dims::From({o.batch, o.input_rows, o.input_cols, o.input_channels}),
                              o.pad_top, o.pad_left, d.input_rows, d.input_cols, d.input_channels,
                              DeviceType(d), scratch, stream));
    x = scratch;
  }
  return runner_->Run(handles, stream, x, y, residual,
                      runner_->workspace_bytes() > 0 ? scratch + input_bytes_ : nullptr);
}

}  // namespace tftrt::cuda
