// MatMulRunner against the project's own CPU kernels (MatMul, BatchMatMulV2 and the epilogue
// ops), in fp32, tf32 and fp16, on random inputs. GPU tests skip where there is no CUDA
// device; the validation tests run everywhere.
#include "backends/cuda/matmul_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "backends/cuda/runner_test_util.h"
#include "common/mem_env.h"
#include "testing/gpu.h"

namespace tftrt::cuda {
namespace {

using testing::AllPrecisions;
using testing::Precision;

struct MatMulCase {
  std::string name;
  int64_t m = 0, n = 0, k = 0;
  bool transpose_a = false, transpose_b = false;
  Shape batch_a, batch_b;  // empty and empty: MatMul; else BatchMatMulV2
  bool constant_a = false, constant_b = false;
};

MatMulCase Mm(std::string name, int64_t m, int64_t n, int64_t k, bool transpose_a = false,
              bool transpose_b = false, Shape batch_a = {}, Shape batch_b = {},
              bool constant_a = false, bool constant_b = false) {
  return {
      std::move(name),    m,          n,         k, transpose_a, transpose_b, std::move(batch_a),
      std::move(batch_b), constant_a, constant_b};
}

MatMulDescription Describe(const MatMulCase& c, const Precision& p) {
  MatMulDescription d;
  d.m = c.m;
  d.n = c.n;
  d.k = c.k;
  d.transpose_a = c.transpose_a;
  d.transpose_b = c.transpose_b;
  d.batch_dims_a = c.batch_a;
  d.batch_dims_b = c.batch_b;
  d.dtype = p.dtype;
  d.allow_tf32 = p.allow_tf32;
  return d;
}

Shape Concat(Shape batch, int64_t rows, int64_t cols) {
  batch.push_back(rows);
  batch.push_back(cols);
  return batch;
}

// Runs `c` with `epilogue` on the GPU (the runner created with `tactics`; its algorithm's name
// in *algorithm when given) and compares with the CPU kernels.
void CheckMatMul(const MatMulCase& c, const Precision& p, std::vector<EpilogueStep> epilogue,
                 uint32_t seed, const TacticOptions& tactics = TacticOptions(),
                 std::string* algorithm = nullptr) {
  SCOPED_TRACE(c.name + " " + p.name + " epilogue " + EpilogueToString(epilogue));
  const MatMulDescription d = Describe(c, p);
  const Shape a_shape = Concat(c.batch_a, c.transpose_a ? c.k : c.m, c.transpose_a ? c.m : c.k);
  const Shape b_shape = Concat(c.batch_b, c.transpose_b ? c.n : c.k, c.transpose_b ? c.k : c.n);
  const Shape d_shape = Concat(d.BatchDims(), c.m, c.n);
  const Tensor a = testing::RandomTensor(a_shape, seed, p.dtype);
  const Tensor b = testing::RandomTensor(b_shape, seed + 1, p.dtype);
  const Tensor residual = testing::RandomTensor(d_shape, seed + 2, p.dtype);
  for (EpilogueStep& step : epilogue) {
    for (float& v : step.values) {
      if (p.dtype == DataType::kHalf) v = HalfToFloat(FloatToHalf(v));
    }
  }
  Tensor product;
  if (c.batch_a.empty() && c.batch_b.empty()) {
    product = testing::RunOp("MatMul",
                             {{"T", TypeAttr(DataType::kFloat)},
                              {"transpose_a", BoolAttr(c.transpose_a)},
                              {"transpose_b", BoolAttr(c.transpose_b)}},
                             {a, b});
  } else {
    product = testing::RunOp("BatchMatMulV2",
                             {{"T", TypeAttr(DataType::kFloat)},
                              {"adj_x", BoolAttr(c.transpose_a)},
                              {"adj_y", BoolAttr(c.transpose_b)}},
                             {a, b});
  }
  ASSERT_TRUE(product.is_valid());
  ASSERT_EQ(product.shape(), d_shape);
  const Tensor expected = testing::ApplySteps(product, epilogue, 0, residual);

  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  auto runner = MatMulRunner::Create(**handles, d, c.constant_a ? &a : nullptr,
                                     c.constant_b ? &b : nullptr, epilogue, tactics);
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  if (algorithm != nullptr) *algorithm = (*runner)->algorithm_name();
  const int fused = (*runner)->fused_steps();
  ASSERT_GE(fused, 0);
  ASSERT_LE(fused, static_cast<int>(epilogue.size()));
  std::cout << "[          ] " << c.name << " " << p.name << ": fused " << fused << " of "
            << epilogue.size() << " steps (" << EpilogueToString(epilogue) << "), workspace "
            << (*runner)->workspace_bytes() << "\n";

  testing::DeviceBuffer a_device(a, p.dtype), b_device(b, p.dtype);
  testing::DeviceBuffer residual_device(residual, p.dtype);
  testing::DeviceBuffer d_device(NumElements(d_shape), p.dtype);
  testing::DeviceBuffer workspace(std::max<int64_t>((*runner)->workspace_bytes(), 1),
                                  DataType::kUInt8);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  Status run = (*runner)->Run(**handles, stream, c.constant_a ? nullptr : a_device.data(),
                              c.constant_b ? nullptr : b_device.data(), residual_device.data(),
                              d_device.data(), workspace.data());
  ASSERT_TRUE(run.ok()) << run.ToString();
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  const Tensor actual = testing::ApplySteps(d_device.Download(d_shape), epilogue,
                                            static_cast<size_t>(fused), residual);
  EXPECT_TRUE(testing::Close(actual, expected, p));
}

// Timed choice: the fastest of cuBLASLt's algorithms computes the same product, and the
// timing cache then hands the same algorithm to a later runner without timing again.
TEST(MatMulRunnerGpuTest, TimedChoiceIsCorrectAndCached) {
  TFTRT_SKIP_WITHOUT_GPU();
  MemEnv env;
  TimingCache cache("/timing-cache", &env);
  const TacticOptions tactics{.max_candidates = 8, .cache = &cache, .device_key = "test GPU"};
  const MatMulCase c = Mm("bert_ffn", 512, 768, 3072);
  for (const Precision& p : AllPrecisions()) {
    SCOPED_TRACE(p.name);
    const std::vector<EpilogueStep> epilogue = {
        EpilogueStep::BiasAdd(testing::RandomVector(c.n, 5, p.dtype))};
    const size_t cached_before = cache.size();
    std::string timed, reused;
    CheckMatMul(c, p, epilogue, 21, tactics, &timed);
    ASSERT_EQ(cache.size(), cached_before + 1) << "no timing happened (one candidate only?)";
    CheckMatMul(c, p, epilogue, 22, tactics, &reused);
    EXPECT_EQ(reused, timed);
    EXPECT_EQ(cache.size(), cached_before + 1);
  }
}

std::vector<MatMulCase> Cases() {
  return {
      Mm("square_64", 64, 64, 64),
      Mm("tall_skinny", 513, 7, 33),
      Mm("wide_odd", 3, 257, 129),
      Mm("transpose_a", 48, 40, 24, true, false),
      Mm("transpose_b", 48, 40, 24, false, true),
      Mm("transpose_both", 17, 33, 65, true, true),
      Mm("dense_constant_weights", 32, 96, 128, false, false, {}, {}, false, true),
      Mm("constant_lhs", 24, 16, 40, false, true, {}, {}, true, false),
      Mm("batched", 16, 24, 32, false, false, {4}, {4}),
      Mm("batched_adjoints", 16, 24, 32, true, true, {2, 3}, {2, 3}),
      Mm("batched_broadcast_weights", 20, 12, 36, false, false, {2, 3}, {}, false, true),
      Mm("batched_broadcast_lhs", 20, 12, 36, false, true, {1}, {5}),
  };
}

class MatMulRunnerGpuTest : public ::testing::TestWithParam<std::tuple<MatMulCase, Precision>> {};

TEST_P(MatMulRunnerGpuTest, MatchesCpuKernel) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckMatMul(c, p, {}, 77);
}

TEST_P(MatMulRunnerGpuTest, MatchesCpuKernelWithBiasAndRelu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckMatMul(c, p,
              {EpilogueStep::BiasAdd(testing::RandomVector(c.n, 5, p.dtype)),
               EpilogueStep::Activation(EpilogueOp::kRelu)},
              78);
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatMulRunnerGpuTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::ValuesIn(AllPrecisions())),
                         testing::CaseAndPrecisionName());

