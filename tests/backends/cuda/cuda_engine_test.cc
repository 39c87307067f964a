// The cuda backend as a whole: its target names the GPU and library versions, several
// threads run one engine at once (one execution context each) with the results of
// sequential runs, engines of one graph for several shapes hold their weights once, and
// running out of device memory is an error that says how much was asked for. GPU tests
// skip without a GPU.
#include <gtest/gtest.h>

#include <thread>

#include "backends/cpu/cpu_backend.h"
#include "backends/cuda/shared_weights.h"
#include "backends/registry.h"
#include "engine/build_engine.h"
#include "engine/engine_test_util.h"
#include "testing/gpu.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::RandomTensor;

// x [rows, 64] -> MatMul -> BiasAdd -> Relu -> Softmax.
struct Dense {
  Graph graph{"segment"};
  explicit Dense(int64_t rows) {
    Node* x = AddArg(graph, "x", DataType::kFloat, {rows, 64});
    Node* w = AddConstNode(graph, "w", RandomTensor({64, 32}, 1));
    Node* b = AddConstNode(graph, "b", RandomTensor({32}, 2));
    Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
    Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{matmul, 0}, {b, 0}});
    Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
    Node* softmax = AddFloatOp(graph, "softmax", "Softmax", {{relu, 0}});
    AddRet(graph, "y", {softmax, 0});
  }
};

const EngineBackend* Cuda() { return CudaBackend(); }

TEST(CudaEngineTest, TargetNamesTheArchitectureAndLibraries) {
  TFTRT_SKIP_WITHOUT_GPU();
  ASSERT_NE(Cuda(), nullptr);
  const std::string target = Cuda()->target();
  EXPECT_EQ(target.rfind("cuda:sm_", 0), 0u) << target;
  EXPECT_NE(target.find(" cudnn="), std::string::npos) << target;
  EXPECT_NE(target.find(" cublasLt="), std::string::npos) << target;
  EXPECT_TRUE(Cuda()->Accepts(target));
  EXPECT_FALSE(Cuda()->Accepts("cpu"));
  EXPECT_FALSE(Cuda()->Accepts("cuda:sm_10 cudnn=1.0.0 cublasLt=1.0.0"));
}

TEST(CudaEngineTest, ConcurrentRunsGiveSequentialResults) {
  TFTRT_SKIP_WITHOUT_GPU();
  Dense dense(16);
  auto engine = BuildEngine("dense", dense.graph, {{DataType::kFloat, {16, 64}, nullptr}},
                            {.allow_tf32 = false}, *Cuda());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  constexpr int kThreads = 8, kRuns = 50;
  std::vector<Tensor> inputs, expected;
  for (int i = 0; i < kThreads; ++i) {
    inputs.push_back(RandomTensor({16, 64}, 100 + i));
    auto outputs = (*engine)->Run({inputs.back()});
    ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
    expected.push_back((*outputs)[0]);
  }
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int run = 0; run < kRuns; ++run) {
        auto outputs = (*engine)->Run({inputs[t]});
        if (!outputs.ok() || !testing::TensorsMatch((*outputs)[0], expected[t], 0.0)) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// A benchmark's device-resident latency: the engine rerun on the inputs its last run left on
// the device; the next ordinary run is unchanged. The cpu backend has no such thing.
TEST(CudaEngineTest, RerunsOnTheInputsLeftOnTheDevice) {
  TFTRT_SKIP_WITHOUT_GPU();
  Dense dense(16);
  auto engine = BuildEngine("dense", dense.graph, {{DataType::kFloat, {16, 64}, nullptr}},
                            {.allow_tf32 = false}, *Cuda());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->DeviceResidentLatencies(3).status().code(), StatusCode::kFailedPrecondition);
  const Tensor x = RandomTensor({16, 64}, 7);
  auto first = (*engine)->Run({x});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto latencies = (*engine)->DeviceResidentLatencies(3);
  ASSERT_TRUE(latencies.ok()) << latencies.status().ToString();
  ASSERT_EQ(latencies->size(), 3u);
  for (double ms : *latencies) EXPECT_GT(ms, 0.0);
  auto second = (*engine)->Run({x});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(testing::TensorsMatch((*second)[0], (*first)[0], 0.0));

  auto on_cpu = BuildEngine("dense", dense.graph, {{DataType::kFloat, {16, 64}, nullptr}}, {},
                            CpuEngineBackend());
  ASSERT_TRUE(on_cpu.ok()) << on_cpu.status().ToString();
  ASSERT_TRUE((*on_cpu)->Run({x}).ok());
  EXPECT_EQ((*on_cpu)->DeviceResidentLatencies(1).status().code(), StatusCode::kUnimplemented);
}

