// Converters for layout and shape ops: reshape, transpose, concat, slicing, padding,
// gathering, packing, filling. Shape operands (new shapes, permutations, axes, bounds, paddings)
// must be constants, so every engine tensor's shape follows from the input shapes.
//
// StridedSlice's shape comes from ResolveStridedSlice (kernels/cpu/strided_slice.h), the
// native kernel's own resolution.
#include <set>

#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"
#include "kernels/cpu/reshape.h"
#include "kernels/cpu/strided_slice.h"

namespace tftrt {
namespace {

std::string ValuesString(const std::vector<int64_t>& values) { return ShapeToString(values); }

// Reshape(tensor, shape): at most one -1, inferred from the element count (zero-size
// dimensions aside, as TF); the rule is the native kernel's (kernels/cpu/reshape.h).
StatusOr<ShapeList> ReshapeShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_ASSIGN_OR_RETURN(Shape shape, ConstantIndexValues(node, inputs, 1, "shape"));
  if (inputs[1].value->rank() > 1) {
    return NodeShapeError(node, "shape must be 1-D, got " + inputs[1].value->DebugString());
  }
  auto resolved = ResolveReshape(inputs[0].shape, std::move(shape));
  if (!resolved.ok()) return WithNode(node, resolved.status());
  return ShapeList{std::move(*resolved)};
}

// Fill(dims, value): the scalar `value` over `dims`. Keras' ones_like (its attention
// masks) computes dims from Shape inside the segment; they fold at build time, as
// Reshape's shape does.
StatusOr<ShapeList> FillShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 1, 0, "value"));
  TFTRT_ASSIGN_OR_RETURN(Shape dims, ConstantIndexValues(node, inputs, 0, "dims"));
  if (inputs[0].value->rank() != 1) {
    return NodeShapeError(node, "dims must be 1-D, got " + inputs[0].value->DebugString());
  }
  for (int64_t d : dims) {
    if (d < 0) return NodeShapeError(node, "dims " + ValuesString(dims) + " has a negative size");
  }
  return ShapeList{std::move(dims)};
}

StatusOr<ShapeList> TransposeShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ConstantIndexValues(node, inputs, 1, "perm"));
  const Shape& input = inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(input.size());
  if (static_cast<int64_t>(perm.size()) != rank) {
    return NodeShapeError(
        node, "perm " + ValuesString(perm) + " does not fit an input of " + ShapeToString(input));
  }
  std::vector<bool> seen(rank, false);
  Shape output(rank);
  for (int64_t i = 0; i < rank; ++i) {
    if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) {
      return NodeShapeError(node, "perm " + ValuesString(perm) + " is not a permutation");
    }
    seen[perm[i]] = true;
    output[i] = input[perm[i]];
  }
  return ShapeList{output};
}

StatusOr<ShapeList> ExpandDimsShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(int64_t dim, ConstantIndexScalar(node, inputs, 1, "dim"));
  Shape shape = inputs[0].shape;
  TFTRT_ASSIGN_OR_RETURN(dim,
                         NormalizeAxis(node, dim, static_cast<int64_t>(shape.size()) + 1, "dim"));
  shape.insert(shape.begin() + dim, 1);
  return ShapeList{shape};
}

StatusOr<ShapeList> SqueezeShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  std::vector<int64_t> dims;
  if (HasAttr(node, "squeeze_dims")) {
    TFTRT_ASSIGN_OR_RETURN(dims, GetIntListAttr(node, "squeeze_dims"));
  }
  const Shape& input = inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(input.size());
  std::set<int64_t> squeezed;
  for (int64_t dim : dims) {
    TFTRT_ASSIGN_OR_RETURN(int64_t d, NormalizeAxis(node, dim, rank, "squeeze dimension"));
    squeezed.insert(d);
  }
  Shape output;
  for (int64_t d = 0; d < rank; ++d) {
    if (squeezed.empty()) {
      if (input[d] != 1) output.push_back(input[d]);
    } else if (squeezed.contains(d)) {
      if (input[d] != 1) {
        return NodeShapeError(node, "cannot squeeze dimension " + std::to_string(d) + " of " +
                                        ShapeToString(input) + ": it is not 1");
      }
    } else {
      output.push_back(input[d]);
    }
  }
  return ShapeList{output};
}

StatusOr<ShapeList> PackShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  for (const LayerInput& input : inputs) {
    if (input.shape != inputs[0].shape) {
      return NodeShapeError(node, "values must all have the same shape, got " +
                                      ShapeToString(inputs[0].shape) + " and " +
                                      ShapeToString(input.shape));
    }
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, GetIntAttrOr(node, "axis", 0));
  Shape shape = inputs[0].shape;
  TFTRT_ASSIGN_OR_RETURN(axis,
                         NormalizeAxis(node, axis, static_cast<int64_t>(shape.size()) + 1, "axis"));
  shape.insert(shape.begin() + axis, static_cast<int64_t>(inputs.size()));
  return ShapeList{shape};
}

