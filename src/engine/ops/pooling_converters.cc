// Converters for 2-D pooling. Output sizes and pads come from runtime/window_attrs.h,
// as the native kernels' do.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"
#include "runtime/window_attrs.h"

namespace tftrt {
namespace {

bool IsAverage(const Node& node) { return node.op == "AvgPool"; }

// Engines pool over image windows (NHWC), not across channels or the batch.
std::optional<NativeReason> RequireSpatialWindow(const Node& node) {
  if (auto reason = RequireNhwc(node)) return reason;
  auto ksize = GetIntListAttr(node, "ksize");
  auto strides = GetIntListAttr(node, "strides");
  const bool spatial = ksize.ok() && strides.ok() && ksize->size() == 4 && strides->size() == 4 &&
                       (*ksize)[0] == 1 && (*ksize)[3] == 1 && (*strides)[0] == 1 &&
                       (*strides)[3] == 1;
  if (spatial) return std::nullopt;
  return NativeReason{NativeReasonKind::kAttribute,
                      "engines pool over height and width only (ksize and strides 1 on the "
                      "batch and channel dimensions)"};
}

StatusOr<PoolGeometry> PoolingGeometry(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  auto ksize = GetIntListAttr(node, "ksize");
  if (!ksize.ok()) return WithNode(node, ksize.status());
  auto strides = GetIntListAttr(node, "strides");
  if (!strides.ok()) return WithNode(node, strides.status());
  auto geometry = MakePoolGeometry(node, IsAverage(node), *ksize, *strides, inputs[0].shape);
  if (!geometry.ok()) return WithNode(node, geometry.status());
  return *geometry;
}

StatusOr<ShapeList> PoolShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(PoolGeometry geometry, PoolingGeometry(node, inputs));
  return ShapeList{geometry.output_shape};
}

Status LowerPool(const Node& node, const std::vector<LayerInput>& inputs, EngineLayer* layer) {
  TFTRT_ASSIGN_OR_RETURN(PoolGeometry geometry, PoolingGeometry(node, inputs));
  if (geometry.over_depth) {
    return Status::Unimplemented(node.Describe() +
                                 ": pooling across channels has no engine pooling layer");
  }
  const Window2D& w = geometry.shape.window;
  PoolingParams* params = layer->mutable_pooling();
  params->set_average(IsAverage(node));
  params->set_window_h(w.filter_rows);
  params->set_window_w(w.filter_cols);
  params->set_stride_h(w.stride_rows);
  params->set_stride_w(w.stride_cols);
  SetWindowPads(w, params);
  params->set_layout("NHWC");
  return Status::Ok();
}

}  // namespace

void RegisterPoolingConverters(ConverterTable& table) {
  // Not value-preserving: a window of only -inf (or only padding) gives float's lowest
  // value, which half storage holds as -inf, as a GPU's FP16 engine stores it.
  table.Register({.op = "MaxPool",
                  .dtypes = engine_dtypes::kFloat,
                  .check = &RequireSpatialWindow,
                  .conditions = "data_format=NHWC, ksize and strides 1 on batch and channels",
                  .kind = LAYER_KIND_POOLING,
                  .shape = &PoolShape,
                  .lower = &LowerPool});
  table.Register({.op = "AvgPool",
                  .dtypes = engine_dtypes::kFloat,
                  .check = &RequireSpatialWindow,
                  .conditions = "data_format=NHWC, ksize and strides 1 on batch and channels",
                  .kind = LAYER_KIND_POOLING,
                  .shape = &PoolShape,
                  .lower = &LowerPool});
}

}  // namespace tftrt
