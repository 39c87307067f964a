// Converters for Cast and Select / SelectV2 between the dtypes engines take.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterCastSelectConverters(ConverterTable& table) {
  for (const char* op : {"Cast", "Select", "SelectV2"}) {
    table.Register({.op = op, .dtypes = engine_dtypes::kAll, .kind = LAYER_KIND_ELEMENTWISE});
  }
}

}  // namespace tftrt