struct EpilogueCase {
  std::string name;
  std::vector<EpilogueStep> (*steps)(int64_t n);
  int expected_fused;  // what cuBLASLt can express at most (it may fuse fewer)
};

std::vector<EpilogueCase> EpilogueCases() {
  return {
      {"bias",
       [](int64_t n) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(n, 3, DataType::kFloat))};
       },
       1},
      {"relu",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kRelu)};
       },
       1},
      {"bias_residual_relu",
       [](int64_t n) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(n, 3, DataType::kFloat)),
             EpilogueStep::ResidualAdd(), EpilogueStep::Activation(EpilogueOp::kRelu)};
       },
       3},
      {"residual", [](int64_t) { return std::vector<EpilogueStep>{EpilogueStep::ResidualAdd()}; },
       1},
      {"bias_gelu_tanh",
       [](int64_t n) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(n, 3, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kGeluTanh)};
       },
       2},
      // TF's default gelu is exact: cuBLASLt's GELU (tanh) must not stand in for it.
      {"bias_gelu_exact",
       [](int64_t n) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(n, 3, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kGeluExact)};
       },
       1},
      // Nothing after the activation, and no second bias.
      {"relu_then_bias",
       [](int64_t n) {
         return std::vector<EpilogueStep>{
             EpilogueStep::Activation(EpilogueOp::kRelu),
             EpilogueStep::BiasAdd(testing::RandomVector(n, 3, DataType::kFloat))};
       },
       1},
      {"bias_relu6_sigmoid",
       [](int64_t n) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(n, 3, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kRelu6),
             EpilogueStep::Activation(EpilogueOp::kSigmoid)};
       },
       1},
  };
}

