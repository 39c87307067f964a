// Converters for convolutions: Conv2D, DepthwiseConv2dNative and the transposed
// convolution (Conv2DBackpropInput). Filters must be constants (engine weights).
#include "engine/ops/converter_checks.h"

namespace tftrt {

void RegisterConvolutionConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  table.Register("Conv2D", kFloat, {1}, &RequireNhwc);
  table.Register("DepthwiseConv2dNative", kFloat, {1}, &RequireNhwc);
  // Inputs: input_sizes (int32 shape), filter, out_backprop.
  table.Register("Conv2DBackpropInput", kFloat, {0, 1}, &RequireNhwc);
}

}  // namespace tftrt
