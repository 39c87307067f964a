// Lowering a segment function to an engine network: one layer per node, constants and
// weight args as weights (half in FP16 networks), Identity aliasing, and the errors.
#include "engine/network_builder.h"

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "savedmodel/tensor_proto.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::BitIdentical;
using testing::BuildCpuEngine;
using testing::ConvAttrs;
using testing::RandomTensor;
using testing::TensorsMatch;

const Shape kInputShape = {1, 4, 4, 3};

// The segment of conv -> BiasAdd -> Relu -> Reshape (to [1, 32]). With `filter_arg`, the
// filter is the segment's second arg (a lifted weight) instead of a constant.
struct ConvSegment {
  Graph graph{"segment"};
  Tensor filter = RandomTensor({3, 3, 3, 2}, 31);
  Tensor bias = RandomTensor({2}, 32);

  explicit ConvSegment(bool filter_arg = false) {
    Node* x = AddArg(graph, "x", DataType::kFloat, kInputShape);
    Node* f = filter_arg ? AddArg(graph, "filter", DataType::kFloat, filter.shape())
                         : AddConstNode(graph, "filter", filter);
    Node* b = AddConstNode(graph, "bias", bias);
    Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {f, 0}}, ConvAttrs());
    Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {b, 0}});
    Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
    Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({1, 32}));
    Node* reshape = AddFloatOp(graph, "reshape", "Reshape", {{relu, 0}, {shape, 0}},
                               {{"Tshape", TypeAttr(DataType::kInt32)}});
    AddRet(graph, "y", {reshape, 0});
  }
};

std::vector<EngineArg> InputArg() { return {{DataType::kFloat, kInputShape, nullptr}}; }

BuildOptions Unfused(Precision precision = Precision::kFP32) {
  BuildOptions options;
  options.precision = precision;
  options.fuse = false;
  return options;
}

Tensor WeightOf(const EngineOperand& operand) {
  EXPECT_TRUE(operand.has_weight());
  auto tensor = TensorFromProto(operand.weight());
  EXPECT_TRUE(tensor.ok()) << tensor.status().ToString();
  return tensor.ok() ? *tensor : Tensor();
}

TEST(NetworkBuilderTest, EveryNodeBecomesALayerOverNumberedTensors) {
  ConvSegment segment;
  BuildOptions options = Unfused();
  options.workspace_size_bytes = 4096;
  auto network = BuildNetwork(segment.graph, InputArg(), options);
  ASSERT_TRUE(network.ok()) << network.status().ToString();

  EXPECT_EQ(network->precision(), "FP32");
  EXPECT_EQ(network->workspace_size_bytes(), 4096);
  ASSERT_EQ(network->input_size(), 1);
  EXPECT_EQ(network->input(0).name(), "x");
  EXPECT_EQ(network->input(0).dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(*ShapeFromProto(network->input(0).shape()), kInputShape);

  ASSERT_EQ(network->layer_size(), 4);
  const std::vector<std::string> ops = {"Conv2D", "BiasAdd", "Relu", "Reshape"};
  int previous = network->input(0).tensor();
  for (int i = 0; i < 4; ++i) {
    const EngineLayer& layer = network->layer(i);
    EXPECT_EQ(layer.op(), ops[i]);
    EXPECT_EQ(layer.epilogue_size(), 0);
    ASSERT_EQ(layer.output_size(), 1);
    // Each layer reads the tensor the previous one wrote.
    ASSERT_TRUE(layer.input(0).has_tensor()) << layer.name();
    EXPECT_EQ(layer.input(0).tensor(), previous) << layer.name();
    previous = layer.output(0);
  }
  EXPECT_EQ(network->num_tensors(), 5);
  ASSERT_EQ(network->output_size(), 1);
  EXPECT_EQ(network->output(0).name(), "y");
  EXPECT_EQ(network->output(0).tensor(), previous);
  EXPECT_EQ(network->output(0).dtype(), tensorflow::DT_FLOAT);

  // Constants are weights with their attributes kept.
  EXPECT_TRUE(BitIdentical(WeightOf(network->layer(0).input(1)), segment.filter));
  EXPECT_TRUE(BitIdentical(WeightOf(network->layer(1).input(1)), segment.bias));
  EXPECT_EQ(network->layer(0).attr().at("padding").s(), "SAME");
}

TEST(NetworkBuilderTest, Fp16StoresFloatWeightsAsHalf) {
  ConvSegment segment;
  auto network = BuildNetwork(segment.graph, InputArg(), Unfused(Precision::kFP16));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  EXPECT_EQ(network->precision(), "FP16");

  const std::pair<int, const Tensor*> float_weights[] = {{0, &segment.filter}, {1, &segment.bias}};
  for (const auto& [layer, original] : float_weights) {
    const EngineOperand& operand = network->layer(layer).input(1);
    EXPECT_EQ(operand.compute_dtype(), tensorflow::DT_FLOAT);
    Tensor weight = WeightOf(operand);
    ASSERT_EQ(weight.dtype(), DataType::kHalf);
    ASSERT_EQ(weight.shape(), original->shape());
    for (int64_t i = 0; i < weight.NumElements(); ++i) {
      EXPECT_EQ(weight.flat<Half>()[i].bits, FloatToHalf(original->flat<float>()[i]).bits) << i;
    }
  }
  // Integer weights (the reshape's shape) are not narrowed.
  const EngineOperand& shape = network->layer(3).input(1);
  EXPECT_EQ(shape.compute_dtype(), tensorflow::DT_INVALID);
  EXPECT_TRUE(BitIdentical(WeightOf(shape), Tensor::FromVector<int32_t>({1, 32})));
}

TEST(NetworkBuilderTest, WeightArgsAreBakedInNotBound) {
  ConvSegment segment(/*filter_arg=*/true);
  std::vector<EngineArg> args = InputArg();
  args.push_back({DataType::kFloat, segment.filter.shape(), &segment.filter});
  auto network = BuildNetwork(segment.graph, args, Unfused());
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(network->input_size(), 1);
  EXPECT_EQ(network->input(0).name(), "x");
  EXPECT_TRUE(BitIdentical(WeightOf(network->layer(0).input(1)), segment.filter));
}

TEST(NetworkBuilderTest, EngineComputesWhatTheSegmentComputes) {
  ConvSegment segment;
  const Tensor x = RandomTensor(kInputShape, 33);
  auto expected = testing::RunGraph(segment.graph, {x});
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  for (bool fuse : {false, true}) {
    BuildOptions options;
    options.fuse = fuse;
    auto engine = BuildCpuEngine(segment.graph, InputArg(), options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto actual = (*engine)->Run({x});
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    ASSERT_EQ(actual->size(), 1u);
    EXPECT_TRUE(BitIdentical((*actual)[0], (*expected)[0])) << (fuse ? "fused" : "unfused");
  }
}

TEST(NetworkBuilderTest, IdentityAliasesItsInput) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 2});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* identity = AddFloatOp(graph, "identity", "Identity", {{relu, 0}});
  Node* snapshot = AddFloatOp(graph, "snapshot", "Snapshot", {{identity, 0}});
  AddRet(graph, "y", {snapshot, 0});
  auto network = BuildNetwork(graph, {{DataType::kFloat, {2, 2}, nullptr}}, Unfused());
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(network->layer_size(), 1);
  EXPECT_EQ(network->output(0).tensor(), network->layer(0).output(0));
}

