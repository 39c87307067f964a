// Converters for batch normalization in inference mode (scale, offset, mean and variance
// constant). Batch-norm folding usually removes these before segmenting.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"

namespace tftrt {
namespace {

std::optional<NativeReason> RequireInference(const Node& node) {
  if (auto reason = RequireBoolAttr(node, "is_training", false)) return reason;
  return RequireNhwc(node);
}

// FusedBatchNorm*(x, scale, offset, mean, variance): y has x's shape; batch_mean,
// batch_variance, reserve_space_1 and reserve_space_2 are [C]; V3's reserve_space_3 is a
// scalar (what TF's CPU kernel allocates).
StatusOr<ShapeList> FusedBatchNormShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 5));
  const Shape& x = inputs[0].shape;
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(node, "data_format", "NHWC"));
  if (x.size() != 4 && x.size() != 5) {
    return NodeShapeError(node, "input must be 4 or 5-dimensional, got " + ShapeToString(x));
  }
  const bool channels_last = format == "NHWC" || format == "NDHWC";
  const bool channels_first = format == "NCHW" || format == "NCDHW";
  if ((!channels_last && !channels_first) || (format.size() == 4) != (x.size() == 4)) {
    return NodeShapeError(node, "data_format " + format + " does not fit an input of rank " +
                                    std::to_string(x.size()));
  }
  const int64_t channels = x[channels_last ? x.size() - 1 : 1];
  static const char* const kNames[] = {"scale", "offset", "mean", "variance"};
  for (int i = 1; i <= 4; ++i) {
    TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, i, 1, kNames[i - 1]));
    if (inputs[i].shape[0] != channels) {
      return NodeShapeError(
          node, std::string(kNames[i - 1]) + " must have as many elements as x has channels (" +
                    std::to_string(channels) + "), got " + ShapeToString(inputs[i].shape));
    }
  }
  ShapeList shapes = {x, {channels}, {channels}, {channels}, {channels}};
  if (node.op == "FusedBatchNormV3") shapes.push_back({});
  return shapes;
}

// _TftrtLayerNorm(x, gamma, beta): y has x's shape.
StatusOr<ShapeList> LayerNormShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 3));
  return ShapeList{inputs[0].shape};
}

}  // namespace

void RegisterNormalizationConverters(ConverterTable& table) {
  for (const char* op : {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"}) {
    table.Register({.op = op,
                    .dtypes = engine_dtypes::kFloat,
                    .weight_inputs = {1, 2, 3, 4},
                    .check = &RequireInference,
                    .conditions = "is_training=false, data_format=NHWC",
                    .kind = LAYER_KIND_NORMALIZATION,
                    .shape = &FusedBatchNormShape});
  }
  // Engine-only: what engine/layer_norm_folding.h makes of Keras' LayerNormalization.
  table.Register({.op = "_TftrtLayerNorm",
                  .dtypes = engine_dtypes::kFloat,
                  .weight_inputs = {1, 2},
                  .kind = LAYER_KIND_NORMALIZATION,
                  .shape = &LayerNormShape});
}

}  // namespace tftrt
