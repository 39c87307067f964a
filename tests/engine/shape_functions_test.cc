// The converters' shape functions and lowerings (engine/ops/*_converters.cc): every
// registered op has a shape function whose answers are TF's, and which agree with the
// native kernel's output shapes on the same inputs; heavy layers get TF's pads.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "engine/engine_test_util.h"
#include "engine/ops/op_converter.h"
#include "graph/attrs.h"
#include "runtime/kernel.h"

namespace tftrt {
namespace {

using ::tftrt::testing::RandomTensor;

// One operand of a case: its value, and whether the shape function may see it (a
// constant: a weight or a folded value).
struct Arg {
  Tensor tensor;
  bool constant = false;
};

Arg F(Shape shape) { return {RandomTensor(std::move(shape), 7), false}; }
Arg B(Shape shape) { return {Tensor(DataType::kBool, std::move(shape)), false}; }
Arg IdxT(Shape shape) { return {Tensor(DataType::kInt32, std::move(shape)), false}; }  // zeros
Arg C(std::vector<int32_t> values) { return {Tensor::FromVector(values), true}; }
Arg C(std::vector<int32_t> values, Shape shape) {
  return {Tensor::FromVector(values, std::move(shape)), true};
}
Arg S(int32_t value) { return {Tensor::Scalar(value), true}; }
Arg CF(Shape shape) { return {RandomTensor(std::move(shape), 11), true}; }  // float weight
Arg SF(float value) { return {Tensor::Scalar(value), true}; }

struct Case {
  std::string op;
  AttrMap attrs;
  std::vector<Arg> inputs;
  std::vector<Shape> expected;  // TF's answer
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  os << c.op << "(";
  for (const Arg& a : c.inputs) os << ShapeToString(a.tensor.shape()) << " ";
  return os << ")";
}

Node MakeNode(const std::string& op, AttrMap attrs) {
  Node node;
  node.name = "n_" + op;
  node.op = op;
  node.attrs = std::move(attrs);
  return node;
}

std::vector<LayerInput> LayerInputs(const std::vector<Arg>& args) {
  std::vector<LayerInput> inputs;
  for (const Arg& a : args) {
    inputs.push_back({a.tensor.dtype(), a.tensor.shape(), a.constant ? &a.tensor : nullptr});
  }
  return inputs;
}

StatusOr<std::vector<Shape>> InferShapes(const std::string& op, const AttrMap& attrs,
                                         const std::vector<Arg>& args) {
  const OpConverter* converter = ConverterTable::Global().Find(op);
  if (converter == nullptr || converter->shape == nullptr) {
    return Status::NotFound("no shape function for " + op);
  }
  Node node = MakeNode(op, attrs);
  return converter->shape(node, LayerInputs(args));
}

AttrMap Attrs(std::initializer_list<std::pair<const std::string, tensorflow::AttrValue>> list) {
  return AttrMap(list);
}

tensorflow::AttrValue Ints(std::vector<int64_t> v) { return IntListAttr(v); }

AttrMap Conv(std::vector<int64_t> strides, const char* padding,
             std::vector<int64_t> dilations = {1, 1, 1, 1},
             std::vector<int64_t> explicit_pads = {}) {
  AttrMap attrs = {{"strides", Ints(strides)},
                   {"padding", StringAttr(padding)},
                   {"dilations", Ints(dilations)},
                   {"data_format", StringAttr("NHWC")},
                   {"T", TypeAttr(DataType::kFloat)}};
  if (!explicit_pads.empty()) attrs["explicit_paddings"] = Ints(explicit_pads);
  return attrs;
}

AttrMap Pool(std::vector<int64_t> ksize, std::vector<int64_t> strides, const char* padding) {
  return {{"ksize", Ints(ksize)},
          {"strides", Ints(strides)},
          {"padding", StringAttr(padding)},
          {"data_format", StringAttr("NHWC")},
          {"T", TypeAttr(DataType::kFloat)}};
}

AttrMap StridedSliceMasks(int64_t begin, int64_t end, int64_t ellipsis, int64_t new_axis,
                          int64_t shrink) {
  return {{"begin_mask", IntAttr(begin)},        {"end_mask", IntAttr(end)},
          {"ellipsis_mask", IntAttr(ellipsis)},  {"new_axis_mask", IntAttr(new_axis)},
          {"shrink_axis_mask", IntAttr(shrink)}, {"T", TypeAttr(DataType::kFloat)},
          {"Index", TypeAttr(DataType::kInt32)}};
}

AttrMap T() { return {{"T", TypeAttr(DataType::kFloat)}}; }

// Expected shapes are TensorFlow's (tf.nn / tf.raw_ops in eager mode give these).
std::vector<Case> Cases() {
  std::vector<Case> cases = {
      // Elementwise.
      {"Relu", T(), {F({2, 3})}, {{2, 3}}},
      {"Exp", T(), {F({4})}, {{4}}},
      {"Neg", T(), {F({})}, {{}}},
      {"Add", T(), {F({2, 1, 3}), F({4, 1})}, {{2, 4, 3}}},
      {"AddV2", T(), {F({8, 1, 6, 1}), F({7, 1, 5})}, {{8, 7, 6, 5}}},
      {"Mul", T(), {F({5}), F({})}, {{5}}},
      {"Sub", T(), {F({0, 3}), F({1, 3})}, {{0, 3}}},
      {"RealDiv", T(), {F({3, 1}), F({1, 4})}, {{3, 4}}},
      {"Maximum", T(), {F({2, 3}), F({3})}, {{2, 3}}},
      {"SquaredDifference", T(), {F({1, 5}), F({4, 1})}, {{4, 5}}},
      {"Greater", T(), {F({2, 3}), F({2, 1})}, {{2, 3}}},
      {"LogicalAnd", {}, {B({2, 1}), B({1, 3})}, {{2, 3}}},
      {"LogicalNot", {}, {B({4})}, {{4}}},
      {"BiasAdd", T(), {F({2, 5, 5, 3}), F({3})}, {{2, 5, 5, 3}}},
      {"AddN",
       Attrs({{"N", IntAttr(3)}, {"T", TypeAttr(DataType::kFloat)}}),
       {F({2, 3}), F({2, 3}), F({2, 3})},
       {{2, 3}}},
      {"ClipByValue", T(), {F({2, 3}), F({}), F({})}, {{2, 3}}},
      {"ClipByValue", T(), {F({2, 3}), F({2, 3}), F({})}, {{2, 3}}},
      {"Cast",
       Attrs({{"SrcT", TypeAttr(DataType::kFloat)}, {"DstT", TypeAttr(DataType::kInt32)}}),
       {F({3, 2})},
       {{3, 2}}},
      {"Select", T(), {B({2, 3}), F({2, 3}), F({2, 3})}, {{2, 3}}},
      {"Select", T(), {B({2}), F({2, 3}), F({2, 3})}, {{2, 3}}},
      {"Select", T(), {B({}), F({2, 3}), F({2, 3})}, {{2, 3}}},
      {"SelectV2", T(), {B({2, 1}), F({1, 3}), F({})}, {{2, 3}}},
      {"Softmax", T(), {F({2, 7})}, {{2, 7}}},
      {"LogSoftmax", T(), {F({3})}, {{3}}},
      // Convolutions: SAME / VALID / EXPLICIT, strides, dilations, groups, depthwise.
      {"Conv2D", Conv({1, 1, 1, 1}, "SAME"), {F({1, 5, 5, 3}), CF({3, 3, 3, 8})}, {{1, 5, 5, 8}}},
      {"Conv2D", Conv({1, 2, 2, 1}, "SAME"), {F({1, 8, 8, 3}), CF({3, 3, 3, 4})}, {{1, 4, 4, 4}}},
      {"Conv2D", Conv({1, 2, 2, 1}, "SAME"), {F({2, 7, 9, 3}), CF({3, 3, 3, 4})}, {{2, 4, 5, 4}}},
      {"Conv2D", Conv({1, 2, 2, 1}, "VALID"), {F({1, 7, 7, 2}), CF({3, 3, 2, 4})}, {{1, 3, 3, 4}}},
      {"Conv2D",
       Conv({1, 1, 1, 1}, "VALID", {1, 2, 2, 1}),
       {F({1, 9, 9, 2}), CF({3, 3, 2, 2})},
       {{1, 5, 5, 2}}},
      {"Conv2D",
       Conv({1, 1, 1, 1}, "SAME", {1, 2, 3, 1}),
       {F({1, 9, 10, 2}), CF({3, 3, 2, 2})},
       {{1, 9, 10, 2}}},
      {"Conv2D", Conv({1, 3, 1, 1}, "SAME"), {F({1, 10, 4, 2}), CF({1, 5, 2, 2})}, {{1, 4, 4, 2}}},
      {"Conv2D",
       Conv({1, 1, 1, 1}, "EXPLICIT", {1, 1, 1, 1}, {0, 0, 1, 2, 3, 0, 0, 0}),
       {F({1, 5, 5, 2}), CF({3, 3, 2, 2})},
       {{1, 6, 6, 2}}},
      {"Conv2D", Conv({1, 1, 1, 1}, "VALID"), {F({1, 4, 4, 6}), CF({1, 1, 3, 4})}, {{1, 4, 4, 4}}},
      {"DepthwiseConv2dNative",
       Conv({1, 1, 1, 1}, "SAME"),
       {F({1, 6, 6, 3}), CF({3, 3, 3, 2})},
       {{1, 6, 6, 6}}},
      {"DepthwiseConv2dNative",
       Conv({1, 2, 2, 1}, "VALID"),
       {F({2, 7, 7, 4}), CF({3, 3, 4, 1})},
       {{2, 3, 3, 4}}},
      {"Conv2DBackpropInput",
       Conv({1, 2, 2, 1}, "SAME"),
       {C({1, 8, 8, 3}), CF({3, 3, 3, 4}), F({1, 4, 4, 4})},
       {{1, 8, 8, 3}}},
      {"Conv2DBackpropInput",
       Conv({1, 2, 2, 1}, "VALID"),
       {C({2, 7, 7, 2}), CF({3, 3, 2, 5}), F({2, 3, 3, 5})},
       {{2, 7, 7, 2}}},
      // Pooling.
      {"MaxPool", Pool({1, 2, 2, 1}, {1, 2, 2, 1}, "VALID"), {F({1, 4, 4, 3})}, {{1, 2, 2, 3}}},
      {"MaxPool", Pool({1, 3, 3, 1}, {1, 2, 2, 1}, "SAME"), {F({1, 5, 5, 3})}, {{1, 3, 3, 3}}},
      {"MaxPool", Pool({1, 3, 3, 1}, {1, 2, 2, 1}, "VALID"), {F({2, 7, 6, 1})}, {{2, 3, 2, 1}}},
      {"AvgPool", Pool({1, 2, 2, 1}, {1, 1, 1, 1}, "SAME"), {F({1, 3, 3, 2})}, {{1, 3, 3, 2}}},
      {"AvgPool", Pool({1, 3, 2, 1}, {1, 2, 3, 1}, "VALID"), {F({1, 9, 8, 2})}, {{1, 4, 3, 2}}},
      // Matrix products.
      {"MatMul", T(), {F({2, 3}), F({3, 4})}, {{2, 4}}},
      {"MatMul",
       Attrs({{"transpose_a", BoolAttr(true)}, {"transpose_b", BoolAttr(true)}}),
       {F({3, 2}), F({4, 3})},
       {{2, 4}}},
      {"BatchMatMul", T(), {F({5, 2, 3}), F({5, 3, 4})}, {{5, 2, 4}}},
      {"BatchMatMulV2",
       Attrs({{"adj_x", BoolAttr(true)}}),
       {F({2, 1, 3, 2}), F({4, 3, 5})},
       {{2, 4, 2, 5}}},
      {"BatchMatMulV3",
       Attrs({{"adj_y", BoolAttr(true)}, {"Tout", TypeAttr(DataType::kFloat)}}),
       {F({3, 2, 4}), F({1, 6, 4})},
       {{3, 2, 6}}},
      {"Einsum",
       Attrs({{"equation", StringAttr("abc,cd->abd")}}),
       {F({2, 3, 4}), F({4, 5})},
       {{2, 3, 5}}},
      {"Einsum",
       Attrs({{"equation", StringAttr("aecd,abcd->acbe")}}),
       {F({2, 5, 3, 4}), F({2, 6, 3, 4})},
       {{2, 3, 6, 5}}},
      {"Einsum",
       Attrs({{"equation", StringAttr("acbe,aecd->abcd")}}),
       {F({2, 3, 6, 5}), F({2, 5, 3, 4})},
       {{2, 6, 3, 4}}},
      {"Einsum",
       Attrs({{"equation", StringAttr("...ij,...jk->...ik")}}),
       {F({2, 3, 4}), F({4, 5})},
       {{2, 3, 5}}},
      {"Einsum", Attrs({{"equation", StringAttr("ij->ji")}}), {F({2, 3})}, {{3, 2}}},
      // Reductions.
      {"Sum", T(), {F({2, 3, 4}), C({1})}, {{2, 4}}},
      {"Mean", Attrs({{"keep_dims", BoolAttr(true)}}), {F({2, 3, 4}), C({-1, 0})}, {{1, 3, 1}}},
      {"Max", T(), {F({2, 3}), S(0)}, {{3}}},
      {"Prod", T(), {F({2, 3}), C({})}, {{2, 3}}},
      {"Min", Attrs({{"keep_dims", BoolAttr(false)}}), {F({2, 3}), C({0, 1})}, {{}}},
      {"ArgMax",
       Attrs({{"output_type", TypeAttr(DataType::kInt32)}}),
       {F({2, 3, 4}), S(-1)},
       {{2, 3}}},
      {"ArgMin",
       Attrs({{"output_type", TypeAttr(DataType::kInt32)}}),
       {F({2, 3, 4}), S(1)},
       {{2, 4}}},
      {"TopKV2", Attrs({{"sorted", BoolAttr(true)}}), {F({2, 3, 5}), S(2)}, {{2, 3, 2}, {2, 3, 2}}},
      {"TopKV2", Attrs({{"sorted", BoolAttr(true)}}), {F({4}), S(0)}, {{0}, {0}}},
      // CombinedNonMaxSuppression: max_total_size detections, or with pad_per_class at
      // most max_size_per_class per class.
      {"CombinedNonMaxSuppression",
       Attrs({{"pad_per_class", BoolAttr(false)}}),
       {F({2, 10, 1, 4}), F({2, 10, 3}), S(4), S(5), SF(0.5f), SF(0.1f)},
       {{2, 5, 4}, {2, 5}, {2, 5}, {2}}},
      {"CombinedNonMaxSuppression",
       Attrs({{"pad_per_class", BoolAttr(true)}}),
       {F({2, 10, 1, 4}), F({2, 10, 3}), S(1), S(5), SF(0.5f), SF(0.1f)},
       {{2, 3, 4}, {2, 3}, {2, 3}, {2}}},
      {"CombinedNonMaxSuppression",
       Attrs({{"pad_per_class", BoolAttr(true)}}),
       {F({1, 6, 3, 4}), F({1, 6, 3}), S(2), S(10), SF(0.5f), SF(0.1f)},
       {{1, 6, 4}, {1, 6}, {1, 6}, {1}}},
      // Batch norm.
      {"FusedBatchNormV3",
       Attrs({{"is_training", BoolAttr(false)}}),
       {F({2, 4, 4, 3}), CF({3}), CF({3}), CF({3}), {RandomTensor({3}, 3, 0.5f, 1.0f), true}},
       {{2, 4, 4, 3}, {3}, {3}, {3}, {3}, {}}},
      {"FusedBatchNorm",
       Attrs({{"is_training", BoolAttr(false)}}),
       {F({1, 2, 2, 5}), CF({5}), CF({5}), CF({5}), {RandomTensor({5}, 3, 0.5f, 1.0f), true}},
       {{1, 2, 2, 5}, {5}, {5}, {5}, {5}}},
      // Engine-only ops (engine/gelu_folding.h, engine/layer_norm_folding.h,
      // engine/attention_folding.h).
      {"_TftrtGelu", T(), {F({2, 5})}, {{2, 5}}},
      {"_TftrtAttention",
       Attrs({{"scale", FloatAttr(0.25f)}}),
       {F({2, 5, 3, 8}), F({2, 6, 3, 8}), F({2, 6, 3, 8})},
       {{2, 5, 3, 8}}},
      {"_TftrtLayerNorm",
       Attrs({{"epsilon", FloatAttr(1e-3f)}}),
       {F({2, 3, 4}), CF({4}), CF({4})},
       {{2, 3, 4}}},
      // Data movement.
      {"Reshape", T(), {F({2, 3, 4}), C({-1, 4})}, {{6, 4}}},
      {"Reshape", T(), {F({2, 3, 4}), C({4, 3, 2})}, {{4, 3, 2}}},
      {"Reshape", T(), {F({0, 3}), C({-1, 0})}, {{3, 0}}},
      {"Transpose", T(), {F({2, 3, 4}), C({2, 0, 1})}, {{4, 2, 3}}},
      {"ExpandDims", T(), {F({2, 3}), S(-1)}, {{2, 3, 1}}},
      {"ExpandDims", T(), {F({2, 3}), S(0)}, {{1, 2, 3}}},
      {"Squeeze", Attrs({{"squeeze_dims", Ints({})}}), {F({1, 2, 1, 3})}, {{2, 3}}},
      {"Squeeze", Attrs({{"squeeze_dims", Ints({-2})}}), {F({1, 2, 1, 3})}, {{1, 2, 3}}},
      {"Pack",
       Attrs({{"axis", IntAttr(1)}, {"N", IntAttr(3)}}),
       {F({2, 4}), F({2, 4}), F({2, 4})},
       {{2, 3, 4}}},
      {"Pack", Attrs({{"axis", IntAttr(-1)}, {"N", IntAttr(2)}}), {F({2}), F({2})}, {{2, 2}}},
      {"Unpack",
       Attrs({{"axis", IntAttr(1)}, {"num", IntAttr(3)}}),
       {F({2, 3, 4})},
       {{2, 4}, {2, 4}, {2, 4}}},
      {"ConcatV2", Attrs({{"N", IntAttr(2)}}), {F({2, 3}), F({2, 5}), S(-1)}, {{2, 8}}},
      {"ConcatV2", Attrs({{"N", IntAttr(3)}}), {F({1, 3}), F({2, 3}), F({4, 3}), S(0)}, {{7, 3}}},
      {"Split", Attrs({{"num_split", IntAttr(2)}}), {S(1), F({3, 8})}, {{3, 4}, {3, 4}}},
      {"SplitV",
       Attrs({{"num_split", IntAttr(3)}}),
       {F({3, 10}), C({2, -1, 3}), S(1)},
       {{3, 2}, {3, 5}, {3, 3}}},
      {"Slice", T(), {F({4, 5, 6}), C({1, 0, 2}), C({2, -1, 3})}, {{2, 5, 3}}},
      {"StridedSlice", StridedSliceMasks(0, 0, 0, 0, 0), {F({10}), C({2}), C({8}), C({2})}, {{3}}},
      {"StridedSlice",
       StridedSliceMasks(1, 1, 0, 0, 0),
       {F({10}), C({2}), C({8}), C({-1})},
       {{10}}},
      {"StridedSlice",
       StridedSliceMasks(0, 0, 0, 0, 1),
       {F({4, 5}), C({1}), C({2}), C({1})},
       {{5}}},
      {"StridedSlice",
       StridedSliceMasks(0, 0, 1, 0, 0),
       {F({2, 3, 4}), C({0, 1}), C({0, 3}), C({1, 1})},
       {{2, 3, 2}}},
      {"StridedSlice",
       StridedSliceMasks(0, 0, 0, 2, 0),
       {F({3, 4}), C({0, 0, 0}), C({2, 0, 4}), C({1, 1, 2})},
       {{2, 1, 2}}},
      {"StridedSlice",
       StridedSliceMasks(2, 2, 0, 0, 1),
       {F({3, 4}), C({-1, 0}), C({0, 0}), C({1, 1})},
       {{4}}},
      {"StridedSlice",
       StridedSliceMasks(0, 0, 0, 0, 0),
       {F({5}), C({-100}), C({100}), C({1})},
       {{5}}},
      {"Pad", T(), {F({2, 3}), C({1, 1, 0, 2}, {2, 2})}, {{4, 5}}},
      {"PadV2", T(), {F({2, 3}), C({0, 1, 2, 0}, {2, 2}), {Tensor::Scalar(0.5f), true}}, {{3, 5}}},
      {"MirrorPad",
       Attrs({{"mode", StringAttr("REFLECT")}}),
       {F({3, 4}), C({2, 2, 1, 3}, {2, 2})},
       {{7, 8}}},
      {"MirrorPad",
       Attrs({{"mode", StringAttr("SYMMETRIC")}}),
       {F({3, 4}), C({3, 0, 0, 4}, {2, 2})},
       {{6, 8}}},
      {"Tile", T(), {F({2, 3}), C({2, 1})}, {{4, 3}}},
      {"Fill", T(), {C({2, 3}), F({})}, {{2, 3}}},
      {"Fill", T(), {C({0, 4}), F({})}, {{0, 4}}},
      {"Fill", T(), {C({}, {0}), B({})}, {{}}},
      {"GatherV2", T(), {F({5, 4}), IdxT({2, 3}), S(0)}, {{2, 3, 4}}},
      {"GatherV2", T(), {F({5, 4, 3}), IdxT({2}), S(-2)}, {{5, 2, 3}}},
      {"GatherV2",
       Attrs({{"batch_dims", IntAttr(1)}}),
       {F({2, 5, 4}), IdxT({2, 3}), S(1)},
       {{2, 3, 4}}},
      {"Shape", Attrs({{"out_type", TypeAttr(DataType::kInt32)}}), {F({2, 3, 4})}, {{3}}},
      {"Identity", T(), {F({2, 3})}, {{2, 3}}},
      {"Snapshot", T(), {F({3})}, {{3}}},
      {"StopGradient", T(), {F({})}, {{}}},
      {"ResizeBilinear",
       Attrs({{"align_corners", BoolAttr(false)}}),
       {F({1, 4, 4, 3}), C({8, 6})},
       {{1, 8, 6, 3}}},
      {"ResizeNearestNeighbor",
       Attrs({{"align_corners", BoolAttr(false)}}),
       {F({2, 5, 5, 1}), C({3, 3})},
       {{2, 3, 3, 1}}},
      {"ResizeBicubic",
       Attrs({{"align_corners", BoolAttr(false)}, {"half_pixel_centers", BoolAttr(true)}}),
       {F({1, 4, 5, 2}), C({9, 7})},
       {{1, 9, 7, 2}}},
      // 3-D convolution and pooling (NDHWC), space / depth rearrangements.
      {"Conv3D",
       Attrs({{"strides", Ints({1, 1, 2, 2, 1})}, {"padding", StringAttr("SAME")}}),
       {F({2, 4, 7, 8, 3}), CF({3, 3, 3, 3, 5})},
       {{2, 4, 4, 4, 5}}},
      {"Conv3D",
       Attrs({{"strides", Ints({1, 1, 1, 1, 1})},
              {"padding", StringAttr("VALID")},
              {"dilations", Ints({1, 2, 1, 1, 1})}}),
       {F({1, 6, 5, 5, 2}), CF({2, 3, 3, 2, 4})},
       {{1, 4, 3, 3, 4}}},
      {"MaxPool3D",
       Attrs({{"ksize", Ints({1, 1, 2, 2, 1})},
              {"strides", Ints({1, 1, 2, 2, 1})},
              {"padding", StringAttr("VALID")}}),
       {F({2, 4, 12, 12, 8})},
       {{2, 4, 6, 6, 8}}},
      {"AvgPool3D",
       Attrs({{"ksize", Ints({1, 2, 2, 2, 1})},
              {"strides", Ints({1, 2, 2, 2, 1})},
              {"padding", StringAttr("SAME")}}),
       {F({1, 3, 5, 4, 2})},
       {{1, 2, 3, 2, 2}}},
      {"SpaceToDepth", Attrs({{"block_size", IntAttr(2)}}), {F({2, 4, 6, 3})}, {{2, 2, 3, 12}}},
      {"DepthToSpace", Attrs({{"block_size", IntAttr(2)}}), {F({1, 3, 2, 8})}, {{1, 6, 4, 2}}},
  };
  // The other elementwise ops, on a broadcast (binary) or any shape (unary).
  for (const char* op :
       {"Abs",   "Acos", "Acosh",   "Asin",     "Asinh",    "Atan",   "Atanh",      "Ceil",
        "Cos",   "Cosh", "Erf",     "Erfc",     "Floor",    "Log",    "Log1p",      "Round",
        "Rsqrt", "Sign", "Sin",     "Sinh",     "Sqrt",     "Square", "Tan",        "Elu",
        "Relu6", "Selu", "Sigmoid", "Softplus", "Softsign", "Tanh",   "Reciprocal", "LeakyRelu"}) {
    cases.push_back({op, T(), {F({2, 1, 3})}, {{2, 1, 3}}});
  }
  for (const char* op : {"Div", "Minimum", "Pow", "FloorDiv", "FloorMod", "Equal", "NotEqual",
                         "GreaterEqual", "Less", "LessEqual"}) {
    cases.push_back({op, T(), {F({3, 1}), F({2, 1, 4})}, {{2, 3, 4}}});
  }
  cases.push_back({"LogicalOr", {}, {B({}), B({2, 2})}, {{2, 2}}});
  // Quantization simulation keeps its input's shape.
  cases.push_back({"FakeQuantWithMinMaxArgs", {}, {F({2, 3, 4})}, {{2, 3, 4}}});
  cases.push_back({"FakeQuantWithMinMaxVars", {}, {F({5}), SF(-1), SF(1)}, {{5}}});
  for (const char* op : {"QuantizeAndDequantizeV2", "QuantizeAndDequantizeV4"}) {
    cases.push_back(
        {op, Attrs({{"range_given", BoolAttr(true)}}), {F({2, 7}), SF(-1), SF(1)}, {{2, 7}}});
  }
  cases.push_back({"QuantizeAndDequantizeV3", T(), {F({3, 2}), SF(-2), SF(2), S(8)}, {{3, 2}}});
  cases.push_back(
      {"FusedBatchNormV2",
       Attrs({{"is_training", BoolAttr(false)}}),
       {F({1, 3, 3, 2}), CF({2}), CF({2}), CF({2}), {RandomTensor({2}, 3, 0.5f, 1.0f), true}},
       {{1, 3, 3, 2}, {2}, {2}, {2}, {2}}});
  return cases;
}

TEST(ShapeFunctionsTest, MatchTensorFlow) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(::testing::PrintToString(c));
    auto shapes = InferShapes(c.op, c.attrs, c.inputs);
    ASSERT_TRUE(shapes.ok()) << shapes.status().message();
    EXPECT_EQ(*shapes, c.expected);
  }
}

