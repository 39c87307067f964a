// INT8 engines on the cpu backend: which layers the builder makes INT8 and how it stores
// their weights and tensors, exact integer arithmetic, and results close to float32.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/engine_test_util.h"
#include "engine/int8_precision.h"
#include "graph/graph_copy.h"
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
using testing::RunGraph;
using testing::TensorsMatch;
using testing::Tolerance;

const Shape kImage = {2, 8, 8, 3};
// The name of the engine's input tensor (the segment's arg 0).
const char kInput[] = "TensorRTInputPH_0:0";
const CalibrationTable kNoRanges;

// x -> Conv2D -> BiasAdd -> Relu -> Conv2D -> out, and the depthwise / matmul variants.
void AddConvChain(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, kImage);
  Node* f1 = AddConstNode(graph, "f1", RandomTensor({3, 3, 3, 8}, 11, -0.5f, 0.5f));
  Node* b1 = AddConstNode(graph, "b1", RandomTensor({8}, 12, -0.2f, 0.2f));
  Node* f2 = AddConstNode(graph, "f2", RandomTensor({3, 3, 8, 4}, 13, -0.5f, 0.5f));
  Node* conv1 = AddFloatOp(graph, "conv1", "Conv2D", {{x, 0}, {f1, 0}}, ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv1, 0}, {b1, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  Node* conv2 = AddFloatOp(graph, "conv2", "Conv2D", {{relu, 0}, {f2, 0}}, ConvAttrs());
  AddRet(graph, "out", {conv2, 0});
}

