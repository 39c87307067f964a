// Converters for reductions over constant axes, and ArgMax / ArgMin (int32 results only,
// as TensorRT's TopK layer gives).
#include "engine/ops/converter_checks.h"

namespace tftrt {
namespace {

std::optional<NativeReason> RequireInt32Index(const Node& node) {
  auto type = GetTypeAttr(node, "output_type");
  if (type.ok() && *type == DataType::kInt32) return std::nullopt;
  return NativeReason{NativeReasonKind::kAttribute, "output_type must be int32 in an engine"};
}

}  // namespace

void RegisterReductionConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  for (const char* op : {"Sum", "Prod", "Max", "Min", "Mean"}) {
    const std::string_view name = op;
    table.Register({.op = op,
                    .dtypes = kNumeric,
                    .weight_inputs = {1},
                    .kind = LAYER_KIND_REDUCTION,
                    .preserves_values = name == "Max" || name == "Min"});
  }
  for (const char* op : {"ArgMax", "ArgMin"}) {
    table.Register({.op = op,
                    .dtypes = kNumeric,
                    .weight_inputs = {1},
                    .check = &RequireInt32Index,
                    .kind = LAYER_KIND_REDUCTION});
  }
}

}  // namespace tftrt