StatusOr<ShapeList> UnpackShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, GetIntAttrOr(node, "axis", 0));
  TFTRT_ASSIGN_OR_RETURN(int64_t num, GetIntAttr(node, "num"));
  Shape shape = inputs[0].shape;
  TFTRT_ASSIGN_OR_RETURN(axis,
                         NormalizeAxis(node, axis, static_cast<int64_t>(shape.size()), "axis"));
  if (shape[axis] != num) {
    return NodeShapeError(node, "input " + ShapeToString(shape) + " has dimension " +
                                    std::to_string(shape[axis]) + " at axis " +
                                    std::to_string(axis) + ", but num is " + std::to_string(num));
  }
  shape.erase(shape.begin() + axis);
  return ShapeList(num, shape);
}

// ConcatV2(values..., axis): same rank, equal dimensions except along the axis.
StatusOr<ShapeList> ConcatV2Shape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  const int num_values = static_cast<int>(inputs.size()) - 1;
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ConstantIndexScalar(node, inputs, num_values, "axis"));
  Shape shape = inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (rank == 0) return NodeShapeError(node, "cannot concatenate scalars");
  TFTRT_ASSIGN_OR_RETURN(axis, NormalizeAxis(node, axis, rank, "axis"));
  for (int i = 1; i < num_values; ++i) {
    const Shape& other = inputs[i].shape;
    bool fits = static_cast<int64_t>(other.size()) == rank;
    for (int64_t d = 0; fits && d < rank; ++d) fits = d == axis || other[d] == shape[d];
    if (!fits) {
      return NodeShapeError(node, "values " + ShapeToString(inputs[0].shape) + " and " +
                                      ShapeToString(other) + " cannot be concatenated along axis " +
                                      std::to_string(axis));
    }
    shape[axis] += other[axis];
  }
  return ShapeList{shape};
}

// Split(axis, value): num_split equal parts.
StatusOr<ShapeList> SplitShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ConstantIndexScalar(node, inputs, 0, "axis"));
  TFTRT_ASSIGN_OR_RETURN(int64_t num_split, GetIntAttr(node, "num_split"));
  Shape shape = inputs[1].shape;
  TFTRT_ASSIGN_OR_RETURN(axis,
                         NormalizeAxis(node, axis, static_cast<int64_t>(shape.size()), "axis"));
  if (num_split <= 0 || shape[axis] % num_split != 0) {
    return NodeShapeError(node, "dimension " + std::to_string(axis) + " of " +
                                    ShapeToString(shape) + " cannot be split into " +
                                    std::to_string(num_split) + " equal parts");
  }
  shape[axis] /= num_split;
  return ShapeList(num_split, shape);
}

// SplitV(value, size_splits, axis): one size may be -1 (the rest).
StatusOr<ShapeList> SplitVShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 3));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> sizes,
                         ConstantIndexValues(node, inputs, 1, "size_splits"));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ConstantIndexScalar(node, inputs, 2, "axis"));
  const Shape& input = inputs[0].shape;
  TFTRT_ASSIGN_OR_RETURN(axis,
                         NormalizeAxis(node, axis, static_cast<int64_t>(input.size()), "axis"));
  int unknown = -1;
  int64_t known = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (unknown != -1) return NodeShapeError(node, "only one size_splits value may be -1");
      unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return NodeShapeError(node, "size_splits " + ValuesString(sizes) + " has a negative size");
    } else {
      known += sizes[i];
    }
  }
  if (unknown != -1 && known <= input[axis]) sizes[unknown] = input[axis] - known;
  if ((unknown == -1 && known != input[axis]) || (unknown != -1 && known > input[axis])) {
    return NodeShapeError(node, "size_splits " + ValuesString(sizes) + " must sum to dimension " +
                                    std::to_string(axis) + " of " + ShapeToString(input));
  }
  ShapeList shapes;
  for (int64_t size : sizes) {
    Shape shape = input;
    shape[axis] = size;
    shapes.push_back(shape);
  }
  return shapes;
}

