// Input channels padded for tensor cores (backends/cuda/channel_padding.h): which
// convolutions may pad and to how many channels, the padded filter's layout, and (on a GPU)
// that a 3-channel convolution padded to 8 (FP16) or 4 (TF32) computes what the unpadded one
// does, and that an engine with such a layer (padded or not, as timing chose) computes what
// the cpu backend does. GPU tests skip without a GPU.
#include "backends/cuda/channel_padding.h"

#include <gtest/gtest.h>

#include "backends/cpu/cpu_backend.h"
#include "backends/cuda/runner_test_util.h"
#include "backends/registry.h"
#include "common/relative_error.h"
#include "engine/build_engine.h"
#include "engine/engine_test_util.h"
#include "testing/gpu.h"
#include "testing/tensor_compare.h"

namespace tftrt::cuda {
namespace {

using tftrt::testing::AddArg;
using tftrt::testing::AddConstNode;
using tftrt::testing::AddFloatOp;
using tftrt::testing::AddRet;
using tftrt::testing::RandomTensor;

constexpr int64_t kGiB = int64_t{1} << 30;

// An image's first layer: [2, 17, 19, 3] -> 3x3 -> 16 channels.
ConvolutionDescription FirstLayer(DataType dtype, bool allow_tf32) {
  return {.batch = 2,
          .input_rows = 17,
          .input_cols = 19,
          .input_channels = 3,
          .output_rows = 17,
          .output_cols = 19,
          .output_channels = 16,
          .kernel_rows = 3,
          .kernel_cols = 3,
          .pad_top = 1,
          .pad_bottom = 1,
          .pad_left = 1,
          .pad_right = 1,
          .dtype = dtype,
          .allow_tf32 = allow_tf32};
}

TEST(ChannelPaddingTest, PadsToTheTensorCoresMultiple) {
  EXPECT_EQ(TensorCoreInputChannels(FirstLayer(DataType::kHalf, true), kGiB), 8);
  EXPECT_EQ(TensorCoreInputChannels(FirstLayer(DataType::kFloat, true), kGiB), 4);
  // Without TF32 float32 runs on no tensor cores: nothing to gain.
  EXPECT_EQ(TensorCoreInputChannels(FirstLayer(DataType::kFloat, false), kGiB), 3);
  ConvolutionDescription wide = FirstLayer(DataType::kHalf, true);
  wide.input_channels = 12;
  EXPECT_EQ(TensorCoreInputChannels(wide, kGiB), 16);
  wide.input_channels = 16;
  EXPECT_EQ(TensorCoreInputChannels(wide, kGiB), 16);
}

TEST(ChannelPaddingTest, GroupedConvolutionsAndSmallWorkspacesKeepTheirChannels) {
  ConvolutionDescription grouped = FirstLayer(DataType::kHalf, true);
  grouped.input_channels = 6;
  grouped.groups = 2;
  EXPECT_EQ(TensorCoreInputChannels(grouped, kGiB), 6);
  ConvolutionDescription depthwise = FirstLayer(DataType::kHalf, true);
  depthwise.kind = ConvolutionKind::kDepthwise;
  EXPECT_EQ(TensorCoreInputChannels(depthwise, kGiB), 3);
  // The padded input (2 * 17 * 19 * 8 halves) must fit in half the workspace limit.
  const ConvolutionDescription d = FirstLayer(DataType::kHalf, true);
  const int64_t padded = PaddedInputBytes(d, 8);
  EXPECT_EQ(padded, 2 * 17 * 19 * 8 * 2);
  EXPECT_EQ(TensorCoreInputChannels(d, 2 * padded), 8);
  EXPECT_EQ(TensorCoreInputChannels(d, 2 * padded - 1), 3);
}

TEST(ChannelPaddingTest, PaddedFilterHasZeroInputChannelsAppended) {
  const Tensor filter = RandomTensor({2, 3, 3, 5}, 7);
  auto padded = PadFilterInputChannels(filter, 8);
  ASSERT_TRUE(padded.ok()) << padded.status().ToString();
  ASSERT_EQ(padded->shape(), (Shape{2, 3, 8, 5}));
  const float* from = filter.flat<float>();
  const float* to = padded->flat<float>();
  for (int64_t tap = 0; tap < 6; ++tap) {
    for (int64_t c = 0; c < 8; ++c) {
      for (int64_t k = 0; k < 5; ++k) {
        const float expected = c < 3 ? from[(tap * 3 + c) * 5 + k] : 0.0f;
        ASSERT_EQ(to[(tap * 8 + c) * 5 + k], expected) << tap << " " << c << " " << k;
      }
    }
  }
  EXPECT_FALSE(PadFilterInputChannels(filter, 2).ok());
  EXPECT_FALSE(PadFilterInputChannels(RandomTensor({3, 5}, 8), 8).ok());
}

// y = relu(conv(x) + bias + residual) with the input padded to 8 (FP16) / 4 (TF32) channels
// against the same on 3 channels.
TEST(ChannelPaddingTest, PaddedRunnerMatchesTheUnpaddedOne) {
  TFTRT_SKIP_WITHOUT_GPU();
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  for (DataType dtype : {DataType::kHalf, DataType::kFloat}) {
    SCOPED_TRACE(dtype == DataType::kHalf ? "FP16" : "TF32");
    const ConvolutionDescription d = FirstLayer(dtype, /*allow_tf32=*/true);
    const int64_t channels = TensorCoreInputChannels(d, kGiB);
    ASSERT_GT(channels, d.input_channels);
    const Tensor filter = RandomTensor({3, 3, 3, 16}, 21);
    const std::vector<EpilogueStep> epilogue = {
        EpilogueStep::BiasAdd(testing::RandomVector(16, 22, dtype)), EpilogueStep::ResidualAdd(),
        EpilogueStep::Activation(EpilogueOp::kRelu)};
    const TacticOptions tactics;  // untimed: the heuristics' first plan
    auto plain = ChannelPaddedConvolution::Create(**handles, d, filter, epilogue, tactics);
    auto padded =
        ChannelPaddedConvolution::Padded(**handles, d, filter, epilogue, tactics, channels);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    ASSERT_TRUE(padded.ok()) << padded.status().ToString();
    ASSERT_FALSE((*plain)->padded());
    ASSERT_TRUE((*padded)->padded());
    ASSERT_EQ((*padded)->channels(), channels);
    const Shape y_shape = {2, 17, 19, 16};
    const testing::DeviceBuffer x(testing::RandomTensor({2, 17, 19, 3}, 23, dtype), dtype);
    const testing::DeviceBuffer residual(testing::RandomTensor(y_shape, 24, dtype), dtype);
    Tensor results[2];
    for (int i = 0; i < 2; ++i) {
      const ChannelPaddedConvolution& convolution = i == 0 ? **plain : **padded;
      const testing::DeviceBuffer y(NumElements(y_shape), dtype);
      const testing::DeviceBuffer workspace(static_cast<int64_t>(convolution.workspace_bytes()) + 1,
                                            DataType::kUInt8);
      ASSERT_TRUE(
          convolution.Run(**handles, nullptr, x.data(), y.data(), residual.data(), workspace.data())
              .ok());
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      results[i] = y.Download(y_shape);
    }
    // The same sums in another order (and, in FP16, each rounded to half once).
    EXPECT_LT(RelativeError(results[1], results[0]), dtype == DataType::kHalf ? 2e-3 : 1e-3);
  }
}

// x [2, 17, 19, 3] -> Conv2D (SAME) -> BiasAdd -> Relu on the cuda backend in FP16 and TF32
// (the layer on 3 channels or padded ones, as timing chose) against FP32 on the cpu backend.
TEST(ChannelPaddingTest, EngineMatchesTheCpuBackend) {
  TFTRT_SKIP_WITHOUT_GPU();
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 17, 19, 3});
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, 3, 16}, 11));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({16}, 12));
  Node* conv =
      AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, tftrt::testing::ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  AddRet(graph, "y", {relu, 0});
  const std::vector<Tensor> inputs = {RandomTensor({2, 17, 19, 3}, 13)};
  const std::vector<EngineArg> args = {{DataType::kFloat, {2, 17, 19, 3}, nullptr}};
  auto expected_engine = BuildEngine("conv", graph, args, {}, CpuEngineBackend());
  ASSERT_TRUE(expected_engine.ok()) << expected_engine.status().ToString();
  auto expected = (*expected_engine)->Run(inputs);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  for (const char* precision : {"FP16", "TF32"}) {
    SCOPED_TRACE(precision);
    const bool half = std::string(precision) == "FP16";
    ASSERT_NE(
        TensorCoreInputChannels(FirstLayer(half ? DataType::kHalf : DataType::kFloat, true), kGiB),
        3);
    BuildOptions options{.precision = half ? Precision::kFP16 : Precision::kFP32};
    auto engine = BuildEngine("conv", graph, args, options, *CudaBackend());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto actual = (*engine)->Run(inputs);
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    EXPECT_TRUE(tftrt::testing::TensorsMatch((*actual)[0], (*expected)[0],
                                             tftrt::testing::EngineTolerance(precision)));
  }
}

}  // namespace
}  // namespace tftrt::cuda
