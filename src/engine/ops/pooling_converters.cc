// Converters for 2-D pooling.
#include "engine/ops/converter_checks.h"

namespace tftrt {

void RegisterPoolingConverters(ConverterTable& table) {
  table.Register("MaxPool", engine_dtypes::kFloat, {}, &RequireNhwc);
  table.Register("AvgPool", engine_dtypes::kFloat, {}, &RequireNhwc);
}

}  // namespace tftrt