// The strong check: the native kernel, run on inputs of these shapes, gives outputs of
// exactly the shapes the shape function computes.
TEST(ShapeFunctionsTest, AgreeWithNativeKernels) {
  int checked = 0;
  for (const Case& c : Cases()) {
    SCOPED_TRACE(::testing::PrintToString(c));
    KernelFn kernel = KernelRegistry::Global().Find(c.op);
    if (kernel == nullptr) continue;
    Node node = MakeNode(c.op, c.attrs);
    std::vector<Tensor> tensors;
    for (const Arg& a : c.inputs) tensors.push_back(a.tensor);
    OpKernelContext ctx(node, std::move(tensors), nullptr);
    Status status = kernel(ctx);
    ASSERT_TRUE(status.ok()) << status.message();
    std::vector<Shape> kernel_shapes;
    for (const Tensor& t : ctx.outputs()) kernel_shapes.push_back(t.shape());
    auto shapes = InferShapes(c.op, c.attrs, c.inputs);
    ASSERT_TRUE(shapes.ok()) << shapes.status().message();
    EXPECT_EQ(*shapes, kernel_shapes);
    ++checked;
  }
  EXPECT_GT(checked, 80);
}

// Every registered op has at least one case above.
TEST(ShapeFunctionsTest, EveryConverterHasACase) {
  std::set<std::string> covered;
  for (const Case& c : Cases()) covered.insert(c.op);
  for (const std::string& op : ConverterTable::Global().Ops()) {
    EXPECT_TRUE(covered.contains(op)) << "no shape case for " << op;
  }
}

