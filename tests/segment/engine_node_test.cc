// Engine nodes: each segment becomes a TRTEngineOp with TF-TRT's attributes and its native
// segment function, and the rewritten graph computes what the original did.
#include "segment/engine_node.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/engine_test_util.h"
#include "graph/verifier.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::AllTensorsMatch;
using testing::BitIdentical;
using testing::ConvAttrs;
using testing::ConvertGraph;
using testing::InferTypes;
using testing::RandomTensor;
using testing::RunGraph;
using testing::RunWithFunctions;
using testing::TensorsMatch;

SegmenterOptions Options(int minimum_segment_size) {
  SegmenterOptions options;
  options.minimum_segment_size = minimum_segment_size;
  return options;
}

// x (float) and k (int32) -> Cast(k) -> Mul -> Relu -> AddV2(bias): one segment. The Mul
// is also read outside (by a native Expm1 and by a ret), the AddV2 by a ret.
void AddMixedDtypeGraph(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  Node* k = AddArg(graph, "k", DataType::kInt32, {2, 3});
  Node* kf = graph.AddNode(
      "kf", "Cast", {{"SrcT", TypeAttr(DataType::kInt32)}, {"DstT", TypeAttr(DataType::kFloat)}},
      {{k, 0}});
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{x, 0}, {kf, 0}});
  mul->attrs[kRecordedShapesAttr] = ShapeListAttr({PartialShape{false, {-1, 3}}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{mul, 0}});
  Node* bias = AddConstNode(graph, "bias", Tensor::FromVector<float>({0.5f, -1.0f, 2.0f}));
  Node* add = AddFloatOp(graph, "add", "AddV2", {{relu, 0}, {bias, 0}});
  Node* expm1 = AddFloatOp(graph, "expm1", "Expm1", {{mul, 0}});
  AddRet(graph, "add", {add, 0});
  AddRet(graph, "expm1", {expm1, 0});
  AddRet(graph, "mul", {mul, 0});
}

std::vector<Tensor> MixedDtypeArgs() {
  return {RandomTensor({2, 3}, 11), Tensor::FromVector<int32_t>({1, -2, 3, 0, 5, -1}, {2, 3})};
}

EngineNodeParams NonDefaultParams() {
  EngineNodeParams params;
  params.precision = Precision::kFP16;
  params.workspace_size_bytes = 12345;
  params.max_cached_engines = 3;
  params.use_calibration = true;
  params.allow_build_at_runtime = false;
  return params;
}

TEST(EngineNodeTest, EngineNodeCarriesTfTrtAttributes) {
  Graph graph("g");
  AddMixedDtypeGraph(graph);
  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, Options(3), NonDefaultParams(), &functions, 7);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  ASSERT_EQ(engines->size(), 1u);
  const Node& engine = *(*engines)[0];

  EXPECT_EQ(engine.name, "TRTEngineOp_007_000");
  EXPECT_EQ(engine.op, "TRTEngineOp");
  // Inputs in the order the segment first reads them: k (by the Cast), then x.
  ASSERT_EQ(engine.inputs.size(), 2u);
  EXPECT_EQ(engine.inputs[0].node->name, "k");
  EXPECT_EQ(engine.inputs[1].node->name, "x");
  EXPECT_EQ(*GetTypeListAttr(engine, "InT"),
            (std::vector<DataType>{DataType::kInt32, DataType::kFloat}));
  EXPECT_EQ(*GetTypeListAttr(engine, "OutT"),
            (std::vector<DataType>{DataType::kFloat, DataType::kFloat}));
  auto input_shapes = GetShapeListAttr(engine, "input_shapes");
  ASSERT_TRUE(input_shapes.ok()) << input_shapes.status().ToString();
  ASSERT_EQ(input_shapes->size(), 2u);
  for (const PartialShape& shape : *input_shapes) {
    EXPECT_FALSE(shape.unknown_rank);
    EXPECT_EQ(shape.dims, (Shape{2, 3}));
  }
  // Output shapes are those TensorFlow recorded (mul: [?,3]) or unknown (add: none).
  auto output_shapes = GetShapeListAttr(engine, "output_shapes");
  ASSERT_TRUE(output_shapes.ok()) << output_shapes.status().ToString();
  ASSERT_EQ(output_shapes->size(), 2u);
  EXPECT_EQ((*output_shapes)[0].ToString(), "[?,3]");
  EXPECT_TRUE((*output_shapes)[1].unknown_rank);
  EXPECT_EQ(*GetFuncAttr(engine, "segment_func"), "TRTEngineOp_007_000_native_segment");
  EXPECT_EQ(SegmentFunctionName(engine.name), "TRTEngineOp_007_000_native_segment");
  EXPECT_EQ(*GetStringAttr(engine, "precision_mode"), "FP16");
  EXPECT_EQ(*GetIntAttr(engine, "max_cached_engines_count"), 3);
  EXPECT_EQ(*GetIntAttr(engine, "workspace_size_bytes"), 12345);
  EXPECT_EQ(*GetBoolAttr(engine, "use_calibration"), true);
  EXPECT_EQ(*GetStringAttr(engine, "calibration_data"), "");
  EXPECT_EQ(*GetBoolAttr(engine, "_allow_build_at_runtime"), false);
  // Every attribute TRTEngineOp's OpDef requires (has no default for) is set.
  const tensorflow::OpDef* op_def = testing::BuiltinOpDefs().Find("TRTEngineOp");
  ASSERT_NE(op_def, nullptr);
  for (const auto& attr : op_def->attr()) {
    if (!attr.has_default_value()) {
      EXPECT_TRUE(HasAttr(engine, attr.name())) << attr.name();
    }
  }

  // The converted graph is still typed by the OpDefs (TRTEngineOp's OutT) and valid.
  EXPECT_TRUE(VerifyGraph(graph).ok());
  auto types = InferTypes(graph);
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  EXPECT_EQ(types->outputs(&engine).size(), 2u);
}