TEST(NetworkBuilderTest, LayerHasOutputsUpToTheHighestUsed) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3, 4});
  Node* unpack =
      AddFloatOp(graph, "unpack", "Unpack", {{x, 0}}, {{"num", IntAttr(3)}, {"axis", IntAttr(0)}});
  AddRet(graph, "last", {unpack, 2});
  auto engine = BuildCpuEngine(graph, {{DataType::kFloat, {3, 4}, nullptr}}, Unfused());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->plan().layer(0).output_size(), 3);
  const Tensor input = RandomTensor({3, 4}, 34);
  auto outputs = (*engine)->Run({input});
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  Tensor expected(DataType::kFloat, {4});
  for (int i = 0; i < 4; ++i) expected.flat<float>()[i] = input.flat<float>()[8 + i];
  EXPECT_TRUE(BitIdentical((*outputs)[0], expected));
}

// INT8 without ranges (what calibration observes): every float layer FP16, float weights
// stored as half, tensors named after the TF tensors they hold.
TEST(NetworkBuilderTest, Int8WithoutRangesIsFp16Throughout) {
  ConvSegment segment;
  auto network = BuildNetwork(segment.graph, InputArg(), Unfused(Precision::kINT8));
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  EXPECT_EQ(network->precision(), "INT8");
  for (const EngineLayer& layer : network->layer()) {
    EXPECT_EQ(layer.precision(), "FP16") << layer.name();
    for (const EngineOperand& operand : layer.input()) {
      if (operand.has_weight() && operand.compute_dtype() == tensorflow::DT_FLOAT) {
        EXPECT_EQ(operand.weight().dtype(), tensorflow::DT_HALF) << layer.name();
      }
    }
  }
  for (const EngineTensor& tensor : network->tensor()) {
    EXPECT_NE(tensor.name().find(':'), std::string::npos) << tensor.name();
    EXPECT_EQ(tensor.dynamic_range(), 0.0f);
  }
}

TEST(NetworkBuilderTest, ArgsMustMatchTheSegment) {
  ConvSegment segment;
  auto wrong_dtype = BuildNetwork(segment.graph, {{DataType::kInt32, kInputShape, nullptr}}, {});
  ASSERT_FALSE(wrong_dtype.ok());
  EXPECT_EQ(wrong_dtype.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong_dtype.status().message().find("int32"), std::string::npos);

  std::vector<EngineArg> two = InputArg();
  two.push_back(two[0]);
  auto wrong_count = BuildNetwork(segment.graph, two, {});
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_EQ(wrong_count.status().code(), StatusCode::kInvalidArgument);
}