// A future converter without its hooks fails here. Engine-only ops are made by network
// rewrites with their parameters, never lowered from a TF node.
TEST(ShapeFunctionsTest, EveryConverterHasItsHooks) {
  for (const std::string& op : ConverterTable::Global().Ops()) {
    const OpConverter* converter = ConverterTable::Global().Find(op);
    EXPECT_NE(converter->shape, nullptr) << op << " has no shape function";
    const bool needs_lower = !IsEngineOnlyOp(op) && (converter->kind == LAYER_KIND_CONVOLUTION ||
                                                     converter->kind == LAYER_KIND_POOLING ||
                                                     converter->kind == LAYER_KIND_MATMUL);
    if (needs_lower) {
      EXPECT_NE(converter->lower, nullptr) << op << " has no lowering";
    }
  }
}

struct ErrorCase {
  std::string op;
  AttrMap attrs;
  std::vector<Arg> inputs;
  std::string message_part;
};

TEST(ShapeFunctionsTest, RejectInputsThatDoNotFit) {
  const std::vector<ErrorCase> cases = {
      {"Add", T(), {F({2, 3}), F({4})}, "Incompatible shapes"},
      {"SelectV2", T(), {B({3}), F({2}), F({2})}, "Incompatible shapes"},
      {"Select", T(), {B({3}), F({2, 3}), F({2, 3})}, "condition"},
      {"Select", T(), {B({2}), F({2, 3}), F({2, 2})}, "same shape"},
      {"AddN", T(), {F({2, 3}), F({3})}, "same shape"},
      {"BiasAdd", T(), {F({2, 3}), F({2})}, "bias"},
      {"Softmax", T(), {F({})}, "logits"},
      {"Conv2D", Conv({1, 1, 1, 1}, "VALID"), {F({1, 1, 1, 3}), CF({3, 3, 3, 4})}, "negative"},
      {"Conv2D", Conv({1, 1, 1, 1}, "SAME"), {F({1, 5, 5}), CF({3, 3, 3, 4})}, "4-dimensional"},
      {"Conv2D", Conv({1, 1, 1, 1}, "SAME"), {F({1, 5, 5, 4}), CF({3, 3, 3, 4})}, "multiple"},
      {"Conv2DBackpropInput",
       Conv({1, 2, 2, 1}, "SAME"),
       {IdxT({4}), CF({3, 3, 3, 4}), F({1, 4, 4, 4})},
       "input_sizes"},
      {"Conv2DBackpropInput",
       Conv({1, 2, 2, 1}, "SAME"),
       {C({1, 8, 8, 3}), CF({3, 3, 3, 4}), F({1, 5, 5, 4})},
       "out_backprop"},
      {"MatMul", T(), {F({2, 3}), F({4, 5})}, "size-incompatible"},
      {"BatchMatMul", T(), {F({2, 2, 3}), F({3, 3, 4})}, "batch dimensions"},
      {"BatchMatMulV2", T(), {F({2, 2, 3}), F({3, 3, 4})}, "broadcastable"},
      {"Einsum", Attrs({{"equation", StringAttr("ab,bc->ac")}}), {F({2, 3}), F({4, 5})}, ""},
      {"Sum", T(), {F({2, 3}), C({2})}, "out of range"},
      {"Sum", T(), {F({2, 3}), IdxT({1})}, "has no value"},
      {"Reshape", T(), {F({2, 3}), IdxT({2})}, "has no value"},
      {"Reshape", T(), {F({2, 3}), C({4, -1})}, "requires a multiple of 4"},
      {"Reshape", T(), {F({2, 3}), C({-1, -1})}, "Only one input size may be -1"},
      {"Transpose", T(), {F({2, 3}), C({0, 0})}, "permutation"},
      {"Fill", T(), {IdxT({2}), F({})}, "has no value"},
      {"Fill", T(), {C({2, -1}), F({})}, "negative"},
      {"Fill", T(), {C({2}), F({2})}, "value"},
      {"Squeeze", Attrs({{"squeeze_dims", Ints({1})}}), {F({1, 2})}, "not 1"},
      {"Pack", T(), {F({2}), F({3})}, "same shape"},
      {"Unpack", Attrs({{"num", IntAttr(2)}}), {F({3, 2})}, "num"},
      {"ConcatV2", T(), {F({2, 3}), F({3, 3}), S(1)}, "concatenated"},
      {"Split", Attrs({{"num_split", IntAttr(3)}}), {S(0), F({4})}, "equal parts"},
      {"SplitV", T(), {F({5}), C({2, 2}), S(0)}, "sum"},
      {"Slice", T(), {F({4}), C({2}), C({3})}, "does not fit"},
      {"StridedSlice", StridedSliceMasks(0, 0, 0, 0, 1), {F({4}), C({5}), C({6}), C({1})}, ""},
      {"StridedSlice",
       StridedSliceMasks(0, 0, 0, 0, 0),
       {F({4}), C({0}), C({1}), C({0})},
       "stride"},
      {"MirrorPad",
       Attrs({{"mode", StringAttr("REFLECT")}}),
       {F({3}), C({3, 0}, {1, 2})},
       "too large"},
      {"Pad", T(), {F({3}), C({1, 1, 1, 1}, {2, 2})}, "paddings"},
      {"GatherV2", T(), {F({5}), IdxT({2}), S(1)}, "out of range"},
      {"ResizeBilinear", T(), {F({1, 4, 4, 3}), C({0, 6})}, "positive"},
      {"ResizeBilinear", T(), {F({1, 4, 4, 3}), IdxT({2})}, "has no value"},
      {"TopKV2", T(), {F({2, 3}), S(4)}, "at least k columns"},
      {"TopKV2", T(), {F({}), S(0)}, ">= 1-D"},
      {"TopKV2", T(), {F({3}), C({1})}, "k must be scalar"},
      {"CombinedNonMaxSuppression",
       T(),
       {F({1, 6, 2, 4}), F({1, 6, 3}), S(2), S(4), SF(0.5f), SF(0.1f)},
       "1 or num classes"},
      {"CombinedNonMaxSuppression",
       T(),
       {F({1, 6, 1, 4}), F({1, 6, 3}), S(0), S(4), SF(0.5f), SF(0.1f)},
       "must be positive"},
      {"FusedBatchNormV3", T(), {F({2, 4, 4, 3}), CF({2}), CF({3}), CF({3}), CF({3})}, "scale"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.op + " " + c.message_part);
    auto shapes = InferShapes(c.op, c.attrs, c.inputs);
    ASSERT_FALSE(shapes.ok());
    EXPECT_EQ(shapes.status().code(), StatusCode::kInvalidArgument) << shapes.status().message();
    EXPECT_NE(shapes.status().message().find("'n_" + c.op + "' (" + c.op + ")"), std::string::npos)
        << shapes.status().message();
    EXPECT_NE(shapes.status().message().find(c.message_part), std::string::npos)
        << shapes.status().message();
  }
}

