// The cpu engine backend: input checks, malformed networks, exact FP16 storage emulation,
// and that running never changes the caller's tensors.
#include "backends/cpu/cpu_engine.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/engine_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::AllHalfExact;
using testing::BitIdentical;
using testing::BuildCpuEngine;
using testing::ConvAttrs;
using testing::RandomTensor;
using testing::TensorsMatch;

const Shape kImage = {1, 8, 8, 3};

// conv -> BiasAdd -> Relu -> MaxPool -> Reshape -> MatMul -> BiasAdd -> Softmax, with the
// pooled tensor (a layer that only moves values) and the logits scaled by 0.1 (an
// epilogue on a Relu, which alone would only move values) as further outputs.
void AddSmallCnn(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, kImage);
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, 3, 8}, 71));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({8}, 72));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  Node* pool = AddFloatOp(graph, "pool", "MaxPool", {{relu, 0}},
                          {{"ksize", IntListAttr({1, 2, 2, 1})},
                           {"strides", IntListAttr({1, 2, 2, 1})},
                           {"padding", StringAttr("VALID")},
                           {"data_format", StringAttr("NHWC")}});
  Node* shape = AddConstNode(graph, "shape", Tensor::FromVector<int32_t>({1, 128}));
  Node* flat = AddFloatOp(graph, "flat", "Reshape", {{pool, 0}, {shape, 0}},
                          {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* w = AddConstNode(graph, "w", RandomTensor({128, 10}, 73, -0.2f, 0.2f));
  Node* b = AddConstNode(graph, "b", RandomTensor({10}, 74));
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{flat, 0}, {w, 0}});
  Node* logits = AddFloatOp(graph, "logits", "BiasAdd", {{matmul, 0}, {b, 0}});
  Node* softmax = AddFloatOp(graph, "softmax", "Softmax", {{logits, 0}});
  Node* relu_logits = AddFloatOp(graph, "relu_logits", "Relu", {{logits, 0}});
  Node* tenth = AddConstNode(graph, "tenth", Tensor::Scalar<float>(0.1f));
  Node* scaled = AddFloatOp(graph, "scaled", "Mul", {{relu_logits, 0}, {tenth, 0}});
  AddRet(graph, "softmax", {softmax, 0});
  AddRet(graph, "pool", {pool, 0});
  AddRet(graph, "scaled", {scaled, 0});
}

BuildOptions Precise(Precision precision) {
  BuildOptions options;
  options.precision = precision;
  return options;
}

std::unique_ptr<Engine> BuildSmallCnn(Precision precision) {
  Graph graph("segment");
  AddSmallCnn(graph);
  auto engine = BuildCpuEngine(graph, {{DataType::kFloat, kImage, nullptr}}, Precise(precision));
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

TEST(CpuEngineTest, Fp16OutputsAreHalfValuesCloseToFp32) {
  auto fp32 = BuildSmallCnn(Precision::kFP32);
  auto fp16 = BuildSmallCnn(Precision::kFP16);
  ASSERT_NE(fp32, nullptr);
  ASSERT_NE(fp16, nullptr);
  for (uint32_t seed : {75u, 76u, 77u}) {
    const Tensor x = RandomTensor(kImage, seed, -2.0f, 2.0f);
    auto expected = fp32->Run({x});
    auto actual = fp16->Run({x});
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    ASSERT_EQ(actual->size(), 3u);
    for (size_t i = 0; i < actual->size(); ++i) {
      SCOPED_TRACE("output " + std::to_string(i) + ", seed " + std::to_string(seed));
      EXPECT_TRUE(AllHalfExact((*actual)[i]));
      EXPECT_TRUE(TensorsMatch((*actual)[i], (*expected)[i], 2e-2));
      // FP16 really rounds: the random inputs are not half values, so results differ.
      EXPECT_FALSE(BitIdentical((*actual)[i], (*expected)[i]));
    }
  }
}

TEST(CpuEngineTest, RunDoesNotChangeTheCallersInputs) {
  for (Precision precision : {Precision::kFP32, Precision::kFP16}) {
    auto engine = BuildSmallCnn(precision);
    ASSERT_NE(engine, nullptr);
    const Tensor x = RandomTensor(kImage, 78);
    const Tensor copy = x.Clone();
    ASSERT_TRUE(engine->Run({x}).ok());
    EXPECT_TRUE(BitIdentical(x, copy)) << PrecisionName(precision);
  }
}

TEST(CpuEngineTest, ConcurrentRunsGiveEachCallerItsResult) {
  auto engine = BuildSmallCnn(Precision::kFP16);
  ASSERT_NE(engine, nullptr);
  std::vector<Tensor> inputs, expected;
  for (uint32_t i = 0; i < 4; ++i) {
    inputs.push_back(RandomTensor(kImage, 80 + i));
    auto outputs = engine->Run({inputs.back()});
    ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
    expected.push_back((*outputs)[0]);
  }
  std::vector<int> mismatches(inputs.size(), 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < inputs.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int run = 0; run < 20; ++run) {
        auto outputs = engine->Run({inputs[t]});
        if (!outputs.ok() || !BitIdentical((*outputs)[0], expected[t])) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t t = 0; t < inputs.size(); ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(CpuEngineTest, InputsMustMatchTheBindings) {
  auto engine = BuildSmallCnn(Precision::kFP32);
  ASSERT_NE(engine, nullptr);
  Tensor wrong_dtype(DataType::kInt32, kImage);
  Tensor wrong_shape = RandomTensor({1, 8, 8, 4}, 79);
  Tensor wrong_rank = RandomTensor({8, 8, 3}, 79);
  for (const Tensor& input : {wrong_dtype, wrong_shape, wrong_rank}) {
    auto outputs = engine->Run({input});
    ASSERT_FALSE(outputs.ok()) << input.DebugString();
    EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(outputs.status().message().find("'x'"), std::string::npos)
        << outputs.status().ToString();
  }
  auto two = engine->Run({RandomTensor(kImage, 1), RandomTensor(kImage, 2)});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), StatusCode::kInvalidArgument);
  auto none = engine->Run({});
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
}

// A valid network to damage: x -> Relu -> Tanh, unfused.
EngineNetwork ReluTanhNetwork() {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {4});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{relu, 0}});
  AddRet(graph, "y", {tanh, 0});
  BuildOptions options;
  options.fuse = false;
  auto network = BuildNetwork(graph, {{DataType::kFloat, {4}, nullptr}}, options);
  EXPECT_TRUE(network.ok()) << network.status().ToString();
  return network.ok() ? *network : EngineNetwork();
}

