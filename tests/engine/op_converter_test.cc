// The converter table in validate-only mode: which nodes an engine takes, and the typed
// reason for each one it does not.
#include "engine/ops/op_converter.h"

#include <gtest/gtest.h>

#include <set>

#include "engine/engine_test_util.h"
#include "runtime/kernel.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::BuiltinOpDefs;
using testing::ConvAttrs;
using testing::InferTypes;
using testing::Ramp;

// Validates `node` of `graph` with the signature the segmenter would give it.
std::optional<NativeReason> Validate(const Graph& graph, const Node& node) {
  auto types = InferTypes(graph);
  EXPECT_TRUE(types.ok()) << types.status().ToString();
  NodeSignature signature;
  for (const Output& input : node.inputs) {
    signature.input_dtypes.push_back(types->of(input));
    signature.input_is_constant.push_back(input.node->op == "Const");
  }
  signature.output_dtypes = types->outputs(&node);
  return ConverterTable::Global().Validate(node, signature);
}

::testing::AssertionResult Convertible(const Graph& graph, const Node& node) {
  auto reason = Validate(graph, node);
  if (!reason.has_value()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << node.name << " stays native: " << NativeReasonKindName(reason->kind) << ": "
         << reason->detail;
}

TEST(OpConverterTest, ConvolutionWithConstantFilterIsConvertible) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 3});
  Node* filter = AddConstNode(graph, "filter", Ramp({3, 3, 3, 2}));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  EXPECT_TRUE(Convertible(graph, *conv));
}

TEST(OpConverterTest, ConvolutionWithTensorFilterNeedsAConstant) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 3});
  Node* filter = AddArg(graph, "filter", DataType::kFloat, {3, 3, 3, 2});
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  auto reason = Validate(graph, *conv);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->kind, NativeReasonKind::kConstInput);
  EXPECT_NE(reason->detail.find("input 1"), std::string::npos) << reason->detail;
}

TEST(OpConverterTest, NchwConvolutionIsAnAttributeReason) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 3, 4, 4});
  Node* filter = AddConstNode(graph, "filter", Ramp({3, 3, 3, 2}));
  AttrMap attrs = ConvAttrs();
  attrs["data_format"] = StringAttr("NCHW");
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, attrs);
  auto reason = Validate(graph, *conv);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->kind, NativeReasonKind::kAttribute);
  EXPECT_NE(reason->detail.find("data_format"), std::string::npos) << reason->detail;
}

TEST(OpConverterTest, UnknownOpIsAnOpReason) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* expm1 = AddFloatOp(graph, "expm1", "Expm1", {{x, 0}});
  auto reason = Validate(graph, *expm1);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->kind, NativeReasonKind::kOp);
  EXPECT_NE(reason->detail.find("Expm1"), std::string::npos) << reason->detail;
}

TEST(OpConverterTest, Int64TensorsAreDtypeReasons) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* to_int64 = graph.AddNode(
      "to_int64", "Cast",
      {{"SrcT", TypeAttr(DataType::kFloat)}, {"DstT", TypeAttr(DataType::kInt64)}}, {{x, 0}});
  Node* back = graph.AddNode(
      "back", "Cast", {{"SrcT", TypeAttr(DataType::kInt64)}, {"DstT", TypeAttr(DataType::kFloat)}},
      {{to_int64, 0}});
  Node* to_int32 = graph.AddNode(
      "to_int32", "Cast",
      {{"SrcT", TypeAttr(DataType::kFloat)}, {"DstT", TypeAttr(DataType::kInt32)}}, {{x, 0}});

  for (const Node* node : {to_int64, back}) {
    auto reason = Validate(graph, *node);
    ASSERT_TRUE(reason.has_value()) << node->name;
    EXPECT_EQ(reason->kind, NativeReasonKind::kDtype) << node->name;
    EXPECT_NE(reason->detail.find("int64"), std::string::npos) << reason->detail;
  }
  EXPECT_TRUE(Convertible(graph, *to_int32));
}

TEST(OpConverterTest, FloatOnlyOpsRejectInt32) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kInt32, {4});
  Node* y = AddArg(graph, "y", DataType::kInt32, {4});
  Node* div =
      graph.AddNode("div", "RealDiv", {{"T", TypeAttr(DataType::kInt32)}}, {{x, 0}, {y, 0}});
  Node* add = graph.AddNode("add", "AddV2", {{"T", TypeAttr(DataType::kInt32)}}, {{x, 0}, {y, 0}});
  auto reason = Validate(graph, *div);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->kind, NativeReasonKind::kDtype);
  EXPECT_TRUE(Convertible(graph, *add));  // AddV2 takes int32
}

