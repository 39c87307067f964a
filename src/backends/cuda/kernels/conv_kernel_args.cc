#include "backends/cuda/kernels/conv_kernel_args.h"

#include <string>

namespace tftrt::cuda {

Status ValidateConvKernelArgs(const Conv2DKernelParams& p, DType dtype, const KernelEpilogue& e,
                              const char* kernel) {
  const std::string prefix = std::string(kernel) + ": ";
  if (p.filter_height <= 0 || p.filter_width <= 0 || p.stride_height <= 0 || p.stride_width <= 0 ||
      p.dilation_height <= 0 || p.dilation_width <= 0) {
    return Status::InvalidArgument(prefix + "filter sizes, strides and dilations must be positive");
  }
  if (p.batch < 0 || p.in_height < 0 || p.in_width < 0 || p.channels < 0 || p.out_height < 0 ||
      p.out_width < 0 || p.out_channels < 0 || p.pad_top < 0 || p.pad_left < 0) {
    return Status::InvalidArgument(prefix + "negative size or padding");
  }
  if (p.column_tile != 0 && p.column_tile != 2 && p.column_tile != 4) {
    return Status::InvalidArgument(prefix + "column tile " + std::to_string(p.column_tile) +
                                   ": 0 (the default), 2 or 4");
  }
  if (dtype != DType::kFloat32 && dtype != DType::kFloat16) {
    return Status::InvalidArgument(prefix + "unsupported dtype " + DTypeName(dtype));
  }
  if (e.num_steps < 0 || e.num_steps > kMaxEpilogueSteps) {
    return Status::InvalidArgument(prefix + std::to_string(e.num_steps) +
                                   " epilogue steps, at most " + std::to_string(kMaxEpilogueSteps));
  }
  for (int i = 0; i < e.num_steps; ++i) {
    const EpilogueOp op = e.ops[i];
    if ((op == EpilogueOp::kBiasAdd || op == EpilogueOp::kChannelScale) &&
        e.vectors[i] == nullptr) {
      return Status::InvalidArgument(prefix + "epilogue step " + std::to_string(i) + " (" +
                                     std::string(EpilogueOpName(op)) + ") has no values");
    }
    if (op == EpilogueOp::kResidualAdd && e.residual == nullptr) {
      return Status::InvalidArgument(prefix + "epilogue step " + std::to_string(i) +
                                     " adds a residual, but there is none");
    }
  }
  return Status::Ok();
}

}  // namespace tftrt::cuda