TEST(NetworkBuilderTest, NodeWithoutConverterIsUnimplementedNamingIt) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* expm1 = AddFloatOp(graph, "odd", "Expm1", {{relu, 0}});
  AddRet(graph, "y", {expm1, 0});
  auto network = BuildNetwork(graph, {{DataType::kFloat, {4}, nullptr}}, {});
  ASSERT_FALSE(network.ok());
  EXPECT_EQ(network.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(network.status().message().find("'odd' (Expm1)"), std::string::npos)
      << network.status().ToString();
}

// An output that is (or folds to) a constant is still an engine output: a layer copies
// the constant into it, and the engine returns it.
TEST(NetworkBuilderTest, ConstantOutputIsMaterialized) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  const Tensor k_value = RandomTensor({4}, 35);
  Node* k = AddConstNode(graph, "k", k_value);
  Node* identity = AddFloatOp(graph, "identity", "Identity", {{k, 0}});
  AddRet(graph, "y", {relu, 0});
  AddRet(graph, "k", {identity, 0});
  auto engine = BuildCpuEngine(graph, {{DataType::kFloat, {4}, nullptr}}, Unfused());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto outputs = (*engine)->Run({RandomTensor({4}, 36)});
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 2u);
  EXPECT_TRUE(TensorsMatch((*outputs)[1], k_value, 0.0));
}

// Shape of an engine tensor is concrete at build time: it and what is computed from it
// fold into constants, and the plan records every tensor's dtype and shape.
TEST(NetworkBuilderTest, ShapeComputationsFoldAndTensorsHaveShapes) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3, 4});
  Node* y = AddArg(graph, "y", DataType::kFloat, {6, 4});
  Node* shape =
      AddFloatOp(graph, "shape", "Shape", {{x, 0}}, {{"out_type", TypeAttr(DataType::kInt32)}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{y, 0}});
  Node* reshape = AddFloatOp(graph, "reshape", "Reshape", {{relu, 0}, {shape, 0}},
                             {{"Tshape", TypeAttr(DataType::kInt32)}});
  AddRet(graph, "out", {reshape, 0});
  auto network = BuildNetwork(
      graph, {{DataType::kFloat, {2, 3, 4}, nullptr}, {DataType::kFloat, {6, 4}, nullptr}},
      Unfused());
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(network->layer_size(), 2);
  EXPECT_EQ(network->layer(1).op(), "Reshape");
  EXPECT_TRUE(network->layer(1).input(1).has_weight()) << "the shape folded into a constant";
  ASSERT_EQ(network->tensor_size(), network->num_tensors());
  std::vector<std::vector<int64_t>> shapes;
  for (const EngineTensor& tensor : network->tensor()) {
    EXPECT_EQ(tensor.dtype(), tensorflow::DT_FLOAT);
    shapes.emplace_back(tensor.dim().begin(), tensor.dim().end());
  }
  EXPECT_EQ(shapes, (std::vector<std::vector<int64_t>>{{2, 3, 4}, {6, 4}, {6, 4}, {2, 3, 4}}));
}

// A reshape to the input's own shape and a Transpose by the identity permutation (TF's
// Tensordot emits both) move no data: they alias their input instead of becoming layers.
// A Transpose that moves a dim stays a layer.
TEST(NetworkBuilderTest, NoOpReshapeAndTransposeAliasTheirInput) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* same_shape = AddConstNode(graph, "same_shape", Tensor::FromVector<int32_t>({2, 3}));
  Node* reshape = AddFloatOp(graph, "reshape", "Reshape", {{relu, 0}, {same_shape, 0}},
                             {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* identity_perm = AddConstNode(graph, "identity_perm", Tensor::FromVector<int32_t>({0, 1}));
  Node* kept = AddFloatOp(graph, "kept", "Transpose", {{reshape, 0}, {identity_perm, 0}},
                          {{"Tperm", TypeAttr(DataType::kInt32)}});
  Node* swap_perm = AddConstNode(graph, "swap_perm", Tensor::FromVector<int32_t>({1, 0}));
  Node* swapped = AddFloatOp(graph, "swapped", "Transpose", {{kept, 0}, {swap_perm, 0}},
                             {{"Tperm", TypeAttr(DataType::kInt32)}});
  AddRet(graph, "kept", {kept, 0});
  AddRet(graph, "swapped", {swapped, 0});
  auto network = BuildNetwork(graph, {{DataType::kFloat, {2, 3}, nullptr}}, Unfused());
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  ASSERT_EQ(network->layer_size(), 2);
  EXPECT_EQ(network->layer(0).op(), "Relu");
  EXPECT_EQ(network->layer(1).op(), "Transpose");
  EXPECT_EQ(network->layer(1).input(0).tensor(), network->layer(0).output(0));
  ASSERT_EQ(network->output_size(), 2);
  EXPECT_EQ(network->output(0).tensor(), network->layer(0).output(0));
}

}  // namespace
}  // namespace tftrt
