// Converters for quantization simulation (FakeQuantWithMinMaxArgs/Vars,
// QuantizeAndDequantizeV2/V3/V4). In FP32 and FP16 engines they are elementwise layers
// that compute what TF computes; in INT8 engines the builder reads their ranges instead
// and passes their input through (engine/quantization_ranges.h).
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"

namespace tftrt {
namespace {

// The kernels take float32 only (TF's FakeQuant ops are float32-only anyway).
std::optional<NativeReason> FloatOnly(const Node& node) {
  auto dtype = GetTypeAttr(node, "T");
  if (dtype.ok() && *dtype != DataType::kFloat) {
    return NativeReason{NativeReasonKind::kDtype, node.op + " runs on float32 only, got " +
                                                      std::string(DataTypeName(*dtype))};
  }
  return std::nullopt;
}

}  // namespace

void RegisterQuantizationConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  auto add = [&table](const char* op, std::vector<int> weight_inputs) {
    table.Register({.op = op,
                    .dtypes = kFloat,
                    .weight_inputs = std::move(weight_inputs),
                    .check = &FloatOnly,
                    .conditions = "float32 only",
                    .kind = LAYER_KIND_ELEMENTWISE,
                    .shape = &SameShapeAsInput0});
  };
  add("FakeQuantWithMinMaxArgs", {});
  add("FakeQuantWithMinMaxVars", {1, 2});
  add("QuantizeAndDequantizeV2", {1, 2});
  add("QuantizeAndDequantizeV3", {1, 2, 3});
  add("QuantizeAndDequantizeV4", {1, 2});
}

}  // namespace tftrt
