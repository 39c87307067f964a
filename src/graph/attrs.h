// Typed access to a node's attributes (TF AttrValue protos), with errors that name the
// node and the attribute. Defaults stripped by the SavedModel writer are restored at
// import, so a missing attribute here means the graph really lacks it.
#ifndef TFTRT_GRAPH_ATTRS_H_
#define TFTRT_GRAPH_ATTRS_H_

#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"

namespace tftrt {

bool HasAttr(const Node& node, std::string_view name);

StatusOr<int64_t> GetIntAttr(const Node& node, std::string_view name);
StatusOr<float> GetFloatAttr(const Node& node, std::string_view name);
StatusOr<bool> GetBoolAttr(const Node& node, std::string_view name);
StatusOr<std::string> GetStringAttr(const Node& node, std::string_view name);
StatusOr<DataType> GetTypeAttr(const Node& node, std::string_view name);
StatusOr<PartialShape> GetShapeAttr(const Node& node, std::string_view name);
StatusOr<Tensor> GetTensorAttr(const Node& node, std::string_view name);
// The function name of a "func" attribute.
StatusOr<std::string> GetFuncAttr(const Node& node, std::string_view name);
StatusOr<std::vector<int64_t>> GetIntListAttr(const Node& node, std::string_view name);
StatusOr<std::vector<float>> GetFloatListAttr(const Node& node, std::string_view name);
StatusOr<std::vector<std::string>> GetStringListAttr(const Node& node, std::string_view name);
StatusOr<std::vector<DataType>> GetTypeListAttr(const Node& node, std::string_view name);
StatusOr<std::vector<PartialShape>> GetShapeListAttr(const Node& node, std::string_view name);

// As above, but `fallback` when the attribute is absent (a present attribute of the wrong
// kind is still an error).
StatusOr<int64_t> GetIntAttrOr(const Node& node, std::string_view name, int64_t fallback);
StatusOr<float> GetFloatAttrOr(const Node& node, std::string_view name, float fallback);
StatusOr<bool> GetBoolAttrOr(const Node& node, std::string_view name, bool fallback);
StatusOr<std::string> GetStringAttrOr(const Node& node, std::string_view name,
                                      std::string fallback);

// TensorFlow records each node's output shapes, as its shape inference saw them when it
// traced the function, in this attribute: a list with one shape per output.
inline constexpr char kRecordedShapesAttr[] = "_output_shapes";
// Output `index`'s shape as recorded in kRecordedShapesAttr; unknown rank where the node
// has no (or no valid) record.
PartialShape RecordedOutputShape(const Node& node, int index);

// Builders for attributes of nodes that tftrt creates.
tensorflow::AttrValue IntAttr(int64_t value);
tensorflow::AttrValue FloatAttr(float value);
tensorflow::AttrValue BoolAttr(bool value);
tensorflow::AttrValue StringAttr(std::string value);
tensorflow::AttrValue TypeAttr(DataType value);
tensorflow::AttrValue ShapeAttr(const PartialShape& value);
tensorflow::AttrValue TensorAttr(const Tensor& value);
tensorflow::AttrValue FuncAttr(std::string function_name);
tensorflow::AttrValue IntListAttr(const std::vector<int64_t>& values);
tensorflow::AttrValue StringListAttr(const std::vector<std::string>& values);
tensorflow::AttrValue TypeListAttr(const std::vector<DataType>& values);
tensorflow::AttrValue ShapeListAttr(const std::vector<PartialShape>& values);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_ATTRS_H_