// Slice(input, begin, size): size -1 takes the rest of the dimension.
StatusOr<ShapeList> SliceShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> begin, ConstantIndexValues(node, inputs, 1, "begin"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> size, ConstantIndexValues(node, inputs, 2, "size"));
  const Shape& input = inputs[0].shape;
  if (begin.size() != input.size() || size.size() != input.size()) {
    return NodeShapeError(node, "begin " + ValuesString(begin) + " and size " + ValuesString(size) +
                                    " must have one entry per dimension of " +
                                    ShapeToString(input));
  }
  Shape output(input.size());
  for (size_t d = 0; d < input.size(); ++d) {
    output[d] = size[d] == -1 ? input[d] - begin[d] : size[d];
    if (begin[d] < 0 || output[d] < 0 || begin[d] + output[d] > input[d]) {
      return NodeShapeError(node, "slice of begin " + ValuesString(begin) + " and size " +
                                      ValuesString(size) + " does not fit " + ShapeToString(input));
    }
  }
  return ShapeList{output};
}

StatusOr<ShapeList> StridedSliceShape(const Node& node, const std::vector<LayerInput>& inputs) {
  StridedSliceSpec spec;
  TFTRT_ASSIGN_OR_RETURN(spec.begin, ConstantIndexValues(node, inputs, 1, "begin"));
  TFTRT_ASSIGN_OR_RETURN(spec.end, ConstantIndexValues(node, inputs, 2, "end"));
  TFTRT_ASSIGN_OR_RETURN(spec.strides, ConstantIndexValues(node, inputs, 3, "strides"));
  TFTRT_ASSIGN_OR_RETURN(spec.begin_mask, GetIntAttrOr(node, "begin_mask", 0));
  TFTRT_ASSIGN_OR_RETURN(spec.end_mask, GetIntAttrOr(node, "end_mask", 0));
  TFTRT_ASSIGN_OR_RETURN(spec.ellipsis_mask, GetIntAttrOr(node, "ellipsis_mask", 0));
  TFTRT_ASSIGN_OR_RETURN(spec.new_axis_mask, GetIntAttrOr(node, "new_axis_mask", 0));
  TFTRT_ASSIGN_OR_RETURN(spec.shrink_axis_mask, GetIntAttrOr(node, "shrink_axis_mask", 0));
  auto resolved = ResolveStridedSlice(inputs[0].shape, spec);
  if (!resolved.ok()) return WithNode(node, resolved.status());
  return ShapeList{resolved->final_shape};
}

// The [rank, 2] paddings of Pad / PadV2 / MirrorPad (input 1) added to the input's shape.
// MirrorPad: a padding may not exceed the dimension (REFLECT: must be smaller).
StatusOr<ShapeList> PadShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> paddings,
                         ConstantIndexValues(node, inputs, 1, "paddings"));
  const Shape& input = inputs[0].shape;
  const Shape expected = {static_cast<int64_t>(input.size()), 2};
  if (inputs[1].value->shape() != expected) {
    return NodeShapeError(node, "paddings must be " + ShapeToString(expected) +
                                    " for an input of " + ShapeToString(input) + ", got " +
                                    inputs[1].value->DebugString());
  }
  if (node.op == "PadV2" && inputs.size() > 2 && !inputs[2].shape.empty()) {
    return NodeShapeError(
        node, "constant_values must be a scalar, got " + ShapeToString(inputs[2].shape));
  }
  int64_t mirror_offset = -1;  // not MirrorPad
  if (node.op == "MirrorPad") {
    TFTRT_ASSIGN_OR_RETURN(std::string mode, GetStringAttr(node, "mode"));
    if (mode != "REFLECT" && mode != "SYMMETRIC") {
      return NodeShapeError(node, "mode must be REFLECT or SYMMETRIC, got " + mode);
    }
    mirror_offset = mode == "REFLECT" ? 1 : 0;
  }
  Shape output(input.size());
  for (size_t d = 0; d < input.size(); ++d) {
    const int64_t before = paddings[2 * d], after = paddings[2 * d + 1];
    if (before < 0 || after < 0) {
      return NodeShapeError(node, "paddings must be non-negative, got " + ValuesString(paddings));
    }
    if (mirror_offset >= 0 &&
        (before > input[d] - mirror_offset || after > input[d] - mirror_offset)) {
      return NodeShapeError(node, "paddings " + ValuesString(paddings) + " are too large for " +
                                      ShapeToString(input) + " in this mode");
    }
    output[d] = input[d] + before + after;
  }
  return ShapeList{output};
}

StatusOr<ShapeList> TileShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> multiples,
                         ConstantIndexValues(node, inputs, 1, "multiples"));
  const Shape& input = inputs[0].shape;
  if (multiples.size() != input.size()) {
    return NodeShapeError(node, "multiples " + ValuesString(multiples) +
                                    " must have one entry per dimension of " +
                                    ShapeToString(input));
  }
  Shape output(input.size());
  for (size_t d = 0; d < input.size(); ++d) {
    if (multiples[d] < 0) {
      return NodeShapeError(node, "multiples must be non-negative, got " + ValuesString(multiples));
    }
    output[d] = input[d] * multiples[d];
  }
  return ShapeList{output};
}