StatusOr<EngineLayer> Lower(const std::string& op, const AttrMap& attrs,
                            const std::vector<Arg>& args) {
  const OpConverter* converter = ConverterTable::Global().Find(op);
  Node node = MakeNode(op, attrs);
  EngineLayer layer;
  TFTRT_RETURN_IF_ERROR(converter->lower(node, LayerInputs(args), &layer));
  return layer;
}

TEST(LoweringTest, SameConvOnEvenInputPadsBottomRight) {
  // TF: 3x3, stride 2, SAME on 8x8 needs 1 pad, all of it after (bottom/right).
  auto layer = Lower("Conv2D", Conv({1, 2, 2, 1}, "SAME"), {F({1, 8, 8, 3}), CF({3, 3, 3, 4})});
  ASSERT_TRUE(layer.ok()) << layer.status().message();
  const ConvolutionParams& p = layer->convolution();
  EXPECT_EQ(p.kernel_h(), 3);
  EXPECT_EQ(p.kernel_w(), 3);
  EXPECT_EQ(p.stride_h(), 2);
  EXPECT_EQ(p.stride_w(), 2);
  EXPECT_EQ(p.pad_top(), 0);
  EXPECT_EQ(p.pad_bottom(), 1);
  EXPECT_EQ(p.pad_left(), 0);
  EXPECT_EQ(p.pad_right(), 1);
  EXPECT_EQ(p.groups(), 1);
  EXPECT_FALSE(p.transposed());
  EXPECT_EQ(p.layout(), "NHWC");
}

