#include "engine/ops/shape_helpers.h"

#include <string>

#include "kernels/cpu/broadcast.h"

namespace tftrt {

Status NodeShapeError(const Node& node, std::string_view message) {
  return Status::InvalidArgument(node.Describe() + ": " + std::string(message));
}

Status WithNode(const Node& node, const Status& status) {
  std::string message = status.message();
  const std::string prefix = node.op + ": ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return Status(status.code(), node.Describe() + ": " + message);
}

Status CheckNumInputs(const Node& node, const std::vector<LayerInput>& inputs, int count) {
  if (static_cast<int>(inputs.size()) >= count) return Status::Ok();
  return NodeShapeError(
      node, "expected " + std::to_string(count) + " inputs, got " + std::to_string(inputs.size()));
}

Status CheckInputRank(const Node& node, const std::vector<LayerInput>& inputs, int index, int rank,
                      std::string_view what) {
  const Shape& shape = inputs[index].shape;
  if (static_cast<int>(shape.size()) == rank) return Status::Ok();
  return NodeShapeError(node, std::string(what) + " must be " + std::to_string(rank) +
                                  "-dimensional, got " + ShapeToString(shape));
}

StatusOr<std::vector<int64_t>> ConstantIndexValues(const Node& node,
                                                   const std::vector<LayerInput>& inputs, int index,
                                                   std::string_view what) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, index + 1));
  const Tensor* value = inputs[index].value;
  if (value == nullptr) {
    return NodeShapeError(node, std::string(what) + " (input " + std::to_string(index) +
                                    ") must be a constant to know the output shape, and it "
                                    "has no value");
  }
  std::vector<int64_t> values(value->NumElements());
  if (value->dtype() == DataType::kInt32) {
    for (size_t i = 0; i < values.size(); ++i) values[i] = value->flat<int32_t>()[i];
  } else if (value->dtype() == DataType::kInt64) {
    for (size_t i = 0; i < values.size(); ++i) values[i] = value->flat<int64_t>()[i];
  } else {
    return NodeShapeError(
        node, std::string(what) + " must be int32 or int64, got " + value->DebugString());
  }
  return values;
}

StatusOr<int64_t> ConstantIndexScalar(const Node& node, const std::vector<LayerInput>& inputs,
                                      int index, std::string_view what) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> values,
                         ConstantIndexValues(node, inputs, index, what));
  if (values.size() != 1 || inputs[index].value->rank() > 1) {
    return NodeShapeError(
        node, std::string(what) + " must be a scalar, got " + inputs[index].value->DebugString());
  }
  return values[0];
}

StatusOr<int64_t> NormalizeAxis(const Node& node, int64_t axis, int64_t rank,
                                std::string_view what) {
  if (axis < -rank || axis >= rank) {
    return NodeShapeError(node, std::string(what) + " " + std::to_string(axis) +
                                    " is out of range for a tensor of rank " +
                                    std::to_string(rank) + " (expected [" + std::to_string(-rank) +
                                    ", " + std::to_string(rank) + "))");
  }
  return axis < 0 ? axis + rank : axis;
}

StatusOr<ShapeList> SameShapeAsInput0(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  return ShapeList{inputs[0].shape};
}

StatusOr<ShapeList> BroadcastAllInputs(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  std::vector<Shape> shapes;
  for (const LayerInput& input : inputs) shapes.push_back(input.shape);
  StatusOr<Shape> shape = BroadcastShapes(shapes);
  if (!shape.ok()) return WithNode(node, shape.status());
  return ShapeList{*shape};
}

}  // namespace tftrt
