// Converters for batch normalization in inference mode (scale, offset, mean and variance
// constant). Batch-norm folding usually removes these before segmenting.
#include "engine/ops/converter_checks.h"

namespace tftrt {
namespace {

std::optional<NativeReason> RequireInference(const Node& node) {
  if (auto reason = RequireBoolAttr(node, "is_training", false)) return reason;
  return RequireNhwc(node);
}

}  // namespace

void RegisterNormalizationConverters(ConverterTable& table) {
  for (const char* op : {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"}) {
    table.Register({.op = op,
                    .dtypes = engine_dtypes::kFloat,
                    .weight_inputs = {1, 2, 3, 4},
                    .check = &RequireInference,
                    .kind = LAYER_KIND_NORMALIZATION});
  }
}

}  // namespace tftrt
