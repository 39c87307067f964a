// Converters for activations and softmax. Activations fuse into the epilogue of the
// convolution, matmul or elementwise layer before them.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterActivationConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  for (const char* op :
       {"Relu", "Relu6", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Softsign", "Softplus"}) {
    table.Register({.op = op,
                    .dtypes = kFloat,
                    .kind = LAYER_KIND_ELEMENTWISE,
                    .fusion = FusionRole::kUnary,
                    .preserves_values = std::string_view(op) == "Relu"});
  }
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    table.Register({.op = op, .dtypes = kFloat, .kind = LAYER_KIND_SOFTMAX});
  }
}

}  // namespace tftrt
