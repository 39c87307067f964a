// Converters for reductions over constant axes, ArgMax / ArgMin (int32 results only, as
// TensorRT's TopK layer gives) and TopKV2.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"

namespace tftrt {
namespace {

std::optional<NativeReason> RequireInt32Index(const Node& node) {
  auto type = GetTypeAttr(node, "output_type");
  if (type.ok() && *type == DataType::kInt32) return std::nullopt;
  return NativeReason{NativeReasonKind::kAttribute, "output_type must be int32 in an engine"};
}

// Sum, Prod, Max, Min, Mean(input, axes): the axes (a constant scalar or vector, each in
// [-rank, rank), no duplicates) are removed, or kept as 1 with keep_dims.
StatusOr<ShapeList> ReductionShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes,
                         ConstantIndexValues(node, inputs, 1, "reduction_indices"));
  TFTRT_ASSIGN_OR_RETURN(bool keep_dims, GetBoolAttrOr(node, "keep_dims", false));
  const Shape& shape = inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    TFTRT_ASSIGN_OR_RETURN(int64_t d, NormalizeAxis(node, axis, rank, "reduction axis"));
    if (reduced[d]) {
      return NodeShapeError(node, "axes contain duplicate dimension " + std::to_string(d));
    }
    reduced[d] = true;
  }
  Shape output;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      output.push_back(shape[d]);
    } else if (keep_dims) {
      output.push_back(1);
    }
  }
  return ShapeList{output};
}

// ArgMax / ArgMin(input, dimension): the dimension (a constant scalar) is removed; it
// must not be empty.
StatusOr<ShapeList> ArgReductionShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ConstantIndexScalar(node, inputs, 1, "dimension"));
  Shape shape = inputs[0].shape;
  TFTRT_ASSIGN_OR_RETURN(
      int64_t d, NormalizeAxis(node, axis, static_cast<int64_t>(shape.size()), "dimension"));
  if (shape[d] == 0) {
    return NodeShapeError(
        node, "reduction axis " + std::to_string(d) + " is empty in shape " + ShapeToString(shape));
  }
  shape.erase(shape.begin() + d);
  return ShapeList{shape};
}

// TF-TRT's TopK converter takes sorted results only: TensorRT's TopK layer sorts them.
std::optional<NativeReason> RequireSortedInt32Index(const Node& node) {
  if (auto reason = RequireBoolAttr(node, "sorted", true)) return reason;
  if (!HasAttr(node, "index_type")) return std::nullopt;  // TF's default, int32
  auto type = GetTypeAttr(node, "index_type");
  if (type.ok() && *type == DataType::kInt32) return std::nullopt;
  return NativeReason{NativeReasonKind::kAttribute, "index_type must be int32 in an engine"};
}

// TopKV2(input [..., n], k): values and indices [..., k], for a constant scalar k <= n.
StatusOr<ShapeList> TopKShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  if (!inputs[1].shape.empty()) {
    return NodeShapeError(node, "k must be scalar, got shape " + ShapeToString(inputs[1].shape));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t k, ConstantIndexScalar(node, inputs, 1, "k"));
  Shape shape = inputs[0].shape;
  if (shape.empty()) {
    return NodeShapeError(node, "input must be >= 1-D, got shape " + ShapeToString(shape));
  }
  if (k < 0) return NodeShapeError(node, "Need k >= 0, got " + std::to_string(k));
  if (shape.back() < k) {
    return NodeShapeError(node, "input must have at least k columns. Had " +
                                    std::to_string(shape.back()) + ", needed " + std::to_string(k));
  }
  shape.back() = k;
  return ShapeList{shape, shape};
}

}  // namespace

void RegisterReductionConverters(ConverterTable& table) {
  using namespace engine_dtypes;
  for (const char* op : {"Sum", "Prod", "Max", "Min", "Mean"}) {
    const std::string_view name = op;
    table.Register({.op = op,
                    .dtypes = kNumeric,
                    .weight_inputs = {1},
                    .kind = LAYER_KIND_REDUCTION,
                    .shape = &ReductionShape,
                    .preserves_values = name == "Max" || name == "Min"});
  }
  for (const char* op : {"ArgMax", "ArgMin"}) {
    table.Register({.op = op,
                    .dtypes = kNumeric,
                    .weight_inputs = {1},
                    .check = &RequireInt32Index,
                    .conditions = "output_type=int32",
                    .kind = LAYER_KIND_REDUCTION,
                    .shape = &ArgReductionShape});
  }
  table.Register({.op = "TopKV2",
                  .dtypes = kNumeric,
                  .weight_inputs = {1},
                  .check = &RequireSortedInt32Index,
                  .conditions = "sorted=true, index_type=int32",
                  .kind = LAYER_KIND_TOP_K,
                  .shape = &TopKShape,
                  .preserves_values = true});
}

}  // namespace tftrt
