// Lifting large constants out of segment functions into engine-node inputs (so that
// saved_model.pb stays small), keeping what the converted graph computes.
#include "segment/lift_weights.h"

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "graph/verifier.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::BitIdentical;
using testing::ConvAttrs;
using testing::ConvertGraph;
using testing::RandomTensor;
using testing::RunGraph;
using testing::RunWithFunctions;
using testing::TensorsMatch;

constexpr int64_t kMinBytes = 256;
constexpr char kEngine[] = "TRTEngineOp_000_000";
constexpr char kFunction[] = "TRTEngineOp_000_000_native_segment";
const Shape kInput = {1, 5, 5, 3};

// x -> conv (a 432-byte filter) -> BiasAdd (a 16-byte bias) -> Relu, converted
// to one engine node.
struct ConvertedConv {
  Graph graph{"g"};
  FunctionGraphs functions;
  Tensor filter = RandomTensor({3, 3, 3, 4}, 101);
  Tensor bias = RandomTensor({4}, 102);
  std::vector<Tensor> expected;

  explicit ConvertedConv(bool allow_build_at_runtime = true) {
    Node* x = AddArg(graph, "x", DataType::kFloat, kInput);
    Node* f = AddConstNode(graph, "filter", filter);
    Node* b = AddConstNode(graph, "bias", bias);
    Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {f, 0}}, ConvAttrs());
    Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {b, 0}});
    Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
    AddRet(graph, "y", {relu, 0});
    auto outputs = RunGraph(graph, Args());
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    if (outputs.ok()) expected = *outputs;
    SegmenterOptions options;
    EngineNodeParams params;
    params.allow_build_at_runtime = allow_build_at_runtime;
    auto engines = ConvertGraph(graph, options, params, &functions);
    EXPECT_TRUE(engines.ok()) << engines.status().ToString();
  }

  static std::vector<Tensor> Args() { return {RandomTensor(kInput, 103)}; }
};

TEST(LiftWeightsTest, LargeConstantsBecomeEngineInputs) {
  ConvertedConv converted;
  std::shared_ptr<const Graph> before = converted.functions.at(kFunction);
  ASSERT_TRUE(LiftEngineWeights(converted.graph, converted.functions, kMinBytes).ok());

  const Node* engine = converted.graph.FindNode(kEngine);
  ASSERT_NE(engine, nullptr);
  ASSERT_EQ(engine->inputs.size(), 2u);
  const Node* weight = engine->inputs[1].node;
  EXPECT_EQ(weight->op, "Const");
  EXPECT_EQ(weight->name, "TRTEngineOp_000_000/filter");
  EXPECT_TRUE(BitIdentical(weight->constant, converted.filter));
  EXPECT_EQ(*GetIntListAttr(*engine, "_tftrt_weight_inputs"), (std::vector<int64_t>{1}));
  EXPECT_EQ(*GetTypeListAttr(*engine, "InT"),
            (std::vector<DataType>{DataType::kFloat, DataType::kFloat}));
  auto shapes = GetShapeListAttr(*engine, "input_shapes");
  ASSERT_TRUE(shapes.ok()) << shapes.status().ToString();
  ASSERT_EQ(shapes->size(), 2u);
  EXPECT_EQ((*shapes)[1].dims, converted.filter.shape());
  EXPECT_TRUE(VerifyGraph(converted.graph).ok());

  const Graph& function = *converted.functions.at(kFunction);
  ASSERT_EQ(function.args().size(), 2u);
  EXPECT_EQ(function.args()[1].name, "TensorRTWeightPH_1");
  EXPECT_EQ(function.args()[1].dtype, DataType::kFloat);
  EXPECT_EQ(*GetIntAttr(*function.args()[1].node, "index"), 1);
  EXPECT_EQ(function.FindNode("filter"), nullptr);
  ASSERT_NE(function.FindNode("bias"), nullptr) << "small constants stay in the segment";
  EXPECT_EQ(function.FindNode("conv")->inputs[1].node, function.args()[1].node);
  EXPECT_TRUE(VerifyGraph(function).ok());

  // The function was replaced, not edited: graphs that share the old one keep it.
  EXPECT_NE(before.get(), &function);
  EXPECT_NE(before->FindNode("filter"), nullptr);
  EXPECT_EQ(before->args().size(), 1u);
}

TEST(LiftWeightsTest, SmallConstantsStay) {
  ConvertedConv converted;
  ASSERT_TRUE(LiftEngineWeights(converted.graph, converted.functions, 1 << 20).ok());
  const Node* engine = converted.graph.FindNode(kEngine);
  EXPECT_EQ(engine->inputs.size(), 1u);
  EXPECT_FALSE(HasAttr(*engine, "_tftrt_weight_inputs"));
  EXPECT_EQ(converted.functions.at(kFunction)->args().size(), 1u);
}

TEST(LiftWeightsTest, EveryLargeConstantGetsItsOwnInput) {
  ConvertedConv converted;
  ASSERT_TRUE(LiftEngineWeights(converted.graph, converted.functions, 1).ok());
  const Node* engine = converted.graph.FindNode(kEngine);
  ASSERT_EQ(engine->inputs.size(), 3u);
  EXPECT_EQ(*GetIntListAttr(*engine, "_tftrt_weight_inputs"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(GetTypeListAttr(*engine, "InT")->size(), 3u);
  EXPECT_EQ(GetShapeListAttr(*engine, "input_shapes")->size(), 3u);
  const Graph& function = *converted.functions.at(kFunction);
  EXPECT_EQ(function.args().size(), 3u);
  for (const Node* node : function.nodes()) EXPECT_NE(node->op, "Const") << node->name;
}

// Through engines built at run time (weights baked in, not engine inputs) and through the
// native segment (weights passed as args), the lifted graph computes what it did.
TEST(LiftWeightsTest, LiftedGraphComputesTheSame) {
  for (bool allow_build : {true, false}) {
    ConvertedConv converted(allow_build);
    ASSERT_TRUE(LiftEngineWeights(converted.graph, converted.functions, kMinBytes).ok());
    auto caches = std::make_shared<EngineCaches>();
    auto actual =
        RunWithFunctions(converted.graph, converted.functions, ConvertedConv::Args(), caches);
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    ASSERT_EQ(actual->size(), 1u);
    EXPECT_TRUE(TensorsMatch((*actual)[0], converted.expected[0], 1e-6))
        << (allow_build ? "engine" : "native segment");
    auto engines = caches->Get(kEngine, 1)->Engines();
    ASSERT_EQ(engines.size(), allow_build ? 1u : 0u);
    if (allow_build) {
      EXPECT_EQ(engines[0]->plan().input_size(), 1) << "weights are baked in";
    }
  }
}

TEST(LiftWeightsTest, MissingSegmentFunctionIsNotFound) {
  ConvertedConv converted;
  converted.functions.clear();
  Status status = LiftEngineWeights(converted.graph, converted.functions, kMinBytes);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find(kFunction), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace tftrt
