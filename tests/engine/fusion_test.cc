// Epilogue fusion: which layers fold into the layer before them, and that a fused network
// computes exactly what the unfused one does (the cpu backend runs epilogues in blocks of
// rows, so shapes whose rows do not divide the block are covered too).
#include "engine/fusion.h"

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::ConvAttrs;
using testing::ExpectRewritesKeepResults;
using testing::RandomTensor;

BuildOptions WithFusion(bool fuse) {
  BuildOptions options;
  options.fuse = fuse;
  return options;
}

// x -> Conv2D (to `channels`) -> BiasAdd -> Relu.
void AddConvBiasRelu(Graph& graph, const Shape& input_shape, int64_t channels) {
  Node* x = AddArg(graph, "x", DataType::kFloat, input_shape);
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, input_shape[3], channels}, 41));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({channels}, 42));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  AddRet(graph, "y", {relu, 0});
}

TEST(FusionTest, ConvBiasReluBecomesOneLayerWithATwoStepEpilogue) {
  Graph graph("segment");
  AddConvBiasRelu(graph, {1, 6, 5, 3}, 4);
  auto network =
      BuildNetwork(graph, {{DataType::kFloat, {1, 6, 5, 3}, nullptr}}, WithFusion(false));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(network->layer_size(), 3);

  EXPECT_EQ(FuseEpilogues(&*network), 2);
  ASSERT_EQ(network->layer_size(), 1);
  const EngineLayer& layer = network->layer(0);
  EXPECT_EQ(layer.op(), "Conv2D");
  ASSERT_EQ(layer.epilogue_size(), 2);
  EXPECT_EQ(layer.epilogue(0).op(), "BiasAdd");
  EXPECT_TRUE(layer.epilogue(0).operand().has_weight());
  EXPECT_FALSE(layer.epilogue(0).operand_first());
  EXPECT_EQ(layer.epilogue(1).op(), "Relu");
  EXPECT_FALSE(layer.epilogue(1).has_operand());
  EXPECT_EQ(std::vector<std::string>(layer.fused_node().begin(), layer.fused_node().end()),
            (std::vector<std::string>{"biased", "relu"}));
  ASSERT_EQ(layer.output_size(), 1);
  EXPECT_EQ(layer.output(0), network->output(0).tensor());
  // A fused network has nothing left to fold.
  EXPECT_EQ(FuseEpilogues(&*network), 0);
}

// Rows of the conv output (N*H*W) against the 16384-element blocks of the epilogue: one
// partial block, several blocks with a partial last one, several of odd widths.
TEST(FusionTest, ConvBiasReluMatchesUnfusedForAnyBlocking) {
  const std::vector<std::pair<Shape, int64_t>> cases = {
      {{1, 5, 5, 3}, 3}, {{1, 37, 41, 5}, 24}, {{2, 50, 50, 2}, 7}, {{1, 3, 3, 2}, 16385}};
  for (const auto& [input_shape, channels] : cases) {
    SCOPED_TRACE(ShapeToString(input_shape) + " -> " + std::to_string(channels) + " channels");
    Graph graph("segment");
    AddConvBiasRelu(graph, input_shape, channels);
    EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor(input_shape, 43)});
    EXPECT_EQ(network.layer_size(), 1);
  }
}

// relu(bias(conv2(x)) + conv1(x)): the add and the relu fold into the conv that runs
// second, reading the other conv's output block by block.
TEST(FusionTest, ResidualAddWithEarlierOperandFolds) {
  for (const Shape& shape : {Shape{1, 9, 9, 8}, Shape{1, 45, 47, 16}}) {
    SCOPED_TRACE(ShapeToString(shape));
    Graph graph("segment");
    Node* x = AddArg(graph, "x", DataType::kFloat, shape);
    Node* f1 = AddConstNode(graph, "f1", RandomTensor({1, 1, shape[3], shape[3]}, 44));
    Node* f2 = AddConstNode(graph, "f2", RandomTensor({3, 3, shape[3], shape[3]}, 45));
    Node* bias = AddConstNode(graph, "bias", RandomTensor({shape[3]}, 46));
    Node* conv1 = AddFloatOp(graph, "conv1", "Conv2D", {{x, 0}, {f1, 0}}, ConvAttrs());
    Node* conv2 = AddFloatOp(graph, "conv2", "Conv2D", {{x, 0}, {f2, 0}}, ConvAttrs());
    Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv2, 0}, {bias, 0}});
    Node* add = AddFloatOp(graph, "add", "AddV2", {{biased, 0}, {conv1, 0}});
    Node* relu = AddFloatOp(graph, "relu", "Relu", {{add, 0}});
    AddRet(graph, "y", {relu, 0});

    EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor(shape, 47)});
    // Two layers: whichever conv runs second takes the add (its other operand, the first
    // conv's output, exists by then) and the relu.
    ASSERT_EQ(network.layer_size(), 2);
    const EngineLayer& second = network.layer(1);
    ASSERT_GE(second.epilogue_size(), 2);
    const EngineEpilogueStep& add_step = second.epilogue(second.epilogue_size() - 2);
    EXPECT_EQ(add_step.op(), "AddV2");
    EXPECT_EQ(add_step.operand().tensor(), network.layer(0).output(0));
    EXPECT_EQ(second.epilogue(second.epilogue_size() - 1).op(), "Relu");
    EXPECT_EQ(network.layer(0).epilogue_size() + second.epilogue_size(), 3);
  }
}

