// CombinedNonMaxSuppression in an engine, as TF-TRT's converter put it into a TensorRT
// batched-NMS plugin: boxes [batch, num_boxes, q, 4] and scores [batch, num_boxes,
// num_classes] float32 tensors, the two sizes and two thresholds constant weights. The
// plugin's own limits (top_k <= 4096, implicit batch) are TensorRT's and not copied. The
// cpu backend runs the layer with the native kernel (kernels/cpu/non_max_suppression.cc),
// so engines and the native runtime select the same boxes. The single-class
// NonMaxSuppressionV* ops have no converter, in TF-TRT as here: their output length
// depends on the data.
#include <string>

#include "engine/ops/op_converter.h"
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"
#include "kernels/cpu/non_max_suppression.h"

namespace tftrt {
namespace {

StatusOr<ShapeList> CombinedNmsOutputShapes(const Node& node,
                                            const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 6));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 0, 4, "boxes"));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 1, 3, "scores"));
  const Shape& boxes = inputs[0].shape;
  const Shape& scores = inputs[1].shape;
  CombinedNmsShape shape;
  shape.batch = static_cast<int>(boxes[0]);
  shape.num_boxes = static_cast<int>(boxes[1]);
  shape.q = static_cast<int>(boxes[2]);
  shape.num_classes = static_cast<int>(scores[2]);
  if (shape.q != 1 && shape.q != shape.num_classes) {
    return NodeShapeError(node, "third dimension of boxes must be either 1 or num classes");
  }
  if (boxes[3] != 4) return NodeShapeError(node, "boxes must have 4 columns");
  if (scores[0] != boxes[0] || scores[1] != boxes[1]) {
    return NodeShapeError(node, "boxes and scores disagree in batch or number of boxes");
  }
  CombinedNmsOptions options;
  TFTRT_ASSIGN_OR_RETURN(int64_t per_class,
                         ConstantIndexScalar(node, inputs, 2, "max_output_size_per_class"));
  TFTRT_ASSIGN_OR_RETURN(int64_t total, ConstantIndexScalar(node, inputs, 3, "max_total_size"));
  if (per_class <= 0) return NodeShapeError(node, "max_size_per_class must be positive");
  if (total <= 0) return NodeShapeError(node, "max_total_size must be > 0");
  options.max_size_per_class = static_cast<int>(per_class);
  options.max_total_size = static_cast<int>(total);
  auto pad = GetBoolAttrOr(node, "pad_per_class", false);
  if (!pad.ok()) return pad.status();
  options.pad_per_class = *pad;
  const int64_t detections = CombinedNmsDetectionsPerBatch(shape, options);
  return ShapeList{
      {boxes[0], detections, 4}, {boxes[0], detections}, {boxes[0], detections}, {boxes[0]}};
}

}  // namespace

void RegisterNmsConverters(ConverterTable& table) {
  // valid_detections is int32: kNumeric; boxes and scores must still be float (TF's op).
  table.Register({.op = "CombinedNonMaxSuppression",
                  .dtypes = engine_dtypes::kNumeric,
                  .weight_inputs = {2, 3, 4, 5},
                  .kind = LAYER_KIND_NON_MAX_SUPPRESSION,
                  .shape = &CombinedNmsOutputShapes,
                  // Boxes and scores are input values (clipped), classes small integers.
                  .preserves_values = true});
}

}  // namespace tftrt