class MatMulEpilogueGpuTest : public ::testing::TestWithParam<std::tuple<EpilogueCase, Precision>> {
};

TEST_P(MatMulEpilogueGpuTest, MatchesCpuOps) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [e, p] = GetParam();
  const MatMulCase dense = Mm("dense", 64, 96, 80, false, false, {}, {}, false, true);
  CheckMatMul(dense, p, e.steps(dense.n), 11);
  const MatMulCase batched = Mm("batched", 16, 40, 24, false, true, {3}, {}, false, true);
  CheckMatMul(batched, p, e.steps(batched.n), 12);
}

TEST_P(MatMulEpilogueGpuTest, FusesNoMoreThanCublasLtCanExpress) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [e, p] = GetParam();
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  const MatMulCase c = Mm("dense", 64, 96, 80);
  auto runner = MatMulRunner::Create(**handles, Describe(c, p), nullptr, nullptr, e.steps(c.n));
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  EXPECT_LE((*runner)->fused_steps(), e.expected_fused);
}

INSTANTIATE_TEST_SUITE_P(Epilogues, MatMulEpilogueGpuTest,
                         ::testing::Combine(::testing::ValuesIn(EpilogueCases()),
                                            ::testing::ValuesIn(AllPrecisions())),
                         testing::CaseAndPrecisionName());

// ---- Validation: no GPU needed ----

TEST(MatMulRunnerValidateTest, AcceptsValidDescriptions) {
  MatMulDescription d = Describe(Mm("m", 4, 5, 6), AllPrecisions()[0]);
  const Tensor b(DataType::kFloat, {6, 5});
  EXPECT_TRUE(MatMulRunner::Validate(d, nullptr, &b, {}).ok());
  d.batch_dims_a = {2, 3};
  d.batch_dims_b = {1, 3};  // b's 3 matrices repeat for each of a's 2 rows: no single stride
  EXPECT_EQ(MatMulRunner::Validate(d, nullptr, nullptr, {}).code(), StatusCode::kUnimplemented);
  d.batch_dims_b = {1};
  EXPECT_TRUE(MatMulRunner::Validate(d, nullptr, nullptr, {}).ok());
  EXPECT_EQ(d.BatchDims(), (Shape{2, 3}));
}

TEST(MatMulRunnerValidateTest, RejectsBadDescriptionsBeforeAnyCudaCall) {
  const MatMulDescription valid = Describe(Mm("m", 4, 5, 6), AllPrecisions()[0]);
  auto code = [](const MatMulDescription& d, const Tensor* a, const Tensor* b,
                 std::vector<EpilogueStep> epilogue) {
    return MatMulRunner::Validate(d, a, b, epilogue).code();
  };
  MatMulDescription d = valid;
  d.k = 0;
  EXPECT_EQ(code(d, nullptr, nullptr, {}), StatusCode::kInvalidArgument);
  d = valid;
  d.dtype = DataType::kDouble;
  EXPECT_EQ(code(d, nullptr, nullptr, {}), StatusCode::kInvalidArgument);
  d = valid;
  d.batch_dims_a = {2};
  d.batch_dims_b = {3};
  EXPECT_EQ(code(d, nullptr, nullptr, {}), StatusCode::kInvalidArgument);
  const Tensor wrong_b(DataType::kFloat, {5, 6});  // transpose_b is false: [K, N] = [6, 5]
  EXPECT_EQ(code(valid, nullptr, &wrong_b, {}), StatusCode::kInvalidArgument);
  d = valid;
  d.transpose_b = true;
  EXPECT_TRUE(MatMulRunner::Validate(d, nullptr, &wrong_b, {}).ok());
  const Tensor int_a(DataType::kInt32, {4, 6});
  EXPECT_EQ(code(valid, &int_a, nullptr, {}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(valid, nullptr, nullptr, {EpilogueStep::BiasAdd(std::vector<float>(4))}),
            StatusCode::kInvalidArgument);  // bias is per column: N = 5 values
}

}  // namespace
}  // namespace tftrt::cuda