// x -> DepthwiseConv2dNative (multiplier 2) -> Relu, reshaped to rows [2, 64, 6];
// gram = BatchMatMulV2(rows^T, rows) (two tensor operands), reshaped to [12, 6] and
// projected by a MatMul with a weight.
void AddDepthwiseAndBatchMatMul(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, kImage);
  Node* filter = AddConstNode(graph, "dw_filter", RandomTensor({3, 3, 3, 2}, 21, -0.5f, 0.5f));
  Node* dw = AddFloatOp(graph, "dw", "DepthwiseConv2dNative", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* relu = AddFloatOp(graph, "dw_relu", "Relu", {{dw, 0}});
  Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({2, 64, 6}));
  Node* rows = AddFloatOp(graph, "rows", "Reshape", {{relu, 0}, {shape, 0}},
                          {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* gram = AddFloatOp(graph, "gram", "BatchMatMulV2", {{rows, 0}, {rows, 0}},
                          {{"adj_x", BoolAttr(true)}, {"adj_y", BoolAttr(false)}});
  Node* w = AddConstNode(graph, "w", RandomTensor({6, 5}, 22, -0.5f, 0.5f));
  Node* flat_shape = AddConstNode(graph, "flat_shape", Tensor::FromVector<int32_t>({12, 6}));
  Node* flat = AddFloatOp(graph, "flat", "Reshape", {{gram, 0}, {flat_shape, 0}},
                          {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* projected = AddFloatOp(graph, "projected", "MatMul", {{flat, 0}, {w, 0}});
  AddRet(graph, "out", {projected, 0});
}

float MaxAbs(const Tensor& tensor) {
  float amax = 0;
  for (int64_t j = 0; j < tensor.NumElements(); ++j) {
    amax = std::max(amax, std::fabs(tensor.flat<float>()[j]));
  }
  return amax;
}

// The largest |x| of the input and of each named tensor ("node:0") when the graph runs on
// `input`.
CalibrationTable MaxRanges(const Graph& graph, const Tensor& input,
                           const std::vector<std::string>& names) {
  std::shared_ptr<Graph> copy = CopyGraph(graph);
  for (const std::string& name : names) {
    Node* node = copy->FindNode(name.substr(0, name.find(':')));
    EXPECT_NE(node, nullptr) << name;
    if (node != nullptr) AddRet(*copy, name, {node, 0});
  }
  auto outputs = RunGraph(*copy, {input});
  EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
  CalibrationTable ranges = {{kInput, MaxAbs(input)}};
  if (!outputs.ok()) return ranges;
  for (size_t i = 0; i < names.size(); ++i) {
    ranges[names[i]] = MaxAbs((*outputs)[graph.rets().size() + i]);
  }
  return ranges;
}

BuildOptions Int8(const CalibrationTable* ranges) {
  BuildOptions options;
  options.precision = Precision::kINT8;
  options.int8_ranges = ranges;
  return options;
}

StatusOr<EngineNetwork> Int8Network(const Graph& graph, const CalibrationTable& ranges) {
  return BuildNetwork(graph, {{DataType::kFloat, kImage, nullptr}}, Int8(&ranges));
}

const EngineLayer* FindLayer(const EngineNetwork& network, const std::string& name) {
  for (const EngineLayer& layer : network.layer()) {
    if (layer.name() == name) return &layer;
  }
  return nullptr;
}

const EngineTensor* FindTensor(const EngineNetwork& network, const std::string& name) {
  for (const EngineTensor& tensor : network.tensor()) {
    if (tensor.name() == name) return &tensor;
  }
  return nullptr;
}

Tensor RunEngine(const Graph& graph, const BuildOptions& options, const Tensor& x) {
  auto engine = BuildCpuEngine(graph, {{DataType::kFloat, x.shape(), nullptr}}, options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  if (!engine.ok()) return Tensor();
  auto outputs = (*engine)->Run({x});
  EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
  return outputs.ok() ? (*outputs)[0] : Tensor();
}

TEST(Int8EngineTest, CalibrationRecordsTheInputsAndFusedOutputsOfConvolutionsAndMatmuls) {
  Graph chain("chain");
  AddConvChain(chain);
  auto plan = BuildNetwork(chain, {{DataType::kFloat, kImage, nullptr}}, Int8(nullptr));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Int8CalibrationTensors(*plan), (std::vector<std::string>{kInput, "conv2:0", "relu:0"}));
  for (const EngineLayer& layer : plan->layer()) EXPECT_EQ(layer.precision(), "FP16");

  Graph mixed("mixed");
  AddDepthwiseAndBatchMatMul(mixed);
  plan = BuildNetwork(mixed, {{DataType::kFloat, kImage, nullptr}}, Int8(nullptr));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // The Reshape aliases nothing here: it is its own layer, so the matmuls read its output.
  EXPECT_EQ(
      Int8CalibrationTensors(*plan),
      (std::vector<std::string>{kInput, "dw_relu:0", "flat:0", "gram:0", "projected:0", "rows:0"}));
}

TEST(Int8EngineTest, ConvolutionsWithRangesRunInInt8WithPerChannelWeights) {
  Graph graph("chain");
  AddConvChain(graph);
  const Tensor x = RandomTensor(kImage, 31);
  const CalibrationTable ranges = MaxRanges(graph, x, {"relu:0", "conv2:0"});
  auto network = Int8Network(graph, ranges);
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  EXPECT_EQ(network->precision(), "INT8");
  const EngineLayer* conv1 = FindLayer(*network, "conv1");
  const EngineLayer* conv2 = FindLayer(*network, "conv2");
  ASSERT_NE(conv1, nullptr);
  ASSERT_NE(conv2, nullptr);
  EXPECT_EQ(conv1->precision(), "INT8");
  EXPECT_EQ(conv2->precision(), "INT8");
  // The filter is int8 with one scale per output channel; the fused bias stays half.
  EXPECT_EQ(conv1->input(1).weight().dtype(), tensorflow::DT_INT8);
  EXPECT_EQ(conv1->input(1).scale_size(), 8);
  ASSERT_EQ(conv1->epilogue_size(), 2);
  EXPECT_EQ(conv1->epilogue(0).operand().weight().dtype(), tensorflow::DT_HALF);
  // The ReLU output feeds only conv2: it stays int8 between them; the engine output not.
  const EngineTensor* relu = FindTensor(*network, "relu:0");
  ASSERT_NE(relu, nullptr);
  EXPECT_TRUE(relu->int8());
  EXPECT_EQ(relu->dynamic_range(), ranges.at("relu:0"));
  EXPECT_FALSE(FindTensor(*network, "conv2:0")->int8());
  EXPECT_EQ(FindTensor(*network, kInput)->dynamic_range(), ranges.at(kInput));
}

TEST(Int8EngineTest, LayersWithoutRangesRunInFp16) {
  Graph graph("chain");
  AddConvChain(graph);
  const CalibrationTable ranges = {{kInput, 1.0f}};  // none for conv2's input
  auto network = Int8Network(graph, ranges);
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  EXPECT_EQ(FindLayer(*network, "conv1")->precision(), "INT8");
  EXPECT_EQ(FindLayer(*network, "conv2")->precision(), "FP16");
  EXPECT_EQ(FindLayer(*network, "conv2")->input(1).weight().dtype(), tensorflow::DT_HALF);
  EXPECT_FALSE(FindTensor(*network, "relu:0")->int8());
  // A range of 0 (a tensor that was always 0) is no range either.
  auto zero = Int8Network(graph, {{kInput, 0.0f}, {"relu:0", 1.0f}});
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(FindLayer(*zero, "conv1")->precision(), "FP16");
}

// One matmul + bias, computed here with integers: the engine must agree bit for bit.
TEST(Int8EngineTest, MatMulIsExactIntegerArithmetic) {
  Graph graph("dense");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3, 5});
  const Tensor w = RandomTensor({5, 4}, 41, -1.0f, 1.0f);
  const Tensor b = RandomTensor({4}, 42, -1.0f, 1.0f);
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {AddConstNode(graph, "w", w), 0}});
  Node* biased =
      AddFloatOp(graph, "biased", "BiasAdd", {{matmul, 0}, {AddConstNode(graph, "b", b), 0}});
  AddRet(graph, "out", {biased, 0});
  const float amax = 1.5f;  // clips the inputs beyond it
  const CalibrationTable ranges = {{kInput, amax}};
  const Tensor input = RandomTensor({3, 5}, 43, -2.0f, 2.0f);
  const Tensor actual = RunEngine(graph, Int8(&ranges), input);

  auto quantize = [](float v, float scale) {
    return static_cast<int32_t>(std::nearbyint(std::clamp(v / scale, -128.0f, 127.0f)));
  };
  auto half = [](float v) { return HalfToFloat(FloatToHalf(v)); };
  const float x_scale = amax / 127.0f;
  Tensor expected(DataType::kFloat, {3, 4});
  for (int n = 0; n < 4; ++n) {
    float w_max = 0;
    for (int k = 0; k < 5; ++k) w_max = std::max(w_max, std::fabs(w.flat<float>()[k * 4 + n]));
    const float w_scale = w_max / 127.0f;
    for (int m = 0; m < 3; ++m) {
      int32_t acc = 0;
      for (int k = 0; k < 5; ++k) {
        acc += quantize(half(input.flat<float>()[m * 5 + k]), x_scale) *
               quantize(w.flat<float>()[k * 4 + n], w_scale);
      }
      expected.flat<float>()[m * 4 + n] =
          half(static_cast<float>(acc) * (x_scale * w_scale) + half(b.flat<float>()[n]));
    }
  }
  EXPECT_TRUE(BitIdentical(actual, expected));
}

