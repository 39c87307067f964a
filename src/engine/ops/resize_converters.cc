// Converters for image resizing to a constant size.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterResizeConverters(ConverterTable& table) {
  table.Register("ResizeBilinear", engine_dtypes::kNumeric, {1});
  table.Register("ResizeNearestNeighbor", engine_dtypes::kNumeric, {1});
}

}  // namespace tftrt
