#include "backends/cuda/channel_padding.h"

#include <cstring>

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

ChannelPaddedConvolution::ChannelPaddedConvolution(std::unique_ptr<ConvolutionRunner> runner,
                                                   int64_t input_channels, size_t padded_bytes)
    : runner_(std::move(runner)),
      input_channels_(input_channels),
      padded_offset_(AlignUp(padded_bytes)) {}

StatusOr<std::unique_ptr<ChannelPaddedConvolution>> ChannelPaddedConvolution::Create(
    const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<ConvolutionRunner> plain,
                         ConvolutionRunner::Create(handles, desc, filter, epilogue, tactics));
  std::unique_ptr<ChannelPaddedConvolution> candidates[2];
  candidates[0].reset(new ChannelPaddedConvolution(std::move(plain), desc.input_channels, 0));
  const int64_t channels = TensorCoreInputChannels(desc, tactics.max_workspace_bytes);
  if (channels == desc.input_channels || !tactics.timed()) return std::move(candidates[0]);

  StatusOr<std::unique_ptr<ChannelPaddedConvolution>> padded =
      Padded(handles, desc, filter, epilogue, tactics, channels);
  // The padded form is only a candidate: where cuDNN builds none, the plain one stays.
  if (!padded.ok()) return std::move(candidates[0]);
  candidates[1] = std::move(*padded);

  auto setup = [&]() -> StatusOr<CandidateLaunch> {
    const size_t element = DTypeSize(DeviceType(desc));
    const size_t y_bytes = Elements(desc, /*input=*/false) * element;
    const size_t workspace =
        std::max(candidates[0]->workspace_bytes(), candidates[1]->workspace_bytes());
    TFTRT_ASSIGN_OR_RETURN(
        auto scratch,
        TimingOperands<4>({Elements(desc, /*input=*/true) * element, y_bytes, y_bytes, workspace},
                          "channel padding timing operands"));
    return CandidateLaunch([&candidates, scratch, &handles](int index, cudaStream_t stream) {
      auto& [x, y, residual, workspace] = *scratch;
      return candidates[index]->Run(handles, stream, x.data(), y.data(), residual.data(),
                                    workspace.data());
    });
  };
  const std::string signature =
      "input channels of " + desc.ToString() + " epilogue " + EpilogueToString(epilogue);
  const std::vector<std::string> names = {"C=" + std::to_string(desc.input_channels),
                                          "C=" + std::to_string(channels) + " (zero-padded)"};
  TFTRT_ASSIGN_OR_RETURN(const int chosen, ChooseCandidate(tactics, signature, names, setup));
  return std::move(candidates[chosen]);
}

StatusOr<std::unique_ptr<ChannelPaddedConvolution>> ChannelPaddedConvolution::Padded(
    const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
    const std::vector<EpilogueStep>& epilogue, const TacticOptions& tactics, int64_t channels) {
  if (channels <= desc.input_channels) {
    return Status::InvalidArgument("ChannelPaddedConvolution::Padded: " + std::to_string(channels) +
                                   " channels do not pad " + std::to_string(desc.input_channels));
  }
  ConvolutionDescription padded_desc = desc;
  padded_desc.input_channels = channels;
  const size_t padded_bytes = static_cast<size_t>(PaddedInputBytes(desc, channels));
  TacticOptions padded_tactics = tactics;
  padded_tactics.max_workspace_bytes -= static_cast<int64_t>(AlignUp(padded_bytes));
  TFTRT_ASSIGN_OR_RETURN(Tensor padded_filter, PadFilterInputChannels(filter, channels));
  TFTRT_ASSIGN_OR_RETURN(
      std::unique_ptr<ConvolutionRunner> runner,
      ConvolutionRunner::Create(handles, padded_desc, padded_filter, epilogue, padded_tactics));
  return std::unique_ptr<ChannelPaddedConvolution>(
      new ChannelPaddedConvolution(std::move(runner), desc.input_channels, padded_bytes));
}

Status ChannelPaddedConvolution::Run(const DnnHandles& handles, cudaStream_t stream, const void* x,
                                     void* y, const void* residual, void* workspace) const {
  char* scratch = static_cast<char*>(workspace);
  if (padded()) {
    if (x == nullptr || scratch == nullptr) {
      return Status::InvalidArgument(
          "ChannelPaddedConvolution::Run: x and the workspace "
          "must not be null");
    }
    const ConvolutionDescription& d = runner_->description();
    const Dims shape = Dims::From({d.batch, d.input_rows, d.input_cols, input_channels_});
    TFTRT_RETURN_IF_ERROR(Pad(x, shape, {0, 0, 0, 0}, {0, 0, 0, d.input_channels - input_channels_},
                              PadMode::kConstant, 0.0, DeviceType(d), scratch, stream));
    x = scratch;
  }
  return runner_->Run(handles, stream, x, y, residual,
                      runner_->workspace_bytes() > 0 ? scratch + padded_offset_ : nullptr);
}

}  // namespace tftrt::cuda