TEST(EngineNodeTest, UsesOfTheSegmentReadTheEngineNode) {
  Graph graph("g");
  AddMixedDtypeGraph(graph);
  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, Options(3), NonDefaultParams(), &functions, 7);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  Node* engine = (*engines)[0];

  for (const char* name : {"kf", "mul", "relu", "add", "bias"}) {
    EXPECT_EQ(graph.FindNode(name), nullptr) << name << " should have left the main graph";
  }
  // Segment outputs in segment order: mul (read twice outside, one output), then add.
  EXPECT_EQ(graph.FindNode("expm1")->inputs[0], (Output{engine, 0}));
  ASSERT_EQ(graph.rets().size(), 3u);
  EXPECT_EQ(graph.rets()[0].tensor, (Output{engine, 1}));
  EXPECT_EQ(graph.rets()[2].tensor, (Output{engine, 0}));
}

TEST(EngineNodeTest, SegmentFunctionHasPlaceholderArgsRetsAndConstants) {
  Graph graph("g");
  AddMixedDtypeGraph(graph);
  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, Options(3), NonDefaultParams(), &functions, 7);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  ASSERT_EQ(functions.size(), 1u);
  auto it = functions.find("TRTEngineOp_007_000_native_segment");
  ASSERT_NE(it, functions.end());
  const Graph& function = *it->second;

  EXPECT_EQ(function.name(), "TRTEngineOp_007_000_native_segment");
  ASSERT_EQ(function.args().size(), 2u);
  EXPECT_EQ(function.args()[0].name, "TensorRTInputPH_0");
  EXPECT_EQ(function.args()[0].dtype, DataType::kInt32);
  EXPECT_EQ(function.args()[1].name, "TensorRTInputPH_1");
  EXPECT_EQ(function.args()[1].dtype, DataType::kFloat);
  for (int i = 0; i < 2; ++i) {
    const Node* arg = function.args()[i].node;
    EXPECT_EQ(arg->op, "_Arg");
    EXPECT_EQ(*GetIntAttr(*arg, "index"), i);
  }
  ASSERT_EQ(function.rets().size(), 2u);
  EXPECT_EQ(function.rets()[0].name, "TensorRTOutputPH_0");
  EXPECT_EQ(function.rets()[0].tensor.node->name, "mul");
  EXPECT_EQ(function.rets()[1].name, "TensorRTOutputPH_1");
  EXPECT_EQ(function.rets()[1].tensor.node->name, "add");

  const Node* bias = function.FindNode("bias");
  ASSERT_NE(bias, nullptr) << "the constant the segment reads is copied in";
  EXPECT_EQ(bias->op, "Const");
  EXPECT_TRUE(BitIdentical(bias->constant, Tensor::FromVector<float>({0.5f, -1.0f, 2.0f})));
  EXPECT_EQ(function.num_nodes(), 2 + 1 + 4);  // args, the constant, the segment's nodes
  EXPECT_TRUE(VerifyGraph(function).ok());

  // The function alone computes the segment's outputs.
  std::vector<Tensor> args = MixedDtypeArgs();
  auto direct = RunGraph(function, {args[1], args[0]});
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  Graph original("g");
  AddMixedDtypeGraph(original);
  auto expected = RunGraph(original, args);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  EXPECT_TRUE(BitIdentical((*direct)[0], (*expected)[2]));
  EXPECT_TRUE(BitIdentical((*direct)[1], (*expected)[0]));
}

