// Converters for broadcasting elementwise math, comparisons and logic. Unary and binary
// float math can be fused into the epilogue of the layer that produces its input.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"

namespace tftrt {
namespace {

// AddN: every input has the same shape (TF does not broadcast here).
StatusOr<ShapeList> AddNShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  for (const LayerInput& input : inputs) {
    if (input.shape != inputs[0].shape) {
      return NodeShapeError(node, "inputs must have the same shape, got " +
                                      ShapeToString(inputs[0].shape) + " and " +
                                      ShapeToString(input.shape));
    }
  }
  return ShapeList{inputs[0].shape};
}

// BiasAdd(value, bias): bias is a vector as long as value's channel dimension (the last,
// or dimension 1 for NCHW).
StatusOr<ShapeList> BiasAddShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  const Shape& value = inputs[0].shape;
  const Shape& bias = inputs[1].shape;
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(node, "data_format", "NHWC"));
  if (value.size() < 2) {
    return NodeShapeError(node,
                          "value must be at least 2-dimensional, got " + ShapeToString(value));
  }
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 1, 1, "bias"));
  const size_t channel = format == "NCHW" ? 1 : value.size() - 1;
  if (bias[0] != value[channel]) {
    return NodeShapeError(node, "bias " + ShapeToString(bias) +
                                    " must match the channel dimension of value " +
                                    ShapeToString(value));
  }
  return ShapeList{value};
}

// ClipByValue(t, min, max): min and max are scalars or have t's shape.
StatusOr<ShapeList> ClipByValueShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 3));
  for (int i = 1; i <= 2; ++i) {
    const Shape& bound = inputs[i].shape;
    if (!bound.empty() && bound != inputs[0].shape) {
      return NodeShapeError(node,
                            "clip_value_min and clip_value_max must be either scalars or have "
                            "the same shape as t " +
                                ShapeToString(inputs[0].shape) + ", got " + ShapeToString(bound));
    }
  }
  return ShapeList{inputs[0].shape};
}

}  // namespace

// Equal / NotEqual with incompatible_shape_error=false answer mismatched shapes with a
// scalar; engines take only the broadcasting form.
std::optional<NativeReason> RequireShapeErrors(const Node& node) {
  return RequireBoolAttr(node, "incompatible_shape_error", true);
}

void RegisterElementwiseConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  auto add = [&table](const char* op, unsigned dtypes, FusionRole fusion, ShapeFunction shape) {
    table.Register({.op = op,
                    .dtypes = dtypes,
                    .kind = LAYER_KIND_ELEMENTWISE,
                    .shape = shape,
                    .fusion = fusion});
  };
  for (const char* op : {"Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum"}) {
    add(op, kNumeric, FusionRole::kBinary, &BroadcastAllInputs);
  }
  add("BiasAdd", kFloat, FusionRole::kBinary, &BiasAddShape);
  for (const char* op : {"RealDiv", "Div", "Pow", "SquaredDifference"}) {
    add(op, kFloat, FusionRole::kBinary, &BroadcastAllInputs);
  }
  for (const char* op : {"FloorDiv", "FloorMod"}) {
    add(op, kNumeric, FusionRole::kNone, &BroadcastAllInputs);
  }
  add("AddN", kNumeric, FusionRole::kNone, &AddNShape);
  for (const char* op : {"Neg", "Abs", "Square", "Sign"}) {
    add(op, kNumeric, FusionRole::kUnary, &SameShapeAsInput0);
  }
  for (const char* op : {"Exp",   "Log",  "Log1p", "Sqrt",  "Rsqrt", "Reciprocal", "Sin",   "Cos",
                         "Tan",   "Sinh", "Cosh",  "Asin",  "Acos",  "Atan",       "Asinh", "Acosh",
                         "Atanh", "Erf",  "Erfc",  "Floor", "Ceil",  "Round"}) {
    add(op, kFloat, FusionRole::kUnary, &SameShapeAsInput0);
  }
  // Engine-only: what engine/gelu_folding.h makes of tf.nn.gelu; never in a TF graph.
  add("_TftrtGelu", kFloat, FusionRole::kUnary, &SameShapeAsInput0);
  for (const char* op : {"Greater", "GreaterEqual", "Less", "LessEqual"}) {
    add(op, kAll, FusionRole::kNone, &BroadcastAllInputs);
  }
  for (const char* op : {"Equal", "NotEqual"}) {
    table.Register({.op = op,
                    .dtypes = kAll,
                    .check = &RequireShapeErrors,
                    .conditions = "incompatible_shape_error=true",
                    .kind = LAYER_KIND_ELEMENTWISE,
                    .shape = &BroadcastAllInputs});
  }
  for (const char* op : {"LogicalAnd", "LogicalOr"}) {
    add(op, kBool, FusionRole::kNone, &BroadcastAllInputs);
  }
  add("LogicalNot", kBool, FusionRole::kNone, &SameShapeAsInput0);
  add("ClipByValue", kNumeric, FusionRole::kNone, &ClipByValueShape);
}

}  // namespace tftrt