TEST(Int8EngineTest, ConvolutionChainIsCloseToFloat) {
  Graph graph("chain");
  AddConvChain(graph);
  const Tensor calibration = RandomTensor(kImage, 51);
  const CalibrationTable ranges = MaxRanges(graph, calibration, {"relu:0", "conv2:0"});
  for (uint32_t seed : {52u, 53u}) {
    const Tensor x = RandomTensor(kImage, seed);
    const Tensor int8 = RunEngine(graph, Int8(&ranges), x);
    const Tensor fp32 = RunEngine(graph, {}, x);
    // 8 bits per operand: about 1% relative error through two convolutions.
    EXPECT_TRUE(TensorsMatch(int8, fp32, Tolerance{0.03, 0.05})) << seed;
    EXPECT_FALSE(TensorsMatch(int8, fp32, Tolerance{1e-4})) << "an INT8 engine ran";
  }
}

TEST(Int8EngineTest, DepthwiseAndTensorTimesTensorMatmulsAreCloseToFloat) {
  Graph graph("mixed");
  AddDepthwiseAndBatchMatMul(graph);
  const Tensor calibration = RandomTensor(kImage, 61);
  const CalibrationTable ranges =
      MaxRanges(graph, calibration, {"dw_relu:0", "rows:0", "gram:0", "flat:0"});
  auto network = Int8Network(graph, ranges);
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  EXPECT_EQ(FindLayer(*network, "dw")->precision(), "INT8");
  EXPECT_EQ(FindLayer(*network, "dw")->input(1).scale_size(), 6);  // C * multiplier
  EXPECT_EQ(FindLayer(*network, "gram")->precision(), "INT8");
  EXPECT_EQ(FindLayer(*network, "projected")->precision(), "INT8");
  const Tensor x = RandomTensor(kImage, 62);
  EXPECT_TRUE(TensorsMatch(RunEngine(graph, Int8(&ranges), x), RunEngine(graph, {}, x),
                           Tolerance{0.03, 0.05}));
}

