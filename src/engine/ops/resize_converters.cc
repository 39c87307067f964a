// Converters for image resizing to a constant size.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterResizeConverters(ConverterTable& table) {
  for (const char* op : {"ResizeBilinear", "ResizeNearestNeighbor"}) {
    table.Register({.op = op,
                    .dtypes = engine_dtypes::kNumeric,
                    .weight_inputs = {1},
                    .kind = LAYER_KIND_RESIZE});
  }
}

}  // namespace tftrt