// sub = conv1(x) - conv2(x): conv2's output does not exist when conv1 runs, so the Sub
// cannot fold into conv1. It may fold into conv2 (as "operand - v"); when conv2's output
// has another reader it cannot, and stays a layer.
void AddLaterOperandGraph(Graph& graph, bool second_reader) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 7, 11, 3});
  Node* f1 = AddConstNode(graph, "f1", RandomTensor({3, 3, 3, 5}, 48));
  Node* f2 = AddConstNode(graph, "f2", RandomTensor({1, 1, 3, 5}, 49));
  Node* conv1 = AddFloatOp(graph, "conv1", "Conv2D", {{x, 0}, {f1, 0}}, ConvAttrs());
  Node* conv2 = AddFloatOp(graph, "conv2", "Conv2D", {{x, 0}, {f2, 0}}, ConvAttrs());
  Node* sub = AddFloatOp(graph, "sub", "Sub", {{conv1, 0}, {conv2, 0}});
  AddRet(graph, "y", {sub, 0});
  if (second_reader) AddRet(graph, "z", {AddFloatOp(graph, "relu", "Relu", {{conv2, 0}}), 0});
}

TEST(FusionTest, LaterProducedOperandIsNotFoldedIntoTheEarlierLayer) {
  Graph graph("segment");
  AddLaterOperandGraph(graph, /*second_reader=*/false);
  EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({1, 7, 11, 3}, 50)});
  ASSERT_EQ(network.layer_size(), 2);
  EXPECT_EQ(network.layer(0).name(), "conv1");
  EXPECT_EQ(network.layer(0).epilogue_size(), 0);
  ASSERT_EQ(network.layer(1).epilogue_size(), 1);
  const EngineEpilogueStep& step = network.layer(1).epilogue(0);
  EXPECT_EQ(step.op(), "Sub");
  EXPECT_TRUE(step.operand_first());  // conv1 - v
  EXPECT_EQ(step.operand().tensor(), network.layer(0).output(0));
}

TEST(FusionTest, ResidualWithLaterOperandAndSharedInputStaysALayer) {
  Graph graph("segment");
  AddLaterOperandGraph(graph, /*second_reader=*/true);
  EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({1, 7, 11, 3}, 51)});
  ASSERT_EQ(network.layer_size(), 4);
  for (const EngineLayer& layer : network.layer()) {
    EXPECT_EQ(layer.epilogue_size(), 0) << layer.name();
  }
  EXPECT_EQ(network.layer(2).op(), "Sub");
}

// A network output must stay a tensor of its own: BiasAdd (an output) folds into the
// conv, but the Relu that reads it cannot fold over it.
TEST(FusionTest, NetworkOutputsAreNotFoldedAway) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4, 4, 2});
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, 2, 3}, 52));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({3}, 53));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  AddRet(graph, "biased", {biased, 0});
  AddRet(graph, "relu", {relu, 0});
  EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({1, 4, 4, 2}, 54)});
  ASSERT_EQ(network.layer_size(), 2);
  EXPECT_EQ(network.layer(0).epilogue_size(), 1);
  EXPECT_EQ(network.layer(1).op(), "Relu");
}

// A broadcast operand larger than the running value changes its shape, so the add cannot
// run in place on the matmul's output: it stays a layer (with the tanh fused into it), and
// the results are still the broadcast ones.
TEST(FusionTest, BroadcastingOperandLargerThanTheValue) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 4});
  Node* y = AddArg(graph, "y", DataType::kFloat, {3, 5});
  Node* w = AddConstNode(graph, "w", RandomTensor({4, 5}, 55));
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
  Node* add = AddFloatOp(graph, "add", "AddV2", {{matmul, 0}, {y, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{add, 0}});
  AddRet(graph, "out", {tanh, 0});
  EngineNetwork network =
      ExpectRewritesKeepResults(graph, {RandomTensor({1, 4}, 56), RandomTensor({3, 5}, 57)});
  ASSERT_EQ(network.layer_size(), 2);
  EXPECT_EQ(network.layer(0).epilogue_size(), 0);
  EXPECT_EQ(network.layer(1).epilogue_size(), 1);
}

