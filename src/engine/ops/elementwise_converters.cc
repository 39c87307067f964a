// Converters for broadcasting elementwise math, comparisons and logic. Unary and binary
// float math can be fused into the epilogue of the layer that produces its input.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterElementwiseConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  for (const char* op : {"Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum"}) {
    table.Register(op, kNumeric, {}, nullptr, FusionRole::kBinary);
  }
  for (const char* op : {"BiasAdd", "RealDiv", "Div", "Pow", "SquaredDifference"}) {
    table.Register(op, kFloat, {}, nullptr, FusionRole::kBinary);
  }
  for (const char* op : {"FloorDiv", "FloorMod", "AddN"}) table.Register(op, kNumeric);
  for (const char* op : {"Neg", "Abs", "Square", "Sign"}) {
    table.Register(op, kNumeric, {}, nullptr, FusionRole::kUnary);
  }
  for (const char* op : {"Exp",   "Log",   "Log1p", "Sqrt", "Rsqrt", "Reciprocal", "Sin",
                         "Cos",   "Tan",   "Sinh",  "Cosh", "Asin",  "Acos",       "Atan",
                         "Asinh", "Acosh", "Atanh", "Erf",  "Floor", "Ceil",       "Round"}) {
    table.Register(op, kFloat, {}, nullptr, FusionRole::kUnary);
  }
  for (const char* op : {"Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual"}) {
    table.Register(op, kAll);
  }
  for (const char* op : {"LogicalAnd", "LogicalOr", "LogicalNot"}) table.Register(op, kBool);
  table.Register("ClipByValue", kNumeric);
}

}  // namespace tftrt