TEST(LoweringTest, ConvolutionParams) {
  // SAME, stride 1, 5x5 dilated by 2 (effective 9): 8 pads, 4 each side.
  auto dilated = Lower("Conv2D", Conv({1, 1, 1, 1}, "SAME", {1, 2, 2, 1}),
                       {F({1, 10, 10, 2}), CF({5, 5, 2, 2})});
  ASSERT_TRUE(dilated.ok()) << dilated.status().message();
  EXPECT_EQ(dilated->convolution().dilation_h(), 2);
  EXPECT_EQ(dilated->convolution().pad_top(), 4);
  EXPECT_EQ(dilated->convolution().pad_bottom(), 4);
  // SAME stride 1, 4x4 filter: 3 pads, 1 before and 2 after.
  auto even = Lower("Conv2D", Conv({1, 1, 1, 1}, "SAME"), {F({1, 6, 6, 1}), CF({4, 2, 1, 1})});
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(even->convolution().pad_top(), 1);
  EXPECT_EQ(even->convolution().pad_bottom(), 2);
  EXPECT_EQ(even->convolution().pad_left(), 0);
  EXPECT_EQ(even->convolution().pad_right(), 1);
  // EXPLICIT: explicit_paddings as given.
  auto explicit_pads =
      Lower("Conv2D", Conv({1, 1, 1, 1}, "EXPLICIT", {1, 1, 1, 1}, {0, 0, 1, 2, 3, 0, 0, 0}),
            {F({1, 5, 5, 2}), CF({3, 3, 2, 2})});
  ASSERT_TRUE(explicit_pads.ok());
  EXPECT_EQ(explicit_pads->convolution().pad_top(), 1);
  EXPECT_EQ(explicit_pads->convolution().pad_bottom(), 2);
  EXPECT_EQ(explicit_pads->convolution().pad_left(), 3);
  EXPECT_EQ(explicit_pads->convolution().pad_right(), 0);
  // VALID: no pads. Grouped: 6 channels, filter of 3 input channels.
  auto grouped = Lower("Conv2D", Conv({1, 1, 1, 1}, "VALID"), {F({1, 4, 4, 6}), CF({1, 1, 3, 4})});
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(grouped->convolution().groups(), 2);
  EXPECT_EQ(grouped->convolution().pad_bottom(), 0);
  // Depthwise: groups = channels.
  auto depthwise = Lower("DepthwiseConv2dNative", Conv({1, 1, 1, 1}, "SAME"),
                         {F({1, 6, 6, 3}), CF({3, 3, 3, 2})});
  ASSERT_TRUE(depthwise.ok());
  EXPECT_EQ(depthwise->convolution().groups(), 3);
  EXPECT_EQ(depthwise->convolution().pad_top(), 1);
  // Transposed: the pads of the forward convolution 8x8 -> 4x4 (SAME, stride 2, 3x3).
  auto transposed = Lower("Conv2DBackpropInput", Conv({1, 2, 2, 1}, "SAME"),
                          {C({1, 8, 8, 3}), CF({3, 3, 3, 4}), F({1, 4, 4, 4})});
  ASSERT_TRUE(transposed.ok()) << transposed.status().message();
  EXPECT_TRUE(transposed->convolution().transposed());
  EXPECT_EQ(transposed->convolution().pad_top(), 0);
  EXPECT_EQ(transposed->convolution().pad_bottom(), 1);
  EXPECT_EQ(transposed->convolution().kernel_h(), 3);
  EXPECT_EQ(transposed->convolution().groups(), 1);
}