// GatherV2(params, indices, axis): params[:axis] + indices[batch_dims:] + params[axis+1:].
StatusOr<ShapeList> GatherV2Shape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ConstantIndexScalar(node, inputs, 2, "axis"));
  TFTRT_ASSIGN_OR_RETURN(int64_t batch_dims, GetIntAttrOr(node, "batch_dims", 0));
  const Shape& params = inputs[0].shape;
  const Shape& indices = inputs[1].shape;
  const int64_t params_rank = static_cast<int64_t>(params.size());
  const int64_t indices_rank = static_cast<int64_t>(indices.size());
  if (params_rank < 1) return NodeShapeError(node, "params must be at least 1-dimensional");
  TFTRT_ASSIGN_OR_RETURN(axis, NormalizeAxis(node, axis, params_rank, "axis"));
  if (batch_dims < -indices_rank || batch_dims > indices_rank) {
    return NodeShapeError(node, "batch_dims " + std::to_string(batch_dims) +
                                    " is out of range for indices of " + ShapeToString(indices));
  }
  if (batch_dims < 0) batch_dims += indices_rank;
  if (batch_dims != 0 && (batch_dims >= params_rank || axis < batch_dims)) {
    return NodeShapeError(node, "batch_dims (" + std::to_string(batch_dims) +
                                    ") must be less than rank(params) and at most axis (" +
                                    std::to_string(axis) + ")");
  }
  for (int64_t i = 0; i < batch_dims; ++i) {
    if (params[i] != indices[i]) {
      return NodeShapeError(node, "params " + ShapeToString(params) + " and indices " +
                                      ShapeToString(indices) + " differ in batch dimension " +
                                      std::to_string(i));
    }
  }
  Shape output(params.begin(), params.begin() + axis);
  output.insert(output.end(), indices.begin() + batch_dims, indices.end());
  output.insert(output.end(), params.begin() + axis + 1, params.end());
  return ShapeList{output};
}

StatusOr<ShapeList> ShapeOpShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  return ShapeList{{static_cast<int64_t>(inputs[0].shape.size())}};
}

}  // namespace

void RegisterShapeConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  // Every op here moves values without computing new ones.
  auto add = [&table](const char* op, std::vector<int> weight_inputs, ShapeFunction shape) {
    table.Register({.op = op,
                    .dtypes = kAll,
                    .weight_inputs = std::move(weight_inputs),
                    .kind = LAYER_KIND_DATA_MOVEMENT,
                    .shape = shape,
                    .preserves_values = true});
  };
  // A computed shape (Shape -> StridedSlice -> Pack) is folded at build time, so the shape
  // function sees its value; without one it says so.
  table.Register({.op = "Reshape",
                  .dtypes = kAll,
                  .shape_inputs = {1},  // a computed shape (Shape -> Pack) folds at build time
                  .kind = LAYER_KIND_DATA_MOVEMENT,
                  .shape = &ReshapeShape,
                  .preserves_values = true});
  table.Register({.op = "Fill",
                  .dtypes = kAll,
                  .shape_inputs = {0},  // dims, computed (Shape -> ...) or constant
                  .kind = LAYER_KIND_DATA_MOVEMENT,
                  .shape = &FillShape,
                  .preserves_values = true});
  add("Transpose", {1}, &TransposeShape);
  add("ExpandDims", {1}, &ExpandDimsShape);
  add("Squeeze", {}, &SqueezeShape);
  add("Pack", {}, &PackShape);
  add("Unpack", {}, &UnpackShape);
  add("ConcatV2", {-1}, &ConcatV2Shape);
  add("Split", {0}, &SplitShape);
  add("SplitV", {1, 2}, &SplitVShape);
  add("Slice", {1, 2}, &SliceShape);
  add("StridedSlice", {1, 2, 3}, &StridedSliceShape);
  add("Pad", {1}, &PadShape);
  add("PadV2", {1, 2}, &PadShape);
  add("MirrorPad", {1}, &PadShape);
  add("Tile", {1}, &TileShape);
  add("GatherV2", {2}, &GatherV2Shape);  // indices may be a tensor; the axis is a constant
  // Folded into a constant at build time (shapes are concrete in an engine).
  add("Shape", {}, &ShapeOpShape);
  // Engines alias these to their input; they do not count towards a segment's size.
  for (const char* op : {"Identity", "Snapshot", "StopGradient"}) {
    add(op, {}, &SameShapeAsInput0);
  }
}

}  // namespace tftrt