// Wide rows (more columns than a block holds) and a scalar operand.
TEST(FusionTest, MatMulEpilogueWithRowsWiderThanABlock) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3, 4});
  Node* w = AddConstNode(graph, "w", RandomTensor({4, 20000}, 58));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({20000}, 59));
  Node* half = AddConstNode(graph, "half", Tensor::Scalar<float>(0.5f));
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{matmul, 0}, {bias, 0}});
  Node* scaled = AddFloatOp(graph, "scaled", "Mul", {{half, 0}, {biased, 0}});
  Node* sigmoid = AddFloatOp(graph, "sigmoid", "Sigmoid", {{scaled, 0}});
  AddRet(graph, "out", {sigmoid, 0});
  EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({3, 4}, 60)});
  ASSERT_EQ(network.layer_size(), 1);
  EXPECT_EQ(network.layer(0).epilogue_size(), 3);
  EXPECT_TRUE(network.layer(0).epilogue(1).operand_first());
}

// TF's Tensordot: MatMul [6, 4] -> Reshape [2, 3, 4] -> BiasAdd -> Relu. The bias and the
// relu act alike on every row, so they fold into the matmul, before the reshape, which is
// left without an epilogue (a copy the cuda engine aliases).
TEST(FusionTest, TensordotBiasFoldsThroughTheReshapeIntoTheMatMul) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {6, 5});
  Node* w = AddConstNode(graph, "w", RandomTensor({5, 4}, 61));
  Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({2, 3, 4}));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({4}, 62));
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
  Node* reshaped = AddFloatOp(graph, "reshaped", "Reshape", {{matmul, 0}, {shape, 0}},
                              {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{reshaped, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  AddRet(graph, "out", {relu, 0});
  EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({6, 5}, 63)});
  ASSERT_EQ(network.layer_size(), 2);
  EXPECT_EQ(network.layer(0).op(), "MatMul");
  ASSERT_EQ(network.layer(0).epilogue_size(), 2);
  EXPECT_EQ(network.layer(0).epilogue(0).op(), "BiasAdd");
  EXPECT_EQ(network.layer(0).epilogue(1).op(), "Relu");
  EXPECT_EQ(network.layer(1).op(), "Reshape");
  EXPECT_EQ(network.layer(1).epilogue_size(), 0);
  EXPECT_EQ(network.layer(1).output(0), network.output(0).tensor());
}

// A transformer block's output projection: Tensordot (MatMul [6, 4] -> Reshape [2, 3, 4])
// -> BiasAdd -> AddV2 with the block's input [2, 3, 4]. The residual has the reshape's whole
// shape, so it folds into the matmul too (read in the matmul's [6, 4]), and the reshape is
// left without an epilogue; a residual of another shape ([3, 4], broadcast) stays after it.
TEST(FusionTest, TensordotResidualFoldsThroughTheReshapeIntoTheMatMul) {
  for (bool whole_residual : {true, false}) {
    SCOPED_TRACE(whole_residual ? "residual [2, 3, 4]" : "residual [3, 4]");
    Graph graph("segment");
    const Shape residual_shape = whole_residual ? Shape{2, 3, 4} : Shape{3, 4};
    Node* x = AddArg(graph, "x", DataType::kFloat, {6, 5});
    Node* residual = AddArg(graph, "residual", DataType::kFloat, residual_shape);
    Node* w = AddConstNode(graph, "w", RandomTensor({5, 4}, 71));
    Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({2, 3, 4}));
    Node* bias = AddConstNode(graph, "bias", RandomTensor({4}, 72));
    Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
    Node* reshaped = AddFloatOp(graph, "reshaped", "Reshape", {{matmul, 0}, {shape, 0}},
                                {{"Tshape", TypeAttr(DataType::kInt32)}});
    Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{reshaped, 0}, {bias, 0}});
    Node* sum = AddFloatOp(graph, "sum", "AddV2", {{residual, 0}, {biased, 0}});
    AddRet(graph, "out", {sum, 0});
    EngineNetwork network = ExpectRewritesKeepResults(
        graph, {RandomTensor({6, 5}, 73), RandomTensor(residual_shape, 74)});
    ASSERT_EQ(network.layer_size(), 2);
    EXPECT_EQ(network.layer(0).op(), "MatMul");
    ASSERT_EQ(network.layer(0).epilogue_size(), whole_residual ? 2 : 1);
    EXPECT_EQ(network.layer(1).op(), "Reshape");
    EXPECT_EQ(network.layer(1).epilogue_size(), whole_residual ? 0 : 1);
    if (whole_residual) {
      const EngineEpilogueStep& add = network.layer(0).epilogue(1);
      EXPECT_EQ(add.op(), "AddV2");
      EXPECT_TRUE(add.operand().has_tensor());
      EXPECT_TRUE(add.operand_first());
    }
  }
}