TEST(LoweringTest, PoolingParams) {
  auto max = Lower("MaxPool", Pool({1, 3, 3, 1}, {1, 2, 2, 1}, "SAME"), {F({1, 6, 6, 2})});
  ASSERT_TRUE(max.ok()) << max.status().message();
  const PoolingParams& p = max->pooling();
  EXPECT_FALSE(p.average());
  EXPECT_EQ(p.window_h(), 3);
  EXPECT_EQ(p.stride_w(), 2);
  EXPECT_EQ(p.pad_top(), 0);
  EXPECT_EQ(p.pad_bottom(), 1);
  EXPECT_EQ(p.layout(), "NHWC");
  auto avg = Lower("AvgPool", Pool({1, 2, 2, 1}, {1, 2, 2, 1}, "VALID"), {F({1, 6, 6, 2})});
  ASSERT_TRUE(avg.ok());
  EXPECT_TRUE(avg->pooling().average());
  EXPECT_EQ(avg->pooling().pad_bottom(), 0);
}

TEST(LoweringTest, MatMulParams) {
  auto matmul = Lower("MatMul", Attrs({{"transpose_b", BoolAttr(true)}}), {F({2, 3}), F({4, 3})});
  ASSERT_TRUE(matmul.ok());
  EXPECT_FALSE(matmul->matmul().transpose_a());
  EXPECT_TRUE(matmul->matmul().transpose_b());
  auto batch =
      Lower("BatchMatMulV2", Attrs({{"adj_x", BoolAttr(true)}}), {F({2, 3, 2}), F({3, 4})});
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->matmul().transpose_a());
  EXPECT_FALSE(batch->matmul().transpose_b());
  auto einsum =
      Lower("Einsum", Attrs({{"equation", StringAttr("abc,cd->abd")}}), {F({2, 3, 4}), F({4, 5})});
  ASSERT_TRUE(einsum.ok());
  EXPECT_EQ(einsum->matmul().equation(), "abc,cd->abd");
  // Lowering checks the shapes too.
  EXPECT_FALSE(Lower("MatMul", {}, {F({2, 3}), F({4, 3})}).ok());
}

}  // namespace
}  // namespace tftrt