// x [rows, 256] -> MatMul by a 256 x 256 float weight (256 KiB): the engines for 4 and 32
// rows upload it once; it is freed with the last of them.
TEST(CudaEngineTest, EnginesOfOneGraphShareTheirWeights) {
  TFTRT_SKIP_WITHOUT_GPU();
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {-1, 256});
  Node* w = AddConstNode(graph, "w", RandomTensor({256, 256}, 3));
  AddRet(graph, "y", {AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}}), 0});
  const size_t before = cuda::SharedWeightsBytes();
  auto small = BuildEngine("dense", graph, {{DataType::kFloat, {4, 256}, nullptr}},
                           {.allow_tf32 = false}, *Cuda());
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  const size_t one_copy = cuda::SharedWeightsBytes() - before;
  EXPECT_GE(one_copy, size_t{256 * 256 * 4});
  {
    auto large = BuildEngine("dense", graph, {{DataType::kFloat, {32, 256}, nullptr}},
                             {.allow_tf32 = false}, *Cuda());
    ASSERT_TRUE(large.ok()) << large.status().ToString();
    EXPECT_EQ(cuda::SharedWeightsBytes() - before, one_copy);
    const Tensor input = RandomTensor({32, 256}, 4);
    auto outputs = (*large)->Run({input});
    ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
    auto expected = BuildEngine("dense", graph, {{DataType::kFloat, {32, 256}, nullptr}}, {},
                                CpuEngineBackend());
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    auto expected_outputs = (*expected)->Run({input});
    ASSERT_TRUE(expected_outputs.ok()) << expected_outputs.status().ToString();
    EXPECT_TRUE(testing::TensorsMatch((*outputs)[0], (*expected_outputs)[0], 1e-5));
  }
  EXPECT_EQ(cuda::SharedWeightsBytes() - before, one_copy);
  small->reset();
  EXPECT_EQ(cuda::SharedWeightsBytes(), before);
}

// A timed build records its kernel choices in the plan (what the engine's file stores), and
// compiling that plan again keeps them.
TEST(CudaEngineTest, KernelChoicesAreKeptInThePlan) {
  TFTRT_SKIP_WITHOUT_GPU();
  Dense dense(64);
  auto engine = BuildEngine("dense", dense.graph, {{DataType::kFloat, {64, 64}, nullptr}},
                            {.allow_tf32 = false}, *Cuda());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const auto& choices = (*engine)->plan().kernel_choice();
  ASSERT_FALSE(choices.empty()) << "the matmul's cuBLASLt algorithms were not timed";
  auto again = Cuda()->Compile((*engine)->plan());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (const auto& [key, choice] : choices) {
    auto it = (*again)->plan().kernel_choice().find(key);
    ASSERT_NE(it, (*again)->plan().kernel_choice().end()) << key;
    EXPECT_EQ(it->second, choice) << key;
  }
}

TEST(CudaEngineTest, OutOfDeviceMemorySaysHowMuch) {
  TFTRT_SKIP_WITHOUT_GPU();
  // 2^36 floats (256 GiB) per tensor: more than any GPU has, so the activation arena of
  // the first execution context cannot be allocated.
  const Shape huge = {int64_t{1} << 30, 64};
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, huge);
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{relu, 0}});
  AddRet(graph, "y", {tanh, 0});
  auto engine = BuildEngine("huge", graph, {{DataType::kFloat, huge, nullptr}}, {}, *Cuda());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const Status status = (*engine)->Run({Tensor()}).status();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << status.ToString();
  EXPECT_NE(status.message().find("bytes"), std::string::npos) << status.ToString();
}

TEST(CudaEngineTest, InputsMustMatchTheBindings) {
  TFTRT_SKIP_WITHOUT_GPU();
  Dense dense(4);
  auto engine =
      BuildEngine("dense", dense.graph, {{DataType::kFloat, {4, 64}, nullptr}}, {}, *Cuda());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto wrong = (*engine)->Run({RandomTensor({5, 64}, 3)});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("[4,64]"), std::string::npos)
      << wrong.status().ToString();
}

}  // namespace
}  // namespace tftrt
