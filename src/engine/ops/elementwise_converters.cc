// Converters for broadcasting elementwise math, comparisons and logic. Unary and binary
// float math can be fused into the epilogue of the layer that produces its input.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterElementwiseConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  auto add = [&table](const char* op, unsigned dtypes, FusionRole fusion) {
    table.Register({.op = op, .dtypes = dtypes, .kind = LAYER_KIND_ELEMENTWISE, .fusion = fusion});
  };
  for (const char* op : {"Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum"}) {
    add(op, kNumeric, FusionRole::kBinary);
  }
  for (const char* op : {"BiasAdd", "RealDiv", "Div", "Pow", "SquaredDifference"}) {
    add(op, kFloat, FusionRole::kBinary);
  }
  for (const char* op : {"FloorDiv", "FloorMod", "AddN"}) add(op, kNumeric, FusionRole::kNone);
  for (const char* op : {"Neg", "Abs", "Square", "Sign"}) add(op, kNumeric, FusionRole::kUnary);
  for (const char* op : {"Exp",   "Log",   "Log1p", "Sqrt", "Rsqrt", "Reciprocal", "Sin",
                         "Cos",   "Tan",   "Sinh",  "Cosh", "Asin",  "Acos",       "Atan",
                         "Asinh", "Acosh", "Atanh", "Erf",  "Floor", "Ceil",       "Round"}) {
    add(op, kFloat, FusionRole::kUnary);
  }
  for (const char* op : {"Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual"}) {
    add(op, kAll, FusionRole::kNone);
  }
  for (const char* op : {"LogicalAnd", "LogicalOr", "LogicalNot"})
    add(op, kBool, FusionRole::kNone);
  add("ClipByValue", kNumeric, FusionRole::kNone);
}

}  // namespace tftrt
