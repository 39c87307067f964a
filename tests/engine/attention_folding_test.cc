// Attention folding: Keras' MultiHeadAttention (as Keras 3 writes its attention in a TF
// graph) becomes one _TftrtAttention layer in FP16 engines that computes what its ops do;
// float32 engines, shared intermediates and shapes cuDNN's fused attention does not take
// stay as they are.
#include "engine/attention_folding.h"

#include <gtest/gtest.h>

#include "backends/cpu/cpu_backend.h"
#include "common/relative_error.h"
#include "engine/attention_test_graph.h"

namespace tftrt {
namespace {

using testing::AddAttention;
using testing::ArgsFor;

using testing::AttentionCase;
using testing::AttentionInputs;
using testing::BuildOptionsFor;
using testing::CountOps;
using testing::RunOnCpu;

constexpr int64_t kBatch = 2, kQueries = 5, kKeys = 6, kHeads = 3;

AttentionCase Case(int64_t head_dim = 8, Shape mask_shape = {kBatch, 1, 1, kKeys},
                   bool softmax_returned_too = false, bool keras2_equations = false) {
  return {.batch = kBatch,
          .queries = kQueries,
          .keys = kKeys,
          .heads = kHeads,
          .head_dim = head_dim,
          .mask_shape = std::move(mask_shape),
          .softmax_returned_too = softmax_returned_too,
          .keras2_equations = keras2_equations};
}

TEST(AttentionFoldingTest, KerasAttentionBecomesOneLayerInFp16Engines) {
  for (bool keras2 : {false, true}) {
    SCOPED_TRACE(keras2 ? "Keras 2's equations" : "Keras 3's equations");
    const AttentionCase c = Case(8, {kBatch, 1, 1, kKeys}, false, keras2);
    Graph graph("segment");
    AddAttention(c, graph);
    const std::vector<Tensor> inputs = AttentionInputs(c);
    auto network = BuildNetwork(graph, ArgsFor(inputs), BuildOptionsFor(Precision::kFP16, true));
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    ASSERT_EQ(CountOps(*network, kAttentionOp), 1);
    const EngineLayer* attention = nullptr;
    for (const EngineLayer& layer : network->layer()) {
      if (layer.op() == kAttentionOp) attention = &layer;
      EXPECT_NE(layer.op(), "Einsum");
      EXPECT_NE(layer.op(), "LogicalAnd");  // and-ed with ones_like: the mask itself is used
      EXPECT_NE(layer.op(), "Fill");
    }
    EXPECT_EQ(attention->kind(), LAYER_KIND_MATMUL);
    ASSERT_EQ(attention->input_size(), 4);
    EXPECT_FLOAT_EQ(attention->attr().at("scale").f(), 0.35355338f);
    EXPECT_FLOAT_EQ(attention->attr().at("mask_value").f(), -2.372671e+38f);
    // Einsum, Mul, LogicalAnd, SelectV2, Softmax (the lowering made a weight of the Fill).
    EXPECT_EQ(attention->fused_node_size(), 5);

    // Against the float32 engine of the plain ops: half-precision inputs and output are the
    // only roundings (the fused layer computes in float).
    auto reference = BuildNetwork(graph, ArgsFor(inputs), BuildOptionsFor(Precision::kFP32, false));
    ASSERT_TRUE(reference.ok()) << reference.status().ToString();
    auto expected = RunOnCpu(std::move(*reference), inputs);
    auto actual = RunOnCpu(std::move(*network), inputs);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    EXPECT_LT(RelativeError((*actual)[0], (*expected)[0]), 1e-3);
  }
}

TEST(AttentionFoldingTest, FoldedLayerComputesThePlainOpsInFloat32) {
  for (const Shape& mask_shape :
       {Shape{kBatch, 1, 1, kKeys}, Shape{kBatch, 1, kQueries, kKeys}, Shape{kKeys}}) {
    SCOPED_TRACE(ShapeToString(mask_shape));
    const AttentionCase c = Case(8, mask_shape);
    Graph graph("segment");
    AddAttention(c, graph);
    const std::vector<Tensor> inputs = AttentionInputs(c);
    auto plain = BuildNetwork(graph, ArgsFor(inputs), BuildOptionsFor(Precision::kFP32, false));
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EngineNetwork folded = *plain;
    ASSERT_EQ(FoldAttentions(&folded), 1);
    auto expected = RunOnCpu(std::move(*plain), inputs);
    auto actual = RunOnCpu(std::move(folded), inputs);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    EXPECT_LT(RelativeError((*actual)[0], (*expected)[0]), 1e-6);
  }
}

TEST(AttentionFoldingTest, Float32EnginesSharedScoresAndOtherShapesStayUnfolded) {
  struct Unfolded {
    const char* why;
    AttentionCase c;
    Precision precision;
  };
  for (const Unfolded& u : {
           Unfolded{"float32 engine", {}, Precision::kFP32},
           Unfolded{
               "probabilities read elsewhere", {.softmax_returned_too = true}, Precision::kFP16},
           Unfolded{"head dim not a multiple of 8", {.head_dim = 6}, Precision::kFP16},
           Unfolded{"head dim above the limit",
                    {.head_dim = kMaxAttentionHeadDim + 8},
                    Precision::kFP16},
           Unfolded{
               "a mask per head", {.mask_shape = {kBatch, kHeads, 1, kKeys}}, Precision::kFP16},
       }) {
    SCOPED_TRACE(u.why);
    Graph graph("segment");
    AddAttention(u.c, graph);
    auto network =
        BuildNetwork(graph, ArgsFor(AttentionInputs(u.c)), BuildOptionsFor(u.precision, true));
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    EXPECT_EQ(CountOps(*network, kAttentionOp), 0);
    EXPECT_EQ(CountOps(*network, "Einsum"), 2);
  }
}

}  // namespace
}  // namespace tftrt
