// Converters for 3-D convolution and pooling on NDHWC volumes (Conv3D, MaxPool3D,
// AvgPool3D), under TF-TRT's conditions (ConvertConv3D / ConvertPool3D): the filter is a
// constant, batch and channel strides (and dilations) are 1, padding SAME or VALID. TF-TRT
// also took NCDHW by transposing; TF's CPU kernels reject it, so tftrt keeps it native.
// Geometry comes from runtime/volume_attrs.h, shared with the native kernels.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"
#include "runtime/volume_attrs.h"

namespace tftrt {
namespace {

std::optional<NativeReason> RequireNdhwc(const Node& node) {
  return RequireStringAttr(node, "data_format", "NDHWC");
}

StatusOr<ShapeList> Conv3DOutputShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  auto shape = MakeConv3DShape(node, inputs[0].shape, inputs[1].shape);
  if (!shape.ok()) return WithNode(node, shape.status());
  return ShapeList{Volume3DOutputShape(*shape, shape->out_depth)};
}

StatusOr<ShapeList> Pool3DOutputShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  auto shape = MakePool3DShape(node, inputs[0].shape);
  if (!shape.ok()) return WithNode(node, shape.status());
  return ShapeList{Volume3DOutputShape(*shape, shape->in_depth)};
}

}  // namespace

void RegisterVolumeConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  table.Register({.op = "Conv3D",
                  .dtypes = kFloat,
                  .weight_inputs = {1},
                  .check = &RequireNdhwc,
                  .conditions = "data_format=NDHWC, constant filter",
                  .kind = LAYER_KIND_CONVOLUTION_3D,
                  .shape = &Conv3DOutputShape});
  // MaxPool3D is not value-preserving in FP16 for the reason MaxPool is not (a window of
  // -inf gives float's lowest value, which half storage holds as -inf).
  for (const char* op : {"MaxPool3D", "AvgPool3D"}) {
    table.Register({.op = op,
                    .dtypes = kFloat,
                    .check = &RequireNdhwc,
                    .conditions = "data_format=NDHWC",
                    .kind = LAYER_KIND_POOLING_3D,
                    .shape = &Pool3DOutputShape});
  }
}

}  // namespace tftrt
