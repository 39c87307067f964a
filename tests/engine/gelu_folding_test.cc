// GELU folding: tf.nn.gelu's five ops after a matmul become one _TftrtGelu, which fusion
// then folds into the matmul's epilogue, computing exactly what the five ops do; patterns
// with another constant, or an intermediate read elsewhere, stay as they are.
#include "engine/gelu_folding.h"

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

struct GeluCase {
  float inv_sqrt2 = 0.70710677f;
  bool half_first = true;          // Mul(0.5, x) rather than Mul(x, 0.5)
  bool erfc_returned_too = false;  // an intermediate is also a segment output
};

// x [5, 3] -> MatMul -> tf.nn.gelu's ops (as TF 2.x writes them) -> y.
void AddGelu(const GeluCase& c, Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {5, 3});
  Node* w = AddConstNode(graph, "w", RandomTensor({3, 6}, 81));
  Node* h = AddFloatOp(graph, "h", "MatMul", {{x, 0}, {w, 0}});
  Node* half = AddConstNode(graph, "half", Tensor::Scalar<float>(0.5f));
  Node* scale = AddConstNode(graph, "scale", Tensor::Scalar<float>(c.inv_sqrt2));
  Node* halved = c.half_first ? AddFloatOp(graph, "mul", "Mul", {{half, 0}, {h, 0}})
                              : AddFloatOp(graph, "mul", "Mul", {{h, 0}, {half, 0}});
  Node* neg = AddFloatOp(graph, "neg", "Neg", {{h, 0}});
  Node* scaled = AddFloatOp(graph, "mul_1", "Mul", {{neg, 0}, {scale, 0}});
  Node* erfc = AddFloatOp(graph, "erfc", "Erfc", {{scaled, 0}});
  Node* y = AddFloatOp(graph, "mul_2", "Mul", {{halved, 0}, {erfc, 0}});
  AddRet(graph, "y", {y, 0});
  if (c.erfc_returned_too) AddRet(graph, "erfc", {erfc, 0});
}

TEST(GeluFoldingTest, GeluFoldsAndFusesIntoTheMatMul) {
  for (bool half_first : {true, false}) {
    SCOPED_TRACE(half_first ? "0.5 first" : "0.5 second");
    Graph graph("segment");
    AddGelu({.half_first = half_first}, graph);
    EngineNetwork network = ExpectRewritesKeepResults(graph, {RandomTensor({5, 3}, 82)});
    ASSERT_EQ(network.layer_size(), 1);
    EXPECT_EQ(network.layer(0).op(), "MatMul");
    ASSERT_EQ(network.layer(0).epilogue_size(), 1);
    EXPECT_EQ(network.layer(0).epilogue(0).op(), kGeluOp);
  }
}

TEST(GeluFoldingTest, OtherConstantsAndSharedIntermediatesStayUnfolded) {
  for (const GeluCase& c : {GeluCase{.inv_sqrt2 = 0.6f}, GeluCase{.erfc_returned_too = true}}) {
    Graph graph("segment");
    AddGelu(c, graph);
    BuildOptions plain;
    plain.fuse = false;
    auto network = BuildNetwork(graph, {{DataType::kFloat, {5, 3}, nullptr}}, plain);
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    EXPECT_EQ(FoldGelus(&*network), 0);
    for (const EngineLayer& layer : network->layer()) EXPECT_NE(layer.op(), kGeluOp);
  }
}

}  // namespace
}  // namespace tftrt
