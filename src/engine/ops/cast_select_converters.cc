// Converters for Cast and Select / SelectV2 between the dtypes engines take.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterCastSelectConverters(ConverterTable& table) {
  table.Register("Cast", engine_dtypes::kAll);
  table.Register("Select", engine_dtypes::kAll);
  table.Register("SelectV2", engine_dtypes::kAll);
}

}  // namespace tftrt