TEST(OpConverterTest, ConcatAxisCountsFromTheEnd) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 2});
  Node* y = AddArg(graph, "y", DataType::kFloat, {2, 2});
  Node* axis = AddConstNode(graph, "axis", Tensor::Scalar<int32_t>(1));
  Node* tensor_axis = AddArg(graph, "tensor_axis", DataType::kInt32, {});
  const AttrMap attrs = {{"N", IntAttr(2)}, {"Tidx", TypeAttr(DataType::kInt32)}};
  Node* concat = AddFloatOp(graph, "concat", "ConcatV2", {{x, 0}, {y, 0}, {axis, 0}}, attrs);
  Node* dynamic =
      AddFloatOp(graph, "dynamic", "ConcatV2", {{x, 0}, {y, 0}, {tensor_axis, 0}}, attrs);
  EXPECT_TRUE(Convertible(graph, *concat));
  auto reason = Validate(graph, *dynamic);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->kind, NativeReasonKind::kConstInput);
  EXPECT_NE(reason->detail.find("input 2"), std::string::npos) << reason->detail;
}

TEST(OpConverterTest, TrainingBatchNormIsAnAttributeReason) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 2, 2, 3});
  std::vector<Output> inputs = {{x, 0}};
  for (const char* name : {"scale", "offset", "mean", "variance"}) {
    inputs.push_back({AddConstNode(graph, name, Ramp({3})), 0});
  }
  AttrMap attrs = {{"U", TypeAttr(DataType::kFloat)},
                   {"epsilon", FloatAttr(1e-3f)},
                   {"data_format", StringAttr("NHWC")}};
  attrs["is_training"] = BoolAttr(false);
  Node* inference = AddFloatOp(graph, "inference", "FusedBatchNormV3", inputs, attrs);
  attrs["is_training"] = BoolAttr(true);
  Node* training = AddFloatOp(graph, "training", "FusedBatchNormV3", inputs, attrs);
  EXPECT_TRUE(Convertible(graph, *inference));
  auto reason = Validate(graph, *training);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->kind, NativeReasonKind::kAttribute);
  EXPECT_NE(reason->detail.find("is_training"), std::string::npos) << reason->detail;
}

// As TF-TRT's TopK converter: sorted results, a constant k, int32 indices.
TEST(OpConverterTest, TopKNeedsSortedResultsAndAConstantK) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 8});
  Node* k = AddConstNode(graph, "k", Tensor::Scalar<int32_t>(3));
  Node* k_arg = AddArg(graph, "k_arg", DataType::kInt32, {});
  auto topk = [&](const char* name, bool sorted, Node* k_node) {
    return AddFloatOp(graph, name, "TopKV2", {{x, 0}, {k_node, 0}},
                      {{"sorted", BoolAttr(sorted)}, {"index_type", TypeAttr(DataType::kInt32)}});
  };
  EXPECT_TRUE(Convertible(graph, *topk("sorted", true, k)));
  auto unsorted = Validate(graph, *topk("unsorted", false, k));
  ASSERT_TRUE(unsorted.has_value());
  EXPECT_EQ(unsorted->kind, NativeReasonKind::kAttribute);
  EXPECT_NE(unsorted->detail.find("sorted"), std::string::npos) << unsorted->detail;
  auto dynamic_k = Validate(graph, *topk("dynamic_k", true, k_arg));
  ASSERT_TRUE(dynamic_k.has_value());
  EXPECT_EQ(dynamic_k->kind, NativeReasonKind::kConstInput);
}

// The segmenter counts Identity-like nodes as free members of a segment ("effective
// nodes"), so engines must take them; otherwise they would split every segment.
TEST(OpConverterTest, IdentityLikeOpsAreConvertible) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  for (const char* op : {"Identity", "Snapshot", "StopGradient"}) {
    ASSERT_TRUE(IsIdentityLike(op));
    Node* node = AddFloatOp(graph, std::string("n_") + op, op, {{x, 0}});
    EXPECT_TRUE(Convertible(graph, *node));
  }
  EXPECT_FALSE(IsIdentityLike("IdentityN"));
  EXPECT_FALSE(IsIdentityLike("Relu"));
}

// Every layer an engine can hold runs on the cpu backend through a native kernel, and
// every converted op has an OpDef (so converted graphs keep valid types); engine-only ops
// live inside engines only, never in a graph.
TEST(OpConverterTest, EveryConvertibleOpHasAKernelAndAnOpDef) {
  const std::vector<std::string> ops = ConverterTable::Global().Ops();
  EXPECT_GT(ops.size(), 50u);
  for (const std::string& op : ops) {
    EXPECT_NE(KernelRegistry::Global().Find(op), nullptr) << op;
    if (!IsEngineOnlyOp(op)) {
      EXPECT_NE(BuiltinOpDefs().Find(op), nullptr) << op;
    }
    const OpConverter* converter = ConverterTable::Global().Find(op);
    ASSERT_NE(converter, nullptr) << op;
    EXPECT_EQ(converter->op, op);
  }
  EXPECT_EQ(ConverterTable::Global().Find("Expm1"), nullptr);
}

TEST(OpConverterTest, ReasonKindsHaveDistinctNames) {
  std::set<std::string> names;
  for (NativeReasonKind kind :
       {NativeReasonKind::kOp, NativeReasonKind::kAttribute, NativeReasonKind::kDtype,
        NativeReasonKind::kConstInput, NativeReasonKind::kDenylisted,
        NativeReasonKind::kSegmentSize, NativeReasonKind::kEngineLimit, NativeReasonKind::kNoInputs,
        NativeReasonKind::kGraphBoundary}) {
    names.insert(NativeReasonKindName(kind));
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace tftrt
