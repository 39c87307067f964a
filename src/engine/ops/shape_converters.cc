// Converters for layout and shape ops: reshape, transpose, concat, slicing, padding,
// gathering, packing. Shape operands (new shapes, permutations, axes, bounds, paddings)
// must be constants, so every engine tensor's shape follows from the input shapes.
#include "engine/ops/op_converter.h"

namespace tftrt {

void RegisterShapeConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  table.Register("Reshape", kAll);  // the shape may be computed (Shape -> Pack)
  table.Register("Transpose", kAll, {1});
  table.Register("ExpandDims", kAll, {1});
  table.Register("Squeeze", kAll);
  table.Register("Pack", kAll);
  table.Register("Unpack", kAll);
  table.Register("ConcatV2", kAll, {-1});
  table.Register("Split", kAll, {0});
  table.Register("SplitV", kAll, {1, 2});
  table.Register("Slice", kAll, {1, 2});
  table.Register("StridedSlice", kAll, {1, 2, 3});
  table.Register("Pad", kAll, {1});
  table.Register("PadV2", kAll, {1, 2});
  table.Register("MirrorPad", kAll, {1});
  table.Register("Tile", kAll, {1});
  // Indices may be a tensor; the axis is a constant.
  table.Register("GatherV2", kAll, {2});
  table.Register("Shape", kAll);
  // Engines alias these to their input; they do not count towards a segment's size.
  for (const char* op : {"Identity", "Snapshot", "StopGradient"}) table.Register(op, kAll);
}

}  // namespace tftrt
