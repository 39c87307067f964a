// Pad folding: a zero spatial Pad before a convolution, or before a MaxPool of a Relu's
// output, becomes the window's padding, and the folded engine computes exactly what the
// unfolded one does; pads that are not zero, not spatial, read elsewhere, before a MaxPool of
// values that may be negative, or wider than its window stay layers.
#include "engine/pad_folding.h"

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::ExpectRewritesKeepResults;
using testing::RandomTensor;

struct PadCase {
  std::string conv_op = "Conv2D";
  std::vector<int32_t> paddings = {0, 0, 1, 2, 3, 0, 0, 0};
  std::string pad_op = "Pad";
  float pad_value = 0.0f;          // PadV2 only
  bool pad_also_returned = false;  // the padded tensor is also a segment output
};

// x [2, 7, 6, 4] -> Pad -> conv (3x3, stride 2, VALID) -> y, into `graph`.
void AddPadThenConv(const PadCase& c, Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 7, 6, 4});
  Node* paddings = AddConstNode(graph, "paddings", Tensor::FromVector<int32_t>(c.paddings, {4, 2}));
  std::vector<Output> pad_inputs = {{x, 0}, {paddings, 0}};
  if (c.pad_op == "PadV2") {
    pad_inputs.push_back(
        {AddConstNode(graph, "value", Tensor::FromVector<float>({c.pad_value}, {})), 0});
  }
  Node* pad = AddFloatOp(graph, "pad", c.pad_op, pad_inputs);
  const bool depthwise = c.conv_op == "DepthwiseConv2dNative";
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, 4, depthwise ? 2 : 5}, 7));
  Node* conv = AddFloatOp(graph, "conv", c.conv_op, {{pad, 0}, {filter, 0}},
                          {{"strides", IntListAttr({1, 2, 2, 1})},
                           {"padding", StringAttr("VALID")},
                           {"data_format", StringAttr("NHWC")}});
  AddRet(graph, "y", {conv, 0});
  if (c.pad_also_returned) AddRet(graph, "padded", {pad, 0});
}

// Builds `c` with and without the rewrites, expects identical outputs; returns the folded
// plan.
EngineNetwork ExpectSameResults(const PadCase& c) {
  Graph graph("segment");
  AddPadThenConv(c, graph);
  return ExpectRewritesKeepResults(graph, {RandomTensor({2, 7, 6, 4}, 3)});
}

int CountOp(const EngineNetwork& network, const std::string& op) {
  int count = 0;
  for (const EngineLayer& layer : network.layer()) count += layer.op() == op;
  return count;
}

TEST(PadFoldingTest, SpatialZeroPadBecomesTheConvolutionsPadding) {
  for (const char* conv_op : {"Conv2D", "DepthwiseConv2dNative"}) {
    SCOPED_TRACE(conv_op);
    const EngineNetwork network = ExpectSameResults({.conv_op = conv_op});
    ASSERT_EQ(network.layer_size(), 1);
    const EngineLayer& conv = network.layer(0);
    EXPECT_EQ(conv.op(), conv_op);
    EXPECT_EQ(conv.convolution().pad_top(), 1);
    EXPECT_EQ(conv.convolution().pad_bottom(), 2);
    EXPECT_EQ(conv.convolution().pad_left(), 3);
    EXPECT_EQ(conv.convolution().pad_right(), 0);
    EXPECT_EQ(conv.attr().at("padding").s(), "EXPLICIT");
    EXPECT_EQ(std::vector<std::string>(conv.fused_node().begin(), conv.fused_node().end()),
              std::vector<std::string>{"pad"});
  }
}

TEST(PadFoldingTest, PadV2WithZeroFolds) {
  const EngineNetwork network = ExpectSameResults({.pad_op = "PadV2", .pad_value = 0.0f});
  EXPECT_EQ(CountOp(network, "PadV2"), 0);
}

TEST(PadFoldingTest, OtherPadsStayLayers) {
  EXPECT_EQ(CountOp(ExpectSameResults({.pad_op = "PadV2", .pad_value = 1.5f}), "PadV2"), 1);
  // Padding the batch (a channel pad would not fit the filter).
  EXPECT_EQ(CountOp(ExpectSameResults({.paddings = {1, 1, 0, 0, 0, 0, 0, 0}}), "Pad"), 1);
  EXPECT_EQ(CountOp(ExpectSameResults({.paddings = {1, 0, 1, 1, 1, 1, 0, 0}}), "Pad"), 1);
  EXPECT_EQ(CountOp(ExpectSameResults({.pad_also_returned = true}), "Pad"), 1);
}

// x [2, 9, 8, 4] -> `rectifier` (none: x itself) -> Pad -> MaxPool (`window` square,
// stride 2, VALID) -> y: ResNet's stem after its first convolution.
EngineNetwork ExpectSameResultsForMaxPool(const std::string& rectifier,
                                          const std::vector<int32_t>& paddings, int window) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 9, 8, 4});
  Node* input = rectifier.empty() ? x : AddFloatOp(graph, "rectified", rectifier, {{x, 0}});
  Node* pads = AddConstNode(graph, "paddings", Tensor::FromVector<int32_t>(paddings, {4, 2}));
  Node* pad = AddFloatOp(graph, "pad", "Pad", {{input, 0}, {pads, 0}});
  Node* pool = AddFloatOp(graph, "pool", "MaxPool", {{pad, 0}},
                          {{"ksize", IntListAttr({1, window, window, 1})},
                           {"strides", IntListAttr({1, 2, 2, 1})},
                           {"padding", StringAttr("VALID")},
                           {"data_format", StringAttr("NHWC")}});
  AddRet(graph, "y", {pool, 0});
  // Inputs in [-1, 1): a zero pad would beat the negative ones without the rectifier.
  return ExpectRewritesKeepResults(graph, {RandomTensor({2, 9, 8, 4}, 5)});
}

TEST(PadFoldingTest, ZeroPadOfRectifiedValuesBecomesTheMaxPoolsPadding) {
  for (const char* rectifier : {"Relu", "Relu6"}) {
    SCOPED_TRACE(rectifier);
    const EngineNetwork network =
        ExpectSameResultsForMaxPool(rectifier, {0, 0, 1, 1, 1, 1, 0, 0}, 3);
    ASSERT_EQ(CountOp(network, "Pad"), 0);
    const EngineLayer& pool = network.layer(network.layer_size() - 1);
    ASSERT_EQ(pool.op(), "MaxPool");
    EXPECT_EQ(pool.pooling().pad_top(), 1);
    EXPECT_EQ(pool.pooling().pad_bottom(), 1);
    EXPECT_EQ(pool.pooling().pad_left(), 1);
    EXPECT_EQ(pool.pooling().pad_right(), 1);
    EXPECT_EQ(pool.attr().at("padding").s(), "EXPLICIT");
  }
}

TEST(PadFoldingTest, MaxPoolKeepsPadsOfSignedValuesOrWiderThanItsWindow) {
  EXPECT_EQ(CountOp(ExpectSameResultsForMaxPool("", {0, 0, 1, 1, 1, 1, 0, 0}, 3), "Pad"), 1)
      << "x may be negative";
  EXPECT_EQ(CountOp(ExpectSameResultsForMaxPool("Tanh", {0, 0, 1, 1, 1, 1, 0, 0}, 3), "Pad"), 1)
      << "tanh may be negative";
  EXPECT_EQ(CountOp(ExpectSameResultsForMaxPool("Relu", {0, 0, 2, 0, 0, 0, 0, 0}, 2), "Pad"), 1)
      << "a pad as wide as the window";
}

}  // namespace
}  // namespace tftrt
