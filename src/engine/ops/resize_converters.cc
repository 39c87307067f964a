// Converters for image resizing. The size may be computed in the graph (from Shape, as
// `tf.image.resize(x, tf.shape(x)[1:3] * 2)` does): engines are built per input shapes, so
// the builder folds it to a constant.
#include "engine/ops/shape_helpers.h"

namespace tftrt {
namespace {

// ResizeBilinear / ResizeNearestNeighbor / ResizeBicubic(images [N, H, W, C], size [2]):
// [N, h, w, C].
StatusOr<ShapeList> ResizeShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 0, 4, "images"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> size, ConstantIndexValues(node, inputs, 1, "size"));
  if (inputs[1].value->rank() != 1 || size.size() != 2) {
    return NodeShapeError(node, "size must be a vector of 2 elements (height, width), got " +
                                    inputs[1].value->DebugString());
  }
  if (size[0] <= 0 || size[1] <= 0) {
    return NodeShapeError(
        node, "output dimensions must be positive, got " + inputs[1].value->DebugString());
  }
  const Shape& images = inputs[0].shape;
  if (images[1] <= 0 || images[2] <= 0 || images[3] <= 0) {
    return NodeShapeError(
        node, "images must have a non-zero size and channels, got " + ShapeToString(images));
  }
  return ShapeList{{images[0], size[0], size[1], images[3]}};
}

}  // namespace

void RegisterResizeConverters(ConverterTable& table) {
  for (const char* op : {"ResizeBilinear", "ResizeNearestNeighbor"}) {
    table.Register({.op = op,
                    .dtypes = engine_dtypes::kNumeric,
                    .shape_inputs = {1},
                    .kind = LAYER_KIND_RESIZE,
                    .shape = &ResizeShape});
  }
  // Its own layer kind: a backend that runs bilinear and nearest resizes need not run the
  // cubic kernel (the cuda backend keeps it native).
  table.Register({.op = "ResizeBicubic",
                  .dtypes = engine_dtypes::kNumeric,  // int32 size; images as the others
                  .shape_inputs = {1},
                  .kind = LAYER_KIND_RESIZE_BICUBIC,
                  .shape = &ResizeShape});
}

}  // namespace tftrt
