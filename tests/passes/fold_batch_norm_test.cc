#include <gtest/gtest.h>

#include <cmath>

#include "passes/pass_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::CountOp;
using testing::Ramp;
using testing::RunGraph;
using testing::RunPass;

constexpr double kTolerance = 1e-6;

AttrMap ConvAttrs(const std::string& format = "NHWC") {
  return {{"strides", IntListAttr({1, 1, 1, 1})},
          {"padding", StringAttr("SAME")},
          {"data_format", StringAttr(format)}};
}

// Positive per-channel values (a variance must be), distinct per channel.
Tensor Positive(int64_t channels, float base) {
  Tensor tensor(DataType::kFloat, {channels});
  for (int64_t c = 0; c < channels; ++c) tensor.flat<float>()[c] = base + 0.25f * c;
  return tensor;
}

Node* AddBatchNorm(Graph& graph, const std::string& name, Output input, int64_t channels,
                   bool is_training = false, const std::string& format = "NHWC") {
  Node* scale = AddConstNode(graph, name + "/scale", Positive(channels, 0.5f));
  Node* offset = AddConstNode(graph, name + "/offset", Ramp({channels}, 0.3f));
  Node* mean = AddConstNode(graph, name + "/mean", Ramp({channels}, 0.7f));
  Node* variance = AddConstNode(graph, name + "/variance", Positive(channels, 0.8f));
  return AddFloatOp(graph, name, "FusedBatchNormV3",
                    {input, {scale, 0}, {offset, 0}, {mean, 0}, {variance, 0}},
                    {{"U", TypeAttr(DataType::kFloat)},
                     {"epsilon", FloatAttr(1e-3f)},
                     {"is_training", BoolAttr(is_training)},
                     {"data_format", StringAttr(format)}});
}

// Folds batch norms in `graph`; expects the same results on `args` as before.
void ExpectFoldKeepsResults(Graph& graph, const std::vector<Tensor>& args) {
  auto before = RunGraph(graph, args);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  Status folded = RunPass("fold_batch_norm", graph);
  ASSERT_TRUE(folded.ok()) << folded.ToString();
  auto after = RunGraph(graph, args);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(testing::AllTensorsMatch(*after, *before, kTolerance));
}

TEST(FoldBatchNorm, FusedBatchNormAfterConv2DBecomesABias) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 5, 5, 3});
  Node* filter = AddConstNode(graph, "filter", Ramp({3, 3, 3, 4}));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* bn = AddBatchNorm(graph, "bn", {conv, 0}, 4);
  bn->attrs[kRecordedShapesAttr] = ShapeListAttr(
      {PartialShape{false, {-1, 3, 3, 4}}, PartialShape{false, {4}}, PartialShape{false, {4}}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{bn, 0}});
  AddRet(graph, "y", {relu, 0});

  ExpectFoldKeepsResults(graph, {Ramp({2, 5, 5, 3})});

  EXPECT_EQ(CountOp(graph, "FusedBatchNormV3"), 0);
  ASSERT_EQ(bn->op, "BiasAdd");  // in place: the norm's name stays
  EXPECT_EQ(bn->inputs[0], (Output{conv, 0}));
  // The shape TF recorded for the norm's output is now the BiasAdd's (its only output).
  EXPECT_EQ(GetShapeListAttr(*bn, kRecordedShapesAttr)->size(), 1u);
  EXPECT_EQ(RecordedOutputShape(*bn, 0).ToString(), "[?,3,3,4]");
  EXPECT_EQ(graph.num_nodes(), 6);  // x, filter, conv, bias, bn, relu
}

TEST(FoldBatchNorm, KerasMulAndAddAfterConvAndBiasJoinTheBias) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 2});
  Node* filter = AddConstNode(graph, "filter", Ramp({1, 1, 2, 3}));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* bias = AddConstNode(graph, "bias", Ramp({3}, 0.5f));
  Node* bias_add = AddFloatOp(graph, "bias_add", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* scale = AddConstNode(graph, "scale", Positive(3, 0.5f));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{bias_add, 0}, {scale, 0}});
  Node* shift = AddConstNode(graph, "shift", Ramp({3}, 0.2f));
  Node* add = AddFloatOp(graph, "add", "AddV2", {{mul, 0}, {shift, 0}});
  AddRet(graph, "y", {add, 0});

  ExpectFoldKeepsResults(graph, {Ramp({1, 4, 4, 2})});

  EXPECT_EQ(CountOp(graph, "Mul") + CountOp(graph, "AddV2"), 0);
  EXPECT_EQ(graph.rets()[0].tensor, (Output{bias_add, 0}));
  EXPECT_EQ(graph.num_nodes(), 5);  // x, filter, conv, bias, bias_add
}

TEST(FoldBatchNorm, DepthwiseWithMultiplierScalesEachOutputChannel) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 5, 5, 3});
  Node* filter = AddConstNode(graph, "filter", Ramp({3, 3, 3, 2}));  // 6 output channels
  Node* conv =
      AddFloatOp(graph, "depthwise", "DepthwiseConv2dNative", {{x, 0}, {filter, 0}}, ConvAttrs());
  // Constants shaped as Keras broadcasts them: [1,1,1,C] and [C]; the shift subtracts.
  Node* scale = AddConstNode(
      graph, "scale", Tensor::FromVector<float>({0.5f, 1.5f, -2, 3, 0.25f, 1}, {1, 1, 1, 6}));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{scale, 0}, {conv, 0}});
  Node* shift = AddConstNode(graph, "shift", Ramp({6}));
  Node* sub = AddFloatOp(graph, "sub", "Sub", {{mul, 0}, {shift, 0}});
  AddRet(graph, "y", {sub, 0});

  ExpectFoldKeepsResults(graph, {Ramp({1, 5, 5, 3})});

  EXPECT_EQ(CountOp(graph, "Mul") + CountOp(graph, "Sub"), 0);
  EXPECT_EQ(CountOp(graph, "BiasAdd"), 1);
}

