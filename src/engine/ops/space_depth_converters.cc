// Converters for SpaceToDepth / DepthToSpace (TF-TRT's ConvertDepthSpaceShuffle): NHWC
// (TF's CPU kernels have no other layout), block_size >= 2, a 4-D input whose dimensions
// the block divides. Pure element moves, so FP16 storage keeps the values.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"

namespace tftrt {
namespace {

StatusOr<ShapeList> DepthSpaceShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 0, 4, "input"));
  auto block = GetIntAttr(node, "block_size");
  if (!block.ok()) return WithNode(node, block.status());
  const int64_t bs = *block;
  if (bs < 2) return NodeShapeError(node, "block_size must be at least 2");
  const Shape& in = inputs[0].shape;
  if (node.op == "SpaceToDepth") {
    if (in[1] % bs != 0 || in[2] % bs != 0) {
      return NodeShapeError(node, "height and width of " + ShapeToString(in) +
                                      " must be divisible by block_size " + std::to_string(bs));
    }
    return ShapeList{{in[0], in[1] / bs, in[2] / bs, in[3] * bs * bs}};
  }
  if (in[3] % (bs * bs) != 0) {
    return NodeShapeError(
        node, "depth of " + ShapeToString(in) + " must be divisible by " + std::to_string(bs * bs));
  }
  return ShapeList{{in[0], in[1] * bs, in[2] * bs, in[3] / (bs * bs)}};
}

}  // namespace

void RegisterSpaceDepthConverters(ConverterTable& table) {
  for (const char* op : {"SpaceToDepth", "DepthToSpace"}) {
    table.Register({.op = op,
                    .dtypes = engine_dtypes::kNumeric,
                    .check = &RequireNhwc,
                    .conditions = "data_format=NHWC",
                    .kind = LAYER_KIND_DATA_MOVEMENT,
                    .shape = &DepthSpaceShape,
                    .preserves_values = true});
  }
}

}  // namespace tftrt