// The rewritten graph runs on the executor with the segment functions: through engines
// built at run time, and through the native segments when builds are not allowed.
TEST(EngineNodeTest, ConvertedGraphComputesWhatTheOriginalDid) {
  for (bool allow_build : {true, false}) {
    Graph graph("g");
    AddMixedDtypeGraph(graph);
    auto expected = RunGraph(graph, MixedDtypeArgs());
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    FunctionGraphs functions;
    EngineNodeParams params;
    params.allow_build_at_runtime = allow_build;
    auto engines = ConvertGraph(graph, Options(3), params, &functions);
    ASSERT_TRUE(engines.ok()) << engines.status().ToString();
    ASSERT_EQ(engines->size(), 1u);
    auto caches = std::make_shared<EngineCaches>();
    auto actual = RunWithFunctions(graph, functions, MixedDtypeArgs(), caches);
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    EXPECT_TRUE(AllTensorsMatch(*actual, *expected, 1e-6))
        << (allow_build ? "engine" : "native segment");
    EXPECT_EQ(caches->Get("TRTEngineOp_000_000", 1)->Engines().size(), allow_build ? 1u : 0u);
  }
}

// conv -> bias -> relu | native Expm1 | conv -> bias -> sigmoid -> mul(k), with k shared
// by the second segment and a native Atan2 that also depends (by control) on a segment node.
void AddTwoSegmentNet(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 6, 5, 3});
  Node* f1 = AddConstNode(graph, "f1", RandomTensor({3, 3, 3, 4}, 21));
  Node* b1 = AddConstNode(graph, "b1", RandomTensor({4}, 22));
  Node* conv1 = AddFloatOp(graph, "conv1", "Conv2D", {{x, 0}, {f1, 0}}, ConvAttrs());
  Node* bias1 = AddFloatOp(graph, "bias1", "BiasAdd", {{conv1, 0}, {b1, 0}});
  Node* relu1 = AddFloatOp(graph, "relu1", "Relu", {{bias1, 0}});
  Node* native = AddFloatOp(graph, "native", "Expm1", {{relu1, 0}});
  Node* f2 = AddConstNode(graph, "f2", RandomTensor({3, 3, 4, 4}, 23, -0.3f, 0.3f));
  Node* b2 = AddConstNode(graph, "b2", RandomTensor({4}, 24));
  Node* conv2 = AddFloatOp(graph, "conv2", "Conv2D", {{native, 0}, {f2, 0}}, ConvAttrs());
  Node* bias2 = AddFloatOp(graph, "bias2", "BiasAdd", {{conv2, 0}, {b2, 0}});
  Node* sigmoid = AddFloatOp(graph, "sigmoid", "Sigmoid", {{bias2, 0}});
  Node* k = AddConstNode(graph, "k", RandomTensor({4}, 25, 0.5f, 1.5f));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{sigmoid, 0}, {k, 0}});
  Node* atan2 = AddFloatOp(graph, "atan2", "Atan2", {{relu1, 0}, {k, 0}});
  atan2->control_inputs.push_back(conv2);
  AddRet(graph, "mul", {mul, 0});
  AddRet(graph, "atan2", {atan2, 0});
}

TEST(EngineNodeTest, TwoSegmentsWithSharedConstantAndControlEdge) {
  Graph graph("g");
  AddTwoSegmentNet(graph);
  const std::vector<Tensor> args = {RandomTensor({1, 6, 5, 3}, 26)};
  auto expected = RunGraph(graph, args);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, Options(3), {}, &functions);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  ASSERT_EQ(engines->size(), 2u);
  EXPECT_EQ((*engines)[0]->name, "TRTEngineOp_000_000");
  EXPECT_EQ((*engines)[1]->name, "TRTEngineOp_000_001");
  EXPECT_EQ(functions.size(), 2u);
  EXPECT_TRUE(VerifyGraph(graph).ok());

  // Weights read only by segments left the main graph; k is still read natively.
  for (const char* name : {"f1", "b1", "f2", "b2"}) EXPECT_EQ(graph.FindNode(name), nullptr);
  ASSERT_NE(graph.FindNode("k"), nullptr);
  const Node* atan2 = graph.FindNode("atan2");
  ASSERT_EQ(atan2->control_inputs.size(), 1u);
  EXPECT_EQ(atan2->control_inputs[0], (*engines)[1]);
  EXPECT_EQ(graph.FindNode("native")->inputs[0].node, (*engines)[0]);

  auto actual = RunWithFunctions(graph, functions, args);
  ASSERT_TRUE(actual.ok()) << actual.status().ToString();
  EXPECT_TRUE(AllTensorsMatch(*actual, *expected, 1e-6));
}

