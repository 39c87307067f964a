#include "kernels/cpu/window.h"

#include <algorithm>
#include <string>

namespace tftrt {

StatusOr<Padding> ParsePadding(std::string_view name) {
  if (name == "VALID") return Padding::kValid;
  if (name == "SAME") return Padding::kSame;
  if (name == "EXPLICIT") return Padding::kExplicit;
  return Status::InvalidArgument("unknown padding '" + std::string(name) +
                                 "' (expected VALID, SAME or EXPLICIT)");
}

StatusOr<WindowedSize> ComputeWindowedSize(int64_t input, int64_t filter, int64_t dilation,
                                           int64_t stride, Padding padding, int64_t explicit_before,
                                           int64_t explicit_after) {
  if (stride <= 0) {
    return Status::InvalidArgument("stride must be > 0, got " + std::to_string(stride));
  }
  if (dilation < 1) {
    return Status::InvalidArgument("dilation rate must be >= 1, got " + std::to_string(dilation));
  }
  const int64_t effective_filter = (filter - 1) * dilation + 1;
  WindowedSize size;
  switch (padding) {
    case Padding::kValid:
      size.output = (input - effective_filter + stride) / stride;
      break;
    case Padding::kSame: {
      size.output = (input + stride - 1) / stride;
      const int64_t needed =
          std::max<int64_t>(0, (size.output - 1) * stride + effective_filter - input);
      size.pad_before = needed / 2;
      size.pad_after = needed - size.pad_before;
      break;
    }
    case Padding::kExplicit:
      if (explicit_before < 0 || explicit_after < 0) {
        return Status::InvalidArgument("explicit paddings must be >= 0, got " +
                                       std::to_string(explicit_before) + " and " +
                                       std::to_string(explicit_after));
      }
      size.pad_before = explicit_before;
      size.pad_after = explicit_after;
      size.output = (input + explicit_before + explicit_after - effective_filter + stride) / stride;
      break;
  }
  if (size.output < 0) {
    return Status::InvalidArgument("window of size " + std::to_string(filter) + " (dilation " +
                                   std::to_string(dilation) + ", stride " + std::to_string(stride) +
                                   ") does not fit an input of size " + std::to_string(input) +
                                   ": computed output size would be negative (" +
                                   std::to_string(size.output) + ")");
  }
  return size;
}

}  // namespace tftrt
