// Layer-normalization folding: Keras' LayerNormalization (as TF 2.x / Keras 3 write it in a
// graph) becomes one _TftrtLayerNorm layer that computes exactly what its eleven ops do;
// a pattern whose intermediate is read elsewhere, or whose gamma is not a vector along the
// last dim, stays as it is.
#include "engine/layer_norm_folding.h"

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

constexpr int64_t kCols = 7;

struct LayerNormCase {
  Shape gamma_shape = {1, 1, kCols};  // Keras reshapes its weights to broadcast
  bool variance_returned_too = false;
  bool swap_operands = false;  // the commutative ops with their operands the other way round
};

// x [2, 3, kCols] -> LayerNormalization's ops -> y.
void AddLayerNorm(const LayerNormCase& c, Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3, kCols});
  Node* axis = AddConstNode(graph, "axis", Tensor::FromVector<int32_t>({-1}));
  Node* epsilon = AddConstNode(graph, "epsilon", Tensor::Scalar<float>(1e-3f));
  Node* gamma = AddConstNode(graph, "gamma", RandomTensor(c.gamma_shape, 91));
  Node* beta = AddConstNode(graph, "beta", RandomTensor({1, 1, kCols}, 92));
  const AttrMap mean_attrs = {{"keep_dims", BoolAttr(true)}, {"Tidx", TypeAttr(DataType::kInt32)}};
  auto binary = [&](const char* name, const char* op, Node* a, Node* b) {
    return c.swap_operands ? AddFloatOp(graph, name, op, {{b, 0}, {a, 0}})
                           : AddFloatOp(graph, name, op, {{a, 0}, {b, 0}});
  };
  Node* mean = AddFloatOp(graph, "mean", "Mean", {{x, 0}, {axis, 0}}, mean_attrs);
  Node* stop = AddFloatOp(graph, "stop", "StopGradient", {{mean, 0}});
  Node* difference = AddFloatOp(graph, "sqdiff", "SquaredDifference", {{x, 0}, {stop, 0}});
  Node* variance = AddFloatOp(graph, "variance", "Mean", {{difference, 0}, {axis, 0}}, mean_attrs);
  Node* plus = binary("add", "AddV2", variance, epsilon);
  Node* rsqrt = AddFloatOp(graph, "rsqrt", "Rsqrt", {{plus, 0}});
  Node* scale = binary("mul", "Mul", rsqrt, gamma);
  Node* neg = AddFloatOp(graph, "neg", "Neg", {{mean, 0}});
  Node* mean_scaled = binary("mul_1", "Mul", neg, scale);
  Node* shift = binary("add_1", "AddV2", mean_scaled, beta);
  Node* x_scaled = binary("mul_2", "Mul", x, scale);
  Node* y = binary("add_2", "AddV2", x_scaled, shift);
  AddRet(graph, "y", {y, 0});
  if (c.variance_returned_too) AddRet(graph, "variance", {variance, 0});
}

TEST(LayerNormFoldingTest, KerasLayerNormalizationBecomesOneLayer) {
  for (bool swap : {false, true}) {
    SCOPED_TRACE(swap ? "operands swapped" : "operands as Keras writes them");
    Graph graph("segment");
    AddLayerNorm({.swap_operands = swap}, graph);
    EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({2, 3, kCols}, 93)});
    ASSERT_EQ(network.layer_size(), 1);
    const EngineLayer& layer = network.layer(0);
    EXPECT_EQ(layer.op(), kLayerNormOp);
    EXPECT_EQ(layer.kind(), LAYER_KIND_NORMALIZATION);
    ASSERT_EQ(layer.input_size(), 3);
    EXPECT_TRUE(layer.input(0).has_tensor());
    EXPECT_TRUE(layer.input(1).has_weight());
    EXPECT_TRUE(layer.input(2).has_weight());
    EXPECT_FLOAT_EQ(layer.attr().at("epsilon").f(), 1e-3f);
    EXPECT_EQ(layer.fused_node_size(), 10);
  }
}

TEST(LayerNormFoldingTest, SharedIntermediatesAndOtherGammaShapesStayUnfolded) {
  for (const LayerNormCase& c :
       {LayerNormCase{.variance_returned_too = true}, LayerNormCase{.gamma_shape = {3, kCols}}}) {
    Graph graph("segment");
    AddLayerNorm(c, graph);
    BuildOptions plain;
    plain.fuse = false;
    auto network = BuildNetwork(graph, {{DataType::kFloat, {2, 3, kCols}, nullptr}}, plain);
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    EXPECT_EQ(FoldLayerNorms(&*network), 0);
  }
}

}  // namespace
}  // namespace tftrt
