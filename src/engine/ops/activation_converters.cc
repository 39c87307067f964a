// Converters for activations and softmax. Activations fuse into the epilogue of the
// convolution, matmul or elementwise layer before them.
#include "engine/ops/shape_helpers.h"

namespace tftrt {
namespace {

// Softmax / LogSoftmax: over the last axis, so logits need one.
StatusOr<ShapeList> SoftmaxShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  if (inputs[0].shape.empty()) {
    return NodeShapeError(node,
                          "logits must have >= 1 dimension, got " + ShapeToString(inputs[0].shape));
  }
  return ShapeList{inputs[0].shape};
}

}  // namespace

void RegisterActivationConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  for (const char* op :
       {"Relu", "Relu6", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Softsign", "Softplus"}) {
    table.Register({.op = op,
                    .dtypes = kFloat,
                    .kind = LAYER_KIND_ELEMENTWISE,
                    .shape = &SameShapeAsInput0,
                    .fusion = FusionRole::kUnary,
                    .preserves_values = std::string_view(op) == "Relu"});
  }
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    table.Register(
        {.op = op, .dtypes = kFloat, .kind = LAYER_KIND_SOFTMAX, .shape = &SoftmaxShape});
  }
}

}  // namespace tftrt
