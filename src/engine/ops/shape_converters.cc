// Converters for layout and shape ops: reshape, transpose, concat, slicing, padding,
// gathering, packing. Shape operands (new shapes, permutations, axes, bounds, paddings)
// must be constants, so every engine tensor's shape follows from the input shapes.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterShapeConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  // Every op here moves values without computing new ones.
  auto add = [&table](const char* op, std::vector<int> weight_inputs) {
    table.Register({.op = op,
                    .dtypes = kAll,
                    .weight_inputs = std::move(weight_inputs),
                    .kind = LAYER_KIND_DATA_MOVEMENT,
                    .preserves_values = true});
  };
  add("Reshape", {});  // a computed shape (Shape -> Pack) is folded at build time
  add("Transpose", {1});
  add("ExpandDims", {1});
  add("Squeeze", {});
  add("Pack", {});
  add("Unpack", {});
  add("ConcatV2", {-1});
  add("Split", {0});
  add("SplitV", {1, 2});
  add("Slice", {1, 2});
  add("StridedSlice", {1, 2, 3});
  add("Pad", {1});
  add("PadV2", {1, 2});
  add("MirrorPad", {1});
  add("Tile", {1});
  add("GatherV2", {2});  // indices may be a tensor; the axis is a constant
  // Folded into a constant at build time (shapes are concrete in an engine).
  add("Shape", {});
  // Engines alias these to their input; they do not count towards a segment's size.
  for (const char* op : {"Identity", "Snapshot", "StopGradient"}) add(op, {});
}

}  // namespace tftrt
