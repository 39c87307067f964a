#include "graph/attrs.h"

#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

using tensorflow::AttrValue;

const char* KindName(AttrValue::ValueCase kind) {
  switch (kind) {
    case AttrValue::kS:
      return "string";
    case AttrValue::kI:
      return "int";
    case AttrValue::kF:
      return "float";
    case AttrValue::kB:
      return "bool";
    case AttrValue::kType:
      return "type";
    case AttrValue::kShape:
      return "shape";
    case AttrValue::kTensor:
      return "tensor";
    case AttrValue::kList:
      return "list";
    case AttrValue::kFunc:
      return "func";
    case AttrValue::kPlaceholder:
      return "placeholder";
    case AttrValue::VALUE_NOT_SET:
      return "empty";
  }
  return "unknown";
}

// The attribute `name` of `node` if it holds `kind`; an error naming both otherwise.
StatusOr<const AttrValue*> Find(const Node& node, std::string_view name,
                                AttrValue::ValueCase kind) {
  auto it = node.attrs.find(std::string(name));
  if (it == node.attrs.end()) {
    return Status::InvalidArgument("node " + node.Describe() + " has no attribute '" +
                                   std::string(name) + "'");
  }
  // An empty list may arrive as an unset value.
  if (it->second.value_case() != kind &&
      !(kind == AttrValue::kList && it->second.value_case() == AttrValue::VALUE_NOT_SET)) {
    return Status::InvalidArgument("attribute '" + std::string(name) + "' of node " +
                                   node.Describe() + " is a " + KindName(it->second.value_case()) +
                                   ", expected a " + KindName(kind));
  }
  return &it->second;
}

StatusOr<DataType> ToDataType(const Node& node, std::string_view name, int value) {
  auto dtype = DataTypeFromProto(value);
  if (!dtype.ok()) {
    return dtype.status().WithContext("in attribute '" + std::string(name) + "' of node " +
                                      node.Describe());
  }
  return dtype;
}

}  // namespace

bool HasAttr(const Node& node, std::string_view name) {
  return node.attrs.contains(std::string(name));
}

StatusOr<int64_t> GetIntAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kI));
  return value->i();
}

StatusOr<float> GetFloatAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kF));
  return value->f();
}

StatusOr<bool> GetBoolAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kB));
  return value->b();
}

StatusOr<std::string> GetStringAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kS));
  return value->s();
}

StatusOr<DataType> GetTypeAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kType));
  return ToDataType(node, name, value->type());
}

StatusOr<PartialShape> GetShapeAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kShape));
  return PartialShapeFromProto(value->shape());
}

StatusOr<Tensor> GetTensorAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kTensor));
  auto tensor = TensorFromProto(value->tensor());
  if (!tensor.ok()) {
    return tensor.status().WithContext("in attribute '" + std::string(name) + "' of node " +
                                       node.Describe());
  }
  return tensor;
}

StatusOr<std::string> GetFuncAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kFunc));
  return value->func().name();
}

StatusOr<std::vector<int64_t>> GetIntListAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kList));
  return std::vector<int64_t>(value->list().i().begin(), value->list().i().end());
}

StatusOr<std::vector<float>> GetFloatListAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kList));
  return std::vector<float>(value->list().f().begin(), value->list().f().end());
}

StatusOr<std::vector<std::string>> GetStringListAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kList));
  return std::vector<std::string>(value->list().s().begin(), value->list().s().end());
}

StatusOr<std::vector<DataType>> GetTypeListAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kList));
  std::vector<DataType> types;
  for (int t : value->list().type()) {
    TFTRT_ASSIGN_OR_RETURN(DataType dtype, ToDataType(node, name, t));
    types.push_back(dtype);
  }
  return types;
}

PartialShape RecordedOutputShape(const Node& node, int index) {
  if (!HasAttr(node, kRecordedShapesAttr)) return PartialShape();
  StatusOr<std::vector<PartialShape>> shapes = GetShapeListAttr(node, kRecordedShapesAttr);
  if (!shapes.ok() || index >= static_cast<int>(shapes->size())) return PartialShape();
  return (*shapes)[index];
}

StatusOr<std::vector<PartialShape>> GetShapeListAttr(const Node& node, std::string_view name) {
  TFTRT_ASSIGN_OR_RETURN(const AttrValue* value, Find(node, name, AttrValue::kList));
  std::vector<PartialShape> shapes;
  for (const auto& proto : value->list().shape()) {
    TFTRT_ASSIGN_OR_RETURN(PartialShape shape, PartialShapeFromProto(proto));
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

StatusOr<int64_t> GetIntAttrOr(const Node& node, std::string_view name, int64_t fallback) {
  return HasAttr(node, name) ? GetIntAttr(node, name) : StatusOr<int64_t>(fallback);
}
StatusOr<float> GetFloatAttrOr(const Node& node, std::string_view name, float fallback) {
  return HasAttr(node, name) ? GetFloatAttr(node, name) : StatusOr<float>(fallback);
}
StatusOr<bool> GetBoolAttrOr(const Node& node, std::string_view name, bool fallback) {
  return HasAttr(node, name) ? GetBoolAttr(node, name) : StatusOr<bool>(fallback);
}
StatusOr<std::string> GetStringAttrOr(const Node& node, std::string_view name,
                                      std::string fallback) {
  return HasAttr(node, name) ? GetStringAttr(node, name)
                             : StatusOr<std::string>(std::move(fallback));
}

AttrValue IntAttr(int64_t value) {
  AttrValue a;
  a.set_i(value);
  return a;
}
AttrValue FloatAttr(float value) {
  AttrValue a;
  a.set_f(value);
  return a;
}
AttrValue BoolAttr(bool value) {
  AttrValue a;
  a.set_b(value);
  return a;
}
AttrValue StringAttr(std::string value) {
  AttrValue a;
  a.set_s(std::move(value));
  return a;
}
AttrValue TypeAttr(DataType value) {
  AttrValue a;
  a.set_type(DataTypeToProto(value));
  return a;
}
AttrValue ShapeAttr(const PartialShape& value) {
  AttrValue a;
  PartialShapeToProto(value, a.mutable_shape());
  return a;
}
AttrValue TensorAttr(const Tensor& value) {
  AttrValue a;
  TensorToProto(value, a.mutable_tensor());
  return a;
}
AttrValue FuncAttr(std::string function_name) {
  AttrValue a;
  a.mutable_func()->set_name(std::move(function_name));
  return a;
}
AttrValue IntListAttr(const std::vector<int64_t>& values) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (int64_t v : values) list->add_i(v);
  return a;
}
AttrValue StringListAttr(const std::vector<std::string>& values) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (const std::string& v : values) list->add_s(v);
  return a;
}
AttrValue TypeListAttr(const std::vector<DataType>& values) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (DataType v : values) list->add_type(DataTypeToProto(v));
  return a;
}
AttrValue ShapeListAttr(const std::vector<PartialShape>& values) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (const PartialShape& v : values) PartialShapeToProto(v, list->add_shape());
  return a;
}

}  // namespace tftrt