// x -> FakeQuantWithMinMaxArgs [-2, 2] -> Conv2D -> Relu -> QuantizeAndDequantizeV2
// [0, 5] -> Reshape -> MatMul: ranges from the quantization ops, carried through the
// Reshape.
void AddQuantizedChain(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, kImage);
  Node* fq = graph.AddNode("fq", "FakeQuantWithMinMaxArgs",
                           {{"min", FloatAttr(-2.0f)}, {"max", FloatAttr(2.0f)}}, {{x, 0}});
  Node* f1 = AddConstNode(graph, "f1", RandomTensor({3, 3, 3, 8}, 71, -0.5f, 0.5f));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{fq, 0}, {f1, 0}}, ConvAttrs());
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{conv, 0}});
  Node* qdq = AddFloatOp(graph, "qdq", "QuantizeAndDequantizeV2",
                         {{relu, 0},
                          {AddConstNode(graph, "qmin", Tensor::Scalar<float>(0.0f)), 0},
                          {AddConstNode(graph, "qmax", Tensor::Scalar<float>(5.0f)), 0}},
                         {{"range_given", BoolAttr(true)}});
  Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({2, 512}));
  Node* flat = AddFloatOp(graph, "flat", "Reshape", {{qdq, 0}, {shape, 0}},
                          {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* w = AddConstNode(graph, "w", RandomTensor({512, 4}, 72, -0.1f, 0.1f));
  AddRet(graph, "out", {AddFloatOp(graph, "dense", "MatMul", {{flat, 0}, {w, 0}}), 0});
}

TEST(Int8EngineTest, QuantizationOpsGiveRangesAndPassTheirInputThrough) {
  Graph graph("quantized");
  AddQuantizedChain(graph);
  auto network = Int8Network(graph, {});
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  for (const EngineLayer& layer : network->layer()) {
    EXPECT_NE(layer.op(), "FakeQuantWithMinMaxArgs");
    EXPECT_NE(layer.op(), "QuantizeAndDequantizeV2");
  }
  EXPECT_EQ(FindLayer(*network, "conv")->precision(), "INT8");
  EXPECT_EQ(FindLayer(*network, "dense")->precision(), "INT8");
  EXPECT_EQ(FindTensor(*network, kInput)->dynamic_range(), 2.0f);
  EXPECT_EQ(FindTensor(*network, "flat:0")->dynamic_range(), 5.0f);  // through the Reshape

  // Calibrated ranges win over the quantization ops'.
  auto calibrated = Int8Network(graph, {{kInput, 1.5f}});
  ASSERT_TRUE(calibrated.ok());
  EXPECT_EQ(FindTensor(*calibrated, kInput)->dynamic_range(), 1.5f);

  // FP32 engines compute the quantization ops as TF does.
  const Tensor x = RandomTensor(kImage, 73, -3.0f, 3.0f);
  auto native = RunGraph(graph, {x});
  ASSERT_TRUE(native.ok()) << native.status().ToString();
  EXPECT_TRUE(TensorsMatch(RunEngine(graph, {}, x), (*native)[0], 1e-5));
  EXPECT_TRUE(TensorsMatch(RunEngine(graph, Int8(&kNoRanges), x), (*native)[0], Tolerance{0.05}));
}

TEST(Int8EngineTest, CpuBackendRefusesAnInt8LayerWithoutARange) {
  Graph graph("chain");
  AddConvChain(graph);
  const CalibrationTable ranges = {{kInput, 1.0f}};
  auto network = Int8Network(graph, ranges);
  ASSERT_TRUE(network.ok());
  for (EngineTensor& tensor : *network->mutable_tensor()) tensor.set_dynamic_range(0);
  auto engine = CpuEngineBackend().Compile(*network);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(engine.status().message().find("'TensorRTInputPH_0:0' has no dynamic range"),
            std::string::npos)
      << engine.status().ToString();
}

}  // namespace
}  // namespace tftrt
