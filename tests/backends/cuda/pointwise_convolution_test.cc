// 1x1 convolutions on CUTLASS's bias-clamp matmul (pointwise_convolution_runner.h,
// cutlass/bias_clamp_matmul.h): which convolutions it takes and which epilogue steps it
// fuses (everywhere), and on a GPU every tile configuration against the definition summed
// in double, at shapes that fill the tiles and shapes that do not, with every fusable
// epilogue and ones it fuses only a prefix of; at MobileNetV2's and ResNet50's batch-128
// shapes against cuDNN, with both times printed. GPU tests skip without a GPU.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/pointwise_convolution_runner.h"
#include "backends/cuda/runner_test_util.h"
#include "testing/gpu.h"

namespace tftrt::cuda {
namespace {

using testing::Precision;

ConvolutionDescription Pointwise(int64_t batch, int64_t rows, int64_t cols, int64_t channels,
                                 int64_t output_channels) {
  return {.batch = batch,
          .input_rows = rows,
          .input_cols = cols,
          .input_channels = channels,
          .output_rows = rows,
          .output_cols = cols,
          .output_channels = output_channels,
          .kernel_rows = 1,
          .kernel_cols = 1,
          .dtype = DataType::kHalf};
}

std::vector<int> Configs(const ConvolutionDescription& d) {
  std::vector<int> configs;
  for (int config = 0; config < BiasClampMatMulConfigs(); ++config) {
    if (PointwiseConvolutionRunner::Handles(d, config)) configs.push_back(config);
  }
  return configs;
}

// Whether this process can run the kernels: a CUTLASS build and a GPU of compute capability
// 8.0 or later.
bool KernelsRunHere() {
  int device = 0, major = 0;
  return BiasClampMatMulConfigs() > 0 && cudaGetDevice(&device) == cudaSuccess &&
         cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) == cudaSuccess &&
         major >= 8;
}

class PointwiseConvolutionGpuTest : public ::testing::TestWithParam<ConvolutionDescription> {};

TEST_P(PointwiseConvolutionGpuTest, EveryConfigurationMatchesTheDefinition) {
  TFTRT_SKIP_WITHOUT_GPU();
  const ConvolutionDescription& d = GetParam();
  if (!KernelsRunHere()) GTEST_SKIP() << "no CUTLASS in this build, or a GPU before sm_80";
  const std::vector<int> configs = Configs(d);
  ASSERT_EQ(configs.size(), static_cast<size_t>(BiasClampMatMulConfigs())) << d.ToString();
  // fp16 output rounded once after fp32 sums; the bias rounded to fp16 (as the runner holds it).
  const Precision p = {DataType::kHalf, false, 1e-3, 1e-3, "fp16"};
  const int64_t k = d.output_channels;
  const Shape x_shape = {d.batch, d.input_rows, d.input_cols, d.input_channels};
  const Shape y_shape = {d.batch, d.output_rows, d.output_cols, k};
  const Tensor x = testing::RandomTensor(x_shape, 1, p.dtype);
  const Tensor filter = testing::RandomTensor({1, 1, d.input_channels, k}, 2, p.dtype);
  auto bias = [&](uint32_t seed) {
    return EpilogueStep::BiasAdd(testing::RandomVector(k, seed, DataType::kHalf));
  };
  const std::vector<std::vector<EpilogueStep>> epilogues = {
      {},
      {bias(3), EpilogueStep::Activation(EpilogueOp::kRelu6)},
      {bias(4), EpilogueStep::Activation(EpilogueOp::kRelu)},
      {EpilogueStep::Activation(EpilogueOp::kRelu6)},
      {bias(5), EpilogueStep::Activation(EpilogueOp::kGeluExact)},  // the bias fused
      {EpilogueStep::ChannelScale(testing::RandomVector(k, 6, DataType::kHalf)), bias(7)},  // none
  };
  const Tensor reference = testing::ReferenceConvolution(d, x, filter);
  const testing::DeviceBuffer x_device(x, p.dtype);
  const testing::DeviceBuffer y(tftrt::NumElements(y_shape), p.dtype);
  for (const std::vector<EpilogueStep>& epilogue : epilogues) {
    for (int config : configs) {
      SCOPED_TRACE(BiasClampMatMulConfigName(config) + " epilogue " + EpilogueToString(epilogue));
      auto runner = PointwiseConvolutionRunner::Create(d, filter, epilogue, config);
      ASSERT_TRUE(runner.ok()) << runner.status().ToString();
      const int fused = (*runner)->fused_steps();
      ASSERT_EQ(fused, BiasClampSteps(epilogue));
      ASSERT_TRUE((*runner)->Run(nullptr, x_device.data(), y.data()).ok());
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      const std::vector<EpilogueStep> prefix(epilogue.begin(), epilogue.begin() + fused);
      EXPECT_TRUE(testing::Close(y.Download(y_shape),
                                 testing::ApplySteps(reference, prefix, 0, Tensor()), p));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PointwiseConvolutionGpuTest,
    ::testing::Values(Pointwise(2, 16, 16, 16, 96),    // MobileNetV2's first expand, small
                      Pointwise(3, 7, 9, 24, 144),     // rows that do not fill a tile
                      Pointwise(1, 5, 5, 64, 256),     // ResNet50's expand, deeper sums
                      Pointwise(2, 3, 3, 8, 8),        // one tile, mostly empty
                      Pointwise(1, 11, 13, 320, 40)),  // a K that is no multiple of the tile
    [](const ::testing::TestParamInfo<ConvolutionDescription>& info) {
      return "case" + std::to_string(info.index);
    });

// The vision models' 1x1 layers at batch 128 against cuDNN's fastest of 8 plans; the times
// are printed for information (the benchmark is the place for speed claims).
TEST(PointwiseConvolutionModelsGpuTest, VisionModelShapesMatchCudnn) {
  TFTRT_SKIP_WITHOUT_GPU();
  if (!KernelsRunHere()) GTEST_SKIP() << "no CUTLASS in this build, or a GPU before sm_80";
  const Precision p = {DataType::kHalf, false, 2e-2, 5e-2, "fp16 vs cuDNN"};
  struct Case {
    const char* name;
    ConvolutionDescription d;
  };
  const std::vector<Case> cases = {
      {"mobilenetv2_block_1_expand_112x112_16to96", Pointwise(128, 112, 112, 16, 96)},
      {"mobilenetv2_block_2_expand_56x56_24to144", Pointwise(128, 56, 56, 24, 144)},
      {"mobilenetv2_expanded_conv_project_112x112_32to16", Pointwise(128, 112, 112, 32, 16)},
      {"resnet50_conv2_block1_1_56x56_64to64", Pointwise(128, 56, 56, 64, 64)},
      {"resnet50_conv4_block1_1_14x14_1024to256", Pointwise(128, 14, 14, 1024, 256)},
  };
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ConvolutionDescription& d = c.d;
    const Shape x_shape = {d.batch, d.input_rows, d.input_cols, d.input_channels};
    const Shape y_shape = {d.batch, d.output_rows, d.output_cols, d.output_channels};
    const Tensor filter = testing::RandomTensor({1, 1, d.input_channels, d.output_channels}, 11,
                                                p.dtype, -0.2f, 0.2f);
    const std::vector<EpilogueStep> epilogue = {
        EpilogueStep::BiasAdd(testing::RandomVector(d.output_channels, 12, DataType::kHalf)),
        EpilogueStep::Activation(EpilogueOp::kRelu6)};
    auto cudnn = ConvolutionRunner::Create(**handles, d, filter, epilogue,
                                           TacticOptions{.max_candidates = 8});
    ASSERT_TRUE(cudnn.ok()) << cudnn.status().ToString();
    const testing::DeviceBuffer x(testing::RandomTensor(x_shape, 13, p.dtype), p.dtype);
    const testing::DeviceBuffer y_cudnn(tftrt::NumElements(y_shape), p.dtype);
    const testing::DeviceBuffer y(tftrt::NumElements(y_shape), p.dtype);
    const testing::DeviceBuffer workspace(std::max<int64_t>((*cudnn)->workspace_bytes(), 1),
                                          DataType::kUInt8);
    const float cudnn_ms = testing::TimeLaunches(stream, 20, [&] {
      return (*cudnn)->Run(**handles, stream, x.data(), y_cudnn.data(), nullptr, workspace.data());
    });
    const double bytes =
        double(tftrt::NumElements(x_shape) + tftrt::NumElements(y_shape)) * sizeof(uint16_t);
    std::cout << "[          ] " << c.name << ": cuDNN " << cudnn_ms << " ms ("
              << bytes / (cudnn_ms * 1e-3) / 1e12 << " TB/s, plan " << (*cudnn)->plan_name()
              << ")\n";
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    const Tensor expected =
        testing::ApplySteps(y_cudnn.Download(y_shape), epilogue, (*cudnn)->fused_steps(), Tensor());
    for (int config : Configs(d)) {
      auto runner = PointwiseConvolutionRunner::Create(d, filter, epilogue, config);
      ASSERT_TRUE(runner.ok()) << runner.status().ToString();
      const float ms = testing::TimeLaunches(
          stream, 20, [&] { return (*runner)->Run(stream, x.data(), y.data()); });
      std::cout << "[          ] " << c.name << ": " << (*runner)->name() << " " << ms << " ms ("
                << bytes / (ms * 1e-3) / 1e12 << " TB/s)\n";
      ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
      EXPECT_TRUE(testing::Close(y.Download(y_shape), expected, p));
    }
  }
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST(BiasClampTest, ExpressesALeadingBiasAndRectifier) {
  const std::vector<float> bias(8, 1.0f);
  using Steps = std::vector<EpilogueStep>;
  const auto relu = EpilogueStep::Activation(EpilogueOp::kRelu);
  const auto relu6 = EpilogueStep::Activation(EpilogueOp::kRelu6);
  EXPECT_EQ(BiasClampSteps({}), 0);
  EXPECT_EQ(BiasClampSteps(Steps{EpilogueStep::BiasAdd(bias)}), 1);
  EXPECT_EQ(BiasClampSteps(Steps{EpilogueStep::BiasAdd(bias), relu6}), 2);
  EXPECT_EQ(BiasClampSteps(Steps{relu}), 1);
  EXPECT_EQ(BiasClampSteps(Steps{EpilogueStep::BiasAdd(bias), relu, EpilogueStep::BiasAdd(bias)}),
            2);
  EXPECT_EQ(BiasClampSteps(Steps{EpilogueStep::BiasAdd(bias), EpilogueStep::ResidualAdd(), relu}),
            1)
      << "the residual is cuDNN's to fuse";
  EXPECT_EQ(BiasClampSteps(Steps{EpilogueStep::ChannelScale(bias), EpilogueStep::BiasAdd(bias)}),
            0);
  const BiasClamp relu6_bounds = BiasClampBounds(Steps{EpilogueStep::BiasAdd(bias), relu6}, 2);
  EXPECT_EQ(relu6_bounds.lower, 0.0f);
  EXPECT_EQ(relu6_bounds.upper, 6.0f);
  EXPECT_EQ(relu6_bounds.bias, nullptr) << "the caller's to set";
  const BiasClamp relu_bounds = BiasClampBounds(Steps{relu}, 1);
  EXPECT_EQ(relu_bounds.lower, 0.0f);
  EXPECT_TRUE(std::isinf(relu_bounds.upper));
  const BiasClamp unfused = BiasClampBounds(Steps{EpilogueStep::BiasAdd(bias), relu}, 1);
  EXPECT_TRUE(std::isinf(unfused.lower) && unfused.lower < 0) << "the Relu is not fused";
  EXPECT_TRUE(std::isinf(unfused.upper));
}

TEST(PointwiseConvolutionRunnerTest, TakesStrideOneUnpaddedFp16OneByOnesOnly) {
  const ConvolutionDescription good = Pointwise(2, 8, 8, 16, 32);
  EXPECT_EQ(PointwiseConvolutionRunner::MatMulShape(good).m, 128);
  EXPECT_EQ(PointwiseConvolutionRunner::MatMulShape(good).n, 32);
  EXPECT_EQ(PointwiseConvolutionRunner::MatMulShape(good).k, 16);
  for (int config = 0; config < BiasClampMatMulConfigs(); ++config) {
    ConvolutionDescription d = good;
    d.dtype = DataType::kFloat;
    EXPECT_FALSE(PointwiseConvolutionRunner::Handles(d, config)) << "fp32";
    d = good;
    d.kernel_rows = d.kernel_cols = 3;
    d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 1;
    EXPECT_FALSE(PointwiseConvolutionRunner::Handles(d, config)) << "3x3";
    d = good;
    d.stride_rows = d.stride_cols = 2;
    d.output_rows = d.output_cols = 4;
    EXPECT_FALSE(PointwiseConvolutionRunner::Handles(d, config)) << "stride 2";
    d = good;
    d.input_channels = 12;
    EXPECT_FALSE(PointwiseConvolutionRunner::Handles(d, config)) << "C % 8 != 0";
    d = good;
    d.output_channels = 20;
    EXPECT_FALSE(PointwiseConvolutionRunner::Handles(d, config)) << "K % 8 != 0";
    d = good;
    d.groups = 2;
    EXPECT_FALSE(PointwiseConvolutionRunner::Handles(d, config)) << "grouped";
    const Status created =
        PointwiseConvolutionRunner::Create(d, Tensor(DataType::kFloat, {1, 1, 8, 32}), {}, config)
            .status();
    EXPECT_EQ(created.code(), StatusCode::kInvalidArgument) << created.ToString();
  }
  EXPECT_FALSE(PointwiseConvolutionRunner::Handles(good, BiasClampMatMulConfigs()))
      << "no such configuration";
}

}  // namespace
}  // namespace tftrt::cuda