TEST(FoldBatchNorm, MatMulWithTransposedWeights) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3, 4});
  Node* weights = AddConstNode(graph, "weights", Ramp({5, 4}));  // [out, in]
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {weights, 0}},
                            {{"transpose_b", BoolAttr(true)}});
  Node* scale = AddConstNode(graph, "scale", Positive(5, -1.0f));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{matmul, 0}, {scale, 0}});
  Node* shift = AddConstNode(graph, "shift", Tensor::Scalar<float>(0.75f));
  Node* add = AddFloatOp(graph, "add", "AddV2", {{shift, 0}, {mul, 0}});
  AddRet(graph, "y", {add, 0});

  ExpectFoldKeepsResults(graph, {Ramp({3, 4})});

  EXPECT_EQ(CountOp(graph, "Mul"), 0);
  ASSERT_EQ(add->op, "BiasAdd");
  EXPECT_EQ(add->inputs[0], (Output{matmul, 0}));
}

TEST(FoldBatchNorm, NchwScalesFilterOutputChannels) {
  // The native Conv2D runs NHWC only, so this checks the rewrite itself.
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 2, 4, 4});
  Node* filter = AddConstNode(graph, "filter", Ramp({1, 1, 2, 2}));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs("NCHW"));
  Node* scale = AddConstNode(graph, "scale", Tensor::FromVector<float>({2, 3}, {2, 1, 1}));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{conv, 0}, {scale, 0}});
  Node* bn = AddBatchNorm(graph, "bn", {mul, 0}, 2, /*is_training=*/false, "NCHW");
  AddRet(graph, "y", {bn, 0});
  const Tensor original = filter->constant;

  ASSERT_TRUE(RunPass("fold_batch_norm", graph).ok());

  ASSERT_EQ(bn->op, "BiasAdd");
  auto format = GetStringAttr(*bn, "data_format");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, "NCHW");
  // Filter [1,1,in=2,out=2]: element i is output channel i % 2, scaled by 2 or 3 (the
  // Mul) and by the norm's scale / sqrt(variance + epsilon).
  const float* folded = conv->inputs[1].node->constant.flat<float>();
  for (int i = 0; i < 4; ++i) {
    const int c = i % 2;
    const double norm = (0.5 + 0.25 * c) / std::sqrt(0.8 + 0.25 * c + 1e-3);
    EXPECT_NEAR(folded[i], original.flat<float>()[i] * (c == 0 ? 2 : 3) * norm, 1e-6) << i;
  }
}

TEST(FoldBatchNorm, LeavesWhatCannotFold) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 2});
  Node* filter = AddConstNode(graph, "filter", Ramp({1, 1, 2, 2}));
  // A conv whose output is also a ret: scaling its weights would change that ret.
  Node* shared = AddFloatOp(graph, "shared", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* bn_shared = AddBatchNorm(graph, "bn_shared", {shared, 0}, 2);
  // A training-mode norm normalizes by batch statistics.
  Node* conv2 = AddFloatOp(graph, "conv2", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* bn_training = AddBatchNorm(graph, "bn_training", {conv2, 0}, 2, /*is_training=*/true);
  // A constant that varies along H, not along the channels.
  Node* conv3 = AddFloatOp(graph, "conv3", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* rows = AddConstNode(graph, "rows", Tensor::FromVector<float>({1, 2, 3, 4}, {4, 1, 1}));
  Node* mul_rows = AddFloatOp(graph, "mul_rows", "Mul", {{conv3, 0}, {rows, 0}});
  // Weights that are not constant.
  Node* w = AddArg(graph, "w", DataType::kFloat, {1, 1, 2, 2});
  Node* conv4 = AddFloatOp(graph, "conv4", "Conv2D", {{x, 0}, {w, 0}}, ConvAttrs());
  Node* scale = AddConstNode(graph, "scale", Tensor::FromVector<float>({2, 3}));
  Node* mul_var = AddFloatOp(graph, "mul_var", "Mul", {{conv4, 0}, {scale, 0}});
  AddRet(graph, "shared", {shared, 0});
  AddRet(graph, "bn_shared", {bn_shared, 0});
  AddRet(graph, "bn_training", {bn_training, 0});
  AddRet(graph, "mul_rows", {mul_rows, 0});
  AddRet(graph, "mul_var", {mul_var, 0});
  const int nodes = graph.num_nodes();

  ASSERT_TRUE(RunPass("fold_batch_norm", graph).ok());

  EXPECT_EQ(graph.num_nodes(), nodes);
  EXPECT_EQ(CountOp(graph, "FusedBatchNormV3"), 2);
  EXPECT_EQ(CountOp(graph, "Mul"), 2);
  EXPECT_EQ(CountOp(graph, "BiasAdd"), 0);
}

}  // namespace
}  // namespace tftrt
