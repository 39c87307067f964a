// QKV packing: self-attention's three projections of one tensor become one product whose
// packed output the attention reads as q, k and v, computing what the three products did;
// projections of different tensors or read elsewhere stay as they are.
#include "engine/qkv_packing.h"

#include <gtest/gtest.h>

#include "backends/cpu/cpu_backend.h"
#include "common/relative_error.h"
#include "engine/attention_folding.h"
#include "engine/attention_test_graph.h"
#include "engine/fusion.h"

namespace tftrt {
namespace {

using testing::AddAttention;
using testing::ArgsFor;
using testing::AttentionCase;
using testing::AttentionInputs;
using testing::BuildOptionsFor;
using testing::CountOps;
using testing::RunOnCpu;

// Self-attention over 5 positions of 16 values, 3 heads of 8, with a padding mask.
AttentionCase Projected(Shape mask_shape = {2, 1, 1, 5}) {
  return {.batch = 2,
          .queries = 5,
          .keys = 5,
          .heads = 3,
          .head_dim = 8,
          .mask_shape = std::move(mask_shape),
          .projected_from = 16};
}

const EngineLayer& OnlyLayer(const EngineNetwork& network, const std::string& op) {
  for (const EngineLayer& layer : network.layer()) {
    if (layer.op() == op) return layer;
  }
  ADD_FAILURE() << "no " << op << " layer";
  return network.layer(0);
}

// Attention folded and epilogues fused (what precedes packing in BuildNetwork), in float32.
EngineNetwork FoldedFloat32(const Graph& graph, const std::vector<Tensor>& inputs) {
  auto network = BuildNetwork(graph, ArgsFor(inputs), BuildOptionsFor(Precision::kFP32, false));
  EXPECT_TRUE(network.ok()) << network.status().ToString();
  if (!network.ok()) return {};
  EXPECT_EQ(FoldAttentions(&*network), 1);
  FuseEpilogues(&*network);
  return std::move(*network);
}

TEST(QkvPackingTest, FP16EnginesPackSelfAttentionProjections) {
  const AttentionCase c = Projected();
  Graph graph("segment");
  AddAttention(c, graph);
  const std::vector<Tensor> inputs = AttentionInputs(c, 0.6f);
  auto network = BuildNetwork(graph, ArgsFor(inputs), BuildOptionsFor(Precision::kFP16, true));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(CountOps(*network, "BatchMatMulV2"), 1);
  ASSERT_EQ(CountOps(*network, kAttentionOp), 1);
  const EngineLayer& product = OnlyLayer(*network, "BatchMatMulV2");
  EXPECT_EQ(product.input(1).weight().tensor_shape().dim(1).size(), 3 * 3 * 8);
  ASSERT_EQ(product.epilogue_size(), 1);
  EXPECT_EQ(product.epilogue(0).operand().weight().tensor_shape().dim(0).size(), 3 * 3 * 8);
  // The key and value products and reshapes are reported as folded into the packed ones.
  EXPECT_GE(product.fused_node_size(), 2);
  const EngineLayer& attention = OnlyLayer(*network, kAttentionOp);
  ASSERT_EQ(attention.input_size(), 2);  // qkv, mask
  const EngineTensor& qkv = network->tensor(attention.input(0).tensor());
  EXPECT_EQ(std::vector<int64_t>(qkv.dim().begin(), qkv.dim().end()),
            (std::vector<int64_t>{2, 5, 3, 3, 8}));

  // Against the float32 engine of the plain ops: half weights, inputs and outputs.
  auto reference = BuildNetwork(graph, ArgsFor(inputs), BuildOptionsFor(Precision::kFP32, false));
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  auto expected = RunOnCpu(std::move(*reference), inputs);
  auto actual = RunOnCpu(std::move(*network), inputs);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  ASSERT_TRUE(actual.ok()) << actual.status().ToString();
  EXPECT_LT(RelativeError((*actual)[0], (*expected)[0]), 2e-3);
}

TEST(QkvPackingTest, PackedLayersComputeTheThreeProductsInFloat32) {
  for (const Shape& mask_shape : {Shape{2, 1, 1, 5}, Shape{2, 1, 5, 5}, Shape{}}) {
    SCOPED_TRACE(ShapeToString(mask_shape));
    const AttentionCase c = Projected(mask_shape);
    Graph graph("segment");
    AddAttention(c, graph);
    const std::vector<Tensor> inputs = AttentionInputs(c);
    const EngineNetwork unpacked = FoldedFloat32(graph, inputs);
    EngineNetwork packed = unpacked;
    ASSERT_EQ(PackQkvProjections(&packed), 1);
    EXPECT_EQ(CountOps(packed, "BatchMatMulV2"), 1);
    EXPECT_EQ(CountOps(packed, "Reshape"), CountOps(unpacked, "Reshape") - 2);
    auto expected = RunOnCpu(unpacked, inputs);
    auto actual = RunOnCpu(std::move(packed), inputs);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    EXPECT_LT(RelativeError((*actual)[0], (*expected)[0]), 1e-6);
  }
}

TEST(QkvPackingTest, ProjectionsReadElsewhereOrOfOtherTensorsStayApart) {
  {
    SCOPED_TRACE("the key projection is also an output");
    const AttentionCase c = Projected();
    Graph graph("segment");
    AddAttention(c, graph);
    testing::AddRet(graph, "key", {graph.FindNode("key_add"), 0});
    const EngineNetwork network = FoldedFloat32(graph, AttentionInputs(c));
    EngineNetwork rewritten = network;
    EXPECT_EQ(PackQkvProjections(&rewritten), 0);
    EXPECT_EQ(rewritten.layer_size(), network.layer_size());
  }
  {
    SCOPED_TRACE("q, k and v projected from three different tensors (q, k, v as args)");
    AttentionCase c = Projected();
    c.projected_from = 0;
    Graph graph("segment");
    AddAttention(c, graph);
    EngineNetwork network = FoldedFloat32(graph, AttentionInputs(c));
    EXPECT_EQ(PackQkvProjections(&network), 0);
  }
}

}  // namespace
}  // namespace tftrt