StatusCode CreateCode(const EngineNetwork& network) {
  return CpuEngine::Create(network).status().code();
}

TEST(CpuEngineTest, MalformedNetworksAreRejected) {
  EXPECT_EQ(CreateCode(ReluTanhNetwork()), StatusCode::kOk);

  EngineNetwork bad_operand = ReluTanhNetwork();
  bad_operand.mutable_layer(1)->mutable_input(0)->set_tensor(99);
  EXPECT_EQ(CreateCode(bad_operand), StatusCode::kInvalidArgument);

  EngineNetwork bad_output = ReluTanhNetwork();
  bad_output.mutable_layer(0)->set_output(0, -1);
  EXPECT_EQ(CreateCode(bad_output), StatusCode::kInvalidArgument);

  EngineNetwork bad_binding = ReluTanhNetwork();
  bad_binding.mutable_output(0)->set_tensor(bad_binding.num_tensors());
  EXPECT_EQ(CreateCode(bad_binding), StatusCode::kInvalidArgument);

  EngineNetwork bad_input = ReluTanhNetwork();
  bad_input.mutable_input(0)->set_tensor(-3);
  EXPECT_EQ(CreateCode(bad_input), StatusCode::kInvalidArgument);

  // Found by fuzz/engine_blob_fuzzer: a tensor count from the file was allocated as it came
  // (2^30 tensors: 4 GiB), and a negative one threw std::length_error.
  for (int num_tensors : {1 << 30, -1}) {
    EngineNetwork bad_count = ReluTanhNetwork();
    bad_count.set_num_tensors(num_tensors);
    auto engine = CpuEngine::Create(bad_count);
    EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument) << num_tensors;
    EXPECT_NE(engine.status().message().find("tensor shapes for " + std::to_string(num_tensors)),
              std::string::npos)
        << engine.status().ToString();
  }

  EngineNetwork bad_weight = ReluTanhNetwork();
  auto* weight = bad_weight.mutable_layer(1)->add_input()->mutable_weight();
  weight->set_dtype(tensorflow::DT_FLOAT);
  weight->mutable_tensor_shape()->add_dim()->set_size(4);
  weight->set_tensor_content("short");
  EXPECT_NE(CreateCode(bad_weight), StatusCode::kOk);

  EngineNetwork multi_output_epilogue = ReluTanhNetwork();
  multi_output_epilogue.mutable_layer(0)->add_output(2);
  multi_output_epilogue.mutable_layer(0)->add_epilogue()->set_op("Tanh");
  EXPECT_EQ(CreateCode(multi_output_epilogue), StatusCode::kInvalidArgument);

  EngineNetwork unknown_op = ReluTanhNetwork();
  unknown_op.mutable_layer(1)->set_op("NoSuchOp");
  EXPECT_EQ(CreateCode(unknown_op), StatusCode::kUnimplemented);

  EngineNetwork bf16 = ReluTanhNetwork();
  bf16.set_precision("BF16");
  EXPECT_EQ(CreateCode(bf16), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace tftrt
