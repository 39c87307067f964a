// Converters for convolutions: Conv2D, DepthwiseConv2dNative and the transposed
// convolution (Conv2DBackpropInput). Filters must be constants (engine weights).
#include "engine/ops/converter_checks.h"

namespace tftrt {

void RegisterConvolutionConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  for (const char* op : {"Conv2D", "DepthwiseConv2dNative"}) {
    table.Register({.op = op,
                    .dtypes = kFloat,
                    .weight_inputs = {1},
                    .check = &RequireNhwc,
                    .kind = LAYER_KIND_CONVOLUTION});
  }
  // Inputs: input_sizes (int32 shape), filter, out_backprop.
  table.Register({.op = "Conv2DBackpropInput",
                  .dtypes = kFloat,
                  .weight_inputs = {0, 1},
                  .check = &RequireNhwc,
                  .kind = LAYER_KIND_CONVOLUTION});
}

}  // namespace tftrt