// Segment 0 ({a, d}, first in the graph) reads the output of segment 1 ({c}): c cannot
// join {a, d} because of the path c -> m (native) -> d. The earlier engine node must end
// up reading the later one.
TEST(EngineNodeTest, EngineReadsTheOutputOfALaterSegment) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 4});
  Node* a = AddFloatOp(graph, "a", "Relu", {{x, 0}});
  Node* n = AddFloatOp(graph, "n", "Expm1", {{x, 0}});
  Node* c = AddFloatOp(graph, "c", "Tanh", {{n, 0}});
  Node* m = AddFloatOp(graph, "m", "Expm1", {{c, 0}});
  Node* d = AddFloatOp(graph, "d", "AddN", {{a, 0}, {c, 0}, {m, 0}}, {{"N", IntAttr(3)}});
  AddRet(graph, "y", {d, 0});
  const std::vector<Tensor> args = {RandomTensor({2, 4}, 27)};
  auto expected = RunGraph(graph, args);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, Options(1), {}, &functions);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  ASSERT_EQ(engines->size(), 2u);
  EXPECT_TRUE(VerifyGraph(graph).ok());
  const Node* first = (*engines)[0];
  const Node* second = (*engines)[1];
  EXPECT_EQ(*GetTypeListAttr(*first, "InT"), std::vector<DataType>(3, DataType::kFloat));
  EXPECT_NE(std::find(first->inputs.begin(), first->inputs.end(), Output{(*engines)[1], 0}),
            first->inputs.end())
      << "the first engine reads the second";
  EXPECT_EQ(graph.FindNode("m")->inputs[0].node, second);

  auto actual = RunWithFunctions(graph, functions, args);
  ASSERT_TRUE(actual.ok()) << actual.status().ToString();
  EXPECT_TRUE(TensorsMatch((*actual)[0], (*expected)[0], 1e-6));
}

// c (Tanh, recorded shape [?,4]) and {a, d} cannot merge (c -> m (native) -> d), so one
// engine reads the other. Whichever engine node is made first, the reader's input_shapes
// and the producer's output_shapes both carry c's shape.
TEST(EngineNodeTest, RecordedShapesFlowBetweenEngines) {
  for (bool producer_first : {false, true}) {
    SCOPED_TRACE(producer_first ? "c added first" : "a added first");
    Graph graph("g");
    Node* x = AddArg(graph, "x", DataType::kFloat, {-1, 4});
    Node* a = producer_first ? nullptr : AddFloatOp(graph, "a", "Relu", {{x, 0}});
    Node* n = AddFloatOp(graph, "n", "Expm1", {{x, 0}});
    Node* c = AddFloatOp(graph, "c", "Tanh", {{n, 0}});
    c->attrs[kRecordedShapesAttr] = ShapeListAttr({PartialShape{false, {-1, 4}}});
    if (producer_first) a = AddFloatOp(graph, "a", "Relu", {{x, 0}});
    Node* m = AddFloatOp(graph, "m", "Expm1", {{c, 0}});
    Node* d = AddFloatOp(graph, "d", "AddN", {{a, 0}, {c, 0}, {m, 0}}, {{"N", IntAttr(3)}});
    AddRet(graph, "y", {d, 0});

    FunctionGraphs functions;
    auto engines = ConvertGraph(graph, Options(1), {}, &functions);
    ASSERT_TRUE(engines.ok()) << engines.status().ToString();
    ASSERT_EQ(engines->size(), 2u);
    const Node* reader =
        graph.FindNode("m")->inputs[0].node == (*engines)[0] ? (*engines)[1] : (*engines)[0];
    const Node* producer = reader == (*engines)[0] ? (*engines)[1] : (*engines)[0];
    EXPECT_EQ(GetShapeListAttr(*producer, "output_shapes")->at(0).ToString(), "[?,4]");
    auto input_shapes = GetShapeListAttr(*reader, "input_shapes");
    ASSERT_TRUE(input_shapes.ok()) << input_shapes.status().ToString();
    int from_producer = 0;
    for (size_t i = 0; i < reader->inputs.size(); ++i) {
      if (reader->inputs[i].node != producer) continue;
      EXPECT_EQ(input_shapes->at(i).ToString(), "[?,4]") << "input " << i;
      ++from_producer;
    }
    EXPECT_EQ(from_producer, 1);
  }
}

TEST(EngineNodeTest, ExistingNodeWithTheEngineNameIsAlreadyExists) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* taken = AddFloatOp(graph, "TRTEngineOp_000_000", "Expm1", {{x, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{taken, 0}});
  AddRet(graph, "y", {relu, 0});
  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, Options(1), {}, &functions);
  ASSERT_FALSE(engines.ok());
  EXPECT_EQ(engines.status().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace tftrt
