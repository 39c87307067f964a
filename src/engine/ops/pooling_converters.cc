// Converters for 2-D pooling.
#include "engine/ops/converter_checks.h"

namespace tftrt {

void RegisterPoolingConverters(ConverterTable& table) {
  table.Register({.op = "MaxPool",
                  .dtypes = engine_dtypes::kFloat,
                  .check = &RequireNhwc,
                  .kind = LAYER_KIND_POOLING,
                  .preserves_values = true});
  table.Register({.op = "AvgPool",
                  .dtypes = engine_dtypes::kFloat,
                  .check = &RequireNhwc,
                  .kind = LAYER_KIND_POOLING});
}

}  // namespace tftrt
