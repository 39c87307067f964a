// Converters for Cast and Select / SelectV2 between the dtypes engines take.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"

namespace tftrt {
namespace {

// Select(condition, t, e), TF's v1 rules: t and e have the same shape; condition is a
// scalar, has that shape, or is a vector as long as t's first dimension.
StatusOr<ShapeList> SelectShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 3));
  const Shape& cond = inputs[0].shape;
  const Shape& t = inputs[1].shape;
  const Shape& e = inputs[2].shape;
  if (t != e) {
    return NodeShapeError(node, "'then' and 'else' must have the same shape, got " +
                                    ShapeToString(t) + " and " + ShapeToString(e));
  }
  const bool fits =
      cond.empty() || cond == t || (cond.size() == 1 && !t.empty() && cond[0] == t[0]);
  if (!fits) {
    return NodeShapeError(node, "condition " + ShapeToString(cond) +
                                    " must be a scalar, have the shape of 'then' " +
                                    ShapeToString(t) + ", or be a vector of its first dimension");
  }
  return ShapeList{t};
}

// Cast(Truncate=true) drops mantissa bits instead of rounding; engines cast by rounding,
// as TensorRT does.
std::optional<NativeReason> RequireRoundingCast(const Node& node) {
  return RequireBoolAttr(node, "Truncate", false);
}

}  // namespace

void RegisterCastSelectConverters(ConverterTable& table) {
  auto add = [&table](const char* op, ShapeFunction shape) {
    table.Register(
        {.op = op, .dtypes = engine_dtypes::kAll, .kind = LAYER_KIND_ELEMENTWISE, .shape = shape});
  };
  table.Register({.op = "Cast",
                  .dtypes = engine_dtypes::kAll,
                  .check = &RequireRoundingCast,
                  .conditions = "Truncate=false",
                  .kind = LAYER_KIND_ELEMENTWISE,
                  .shape = &SameShapeAsInput0});
  add("Select", &SelectShape);
  add("SelectV2", &BroadcastAllInputs);  // condition, t and e broadcast together
}

}  // namespace tftrt
