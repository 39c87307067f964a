// The Hopper matmul with bias and TF's exact GELU fused (sm90a/gelu_matmul.h): every tile
// configuration against the same product computed on the host in float, at BERT's FFN
// shape (a slice of its rows) and at shapes that do not fill the tiles. Skips without a
// compute capability 9.0 GPU or without the kernels in the build.
#include "backends/cuda/sm90a/gelu_matmul.h"

#include <gtest/gtest.h>

#include <cmath>

#include "backends/cuda/runner_test_util.h"
#include "common/relative_error.h"
#include "testing/gpu.h"

namespace tftrt::cuda {
namespace {

float HostGelu(float x) { return (0.5f * x) * std::erfc((-x) * 0.70710677f); }

struct Case {
  int64_t m, n, k;
};

class GeluMatMulTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeluMatMulTest, EveryConfigurationMatchesTheHost) {
  TFTRT_SKIP_WITHOUT_GPU();
  const Case c = GetParam();
  const GeluMatMulShape shape{.m = c.m, .n = c.n, .k = c.k};
  if (GeluMatMulConfigs() == 0 || !GeluMatMulSupports(shape)) {
    GTEST_SKIP() << "no Hopper GELU matmul here (needs compute capability 9.0 and a build "
                    "with CUTLASS's headers and sm_90 among its targets)";
  }
  const Tensor a = testing::RandomTensor({c.m, c.k}, 1, DataType::kHalf);
  const Tensor b = testing::RandomTensor({c.k, c.n}, 2, DataType::kHalf, -0.1f, 0.1f);
  const std::vector<float> bias = testing::RandomVector(c.n, 3, DataType::kFloat);
  Tensor expected(DataType::kFloat, {c.m, c.n});
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      double sum = 0;
      for (int64_t l = 0; l < c.k; ++l) {
        sum += double(a.flat<float>()[i * c.k + l]) * b.flat<float>()[l * c.n + j];
      }
      expected.flat<float>()[i * c.n + j] = HostGelu(static_cast<float>(sum) + bias[j]);
    }
  }
  const testing::DeviceBuffer a_device(a, DataType::kHalf), b_device(b, DataType::kHalf);
  const testing::DeviceBuffer bias_device(Tensor::FromVector(bias), DataType::kFloat);
  for (int config = 0; config < GeluMatMulConfigs(); ++config) {
    SCOPED_TRACE(GeluMatMulConfigName(config));
    auto workspace_bytes = GeluMatMulWorkspaceBytes(config, shape);
    ASSERT_TRUE(workspace_bytes.ok()) << workspace_bytes.status().ToString();
    const testing::DeviceBuffer workspace(static_cast<int64_t>(*workspace_bytes) + 1,
                                          DataType::kUInt8);
    const testing::DeviceBuffer d(c.m * c.n, DataType::kHalf);
    const Status status = GeluMatMul(config, shape, a_device.data(), b_device.data(),
                                     static_cast<const float*>(bias_device.data()), d.data(),
                                     workspace.data(), nullptr);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    // fp16 output, rounded once: 2^-11 relative, plus the order of K's sums.
    EXPECT_LT(RelativeError(d.Download({c.m, c.n}), expected), 2e-3);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, GeluMatMulTest,
                         ::testing::Values(Case{256, 3072, 768},  // BERT-base's FFN, 256 rows
                                           Case{200, 264, 64},    // partial tiles
                                           Case{1, 8, 8}));       // one row

}  // namespace
}  // namespace tftrt::cuda
