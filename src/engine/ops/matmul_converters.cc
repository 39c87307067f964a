// Converters for matrix products: MatMul, BatchMatMul (all versions) and Einsum. Both
// operands may be tensors (attention multiplies activations).
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterMatMulConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  for (const char* op : {"MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Einsum"}) {
    table.Register({.op = op, .dtypes = kFloat, .kind = LAYER_KIND_MATMUL});
  }
}

}  // namespace tftrt