// A reshape that changes the last dim, or an operand that is not a vector along it, keeps
// the step after the reshape.
TEST(FusionTest, StepsThatDependOnTheReshapedLayoutStayAfterTheReshape) {
  for (bool change_last_dim : {true, false}) {
    SCOPED_TRACE(change_last_dim ? "last dim changes" : "operand of rank 2");
    Graph graph("segment");
    Node* x = AddArg(graph, "x", DataType::kFloat, {6, 5});
    Node* w = AddConstNode(graph, "w", RandomTensor({5, 4}, 64));
    const std::vector<int32_t> new_shape =
        change_last_dim ? std::vector<int32_t>{2, 12} : std::vector<int32_t>{3, 2, 4};
    Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>(new_shape));
    const Shape scale_shape = change_last_dim ? Shape{12} : Shape{2, 4};
    Node* scale = AddConstNode(graph, "scale", RandomTensor(scale_shape, 65));
    Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
    Node* reshaped = AddFloatOp(graph, "reshaped", "Reshape", {{matmul, 0}, {shape, 0}},
                                {{"Tshape", TypeAttr(DataType::kInt32)}});
    Node* scaled = AddFloatOp(graph, "scaled", "Mul", {{reshaped, 0}, {scale, 0}});
    AddRet(graph, "out", {scaled, 0});
    EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({6, 5}, 66)});
    ASSERT_EQ(network.layer_size(), 2);
    EXPECT_EQ(network.layer(0).epilogue_size(), 0);
    EXPECT_EQ(network.layer(1).op(), "Reshape");
    EXPECT_EQ(network.layer(1).epilogue_size(), 1);
  }
}

// Keras' EinsumDense for attention heads: BatchMatMulV2 [2, 3, 12] -> Reshape [2, 3, 3, 4]
// -> Add(bias [3, 4]). The reshape only splits the last dim and the bias covers the split
// dims, so it is the matmul's bias vector of 12; a bias that repeats along a split dim
// ([1, 4]) is not one and stays after the reshape.
TEST(FusionTest, HeadBiasFoldsThroughTheHeadSplittingReshape) {
  for (bool whole_bias : {true, false}) {
    SCOPED_TRACE(whole_bias ? "bias [3, 4]" : "bias [1, 4]");
    Graph graph("segment");
    Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3, 5});
    Node* w = AddConstNode(graph, "w", RandomTensor({5, 12}, 67));
    Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({2, 3, 3, 4}));
    Node* bias =
        AddConstNode(graph, "bias", RandomTensor(whole_bias ? Shape{3, 4} : Shape{1, 4}, 68));
    Node* matmul = AddFloatOp(graph, "matmul", "BatchMatMulV2", {{x, 0}, {w, 0}});
    Node* reshaped = AddFloatOp(graph, "reshaped", "Reshape", {{matmul, 0}, {shape, 0}},
                                {{"Tshape", TypeAttr(DataType::kInt32)}});
    Node* biased = AddFloatOp(graph, "biased", "AddV2", {{reshaped, 0}, {bias, 0}});
    AddRet(graph, "out", {biased, 0});
    EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({2, 3, 5}, 69)});
    ASSERT_EQ(network.layer_size(), 2);
    EXPECT_EQ(network.layer(0).epilogue_size(), whole_bias ? 1 : 0);
    EXPECT_EQ(network.layer(1).epilogue_size(), whole_bias ? 0 : 1);
    if (whole_bias) {
      const auto& weight_shape = network.layer(0).epilogue(0).operand().weight().tensor_shape();
      ASSERT_EQ(weight_shape.dim_size(), 1);
      EXPECT_EQ(weight_shape.dim(0).size(), 12);
    }
  }
}

TEST(FusionTest, IntegerLayersAreNotFused) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {6});
  Node* cast = graph.AddNode(
      "cast", "Cast", {{"SrcT", TypeAttr(DataType::kFloat)}, {"DstT", TypeAttr(DataType::kInt32)}},
      {{x, 0}});
  Node* one = AddConstNode(graph, "one", Tensor::Scalar<int32_t>(1));
  Node* add =
      graph.AddNode("add", "AddV2", {{"T", TypeAttr(DataType::kInt32)}}, {{cast, 0}, {one, 0}});
  AddRet(graph, "out", {add, 0}, DataType::kInt32);
  EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({6}, 61, -5.0f, 5.0f)});
  EXPECT_EQ(network.layer_size(), 2);
}

}  // namespace
}  // namespace tftrt
