#include "tftrt/conversion_params.h"

#include "engine/precision.h"

namespace tftrt {

Status ValidateConversionParams(const ConversionParams& params) {
  TFTRT_RETURN_IF_ERROR(ParsePrecision(params.precision_mode).status());
  if (params.minimum_segment_size <= 0 && params.minimum_segment_size != -1) {
    return Status::InvalidArgument(
        "minimum segment size should be positive or -1 (in order to not convert the main "
        "graph), got " +
        std::to_string(params.minimum_segment_size));
  }
  if (params.maximum_cached_engines <= 0) {
    return Status::InvalidArgument("maximum_cached_engines should be positive, got " +
                                   std::to_string(params.maximum_cached_engines));
  }
  if (params.max_workspace_size_bytes <= 0) {
    return Status::InvalidArgument("max_workspace_size_bytes should be positive, got " +
                                   std::to_string(params.max_workspace_size_bytes));
  }
  return Status::Ok();
}

}  // namespace tftrt
