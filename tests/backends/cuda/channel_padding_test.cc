// Input channels padded for tensor cores and the space-to-depth form
// (backends/cuda/channel_padding.h): which convolutions may pad and to how many channels,
// the padded filter's layout, the space-to-depth geometry and filter (on the host: the
// rearranged input convolved at stride 1 equals the original convolution), and (on a GPU)
// that a 3-channel convolution padded to 8 (FP16) or 4 (TF32) or rewritten space-to-depth
// computes what the unpadded one does, and that an engine with such a layer (in whichever
// form timing chose) computes what the cpu backend does. GPU tests skip without a GPU.
#include "backends/cuda/channel_padding.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "backends/cpu/cpu_backend.h"
#include "backends/cuda/cutlass/bias_clamp_conv.h"
#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/runner_test_util.h"
#include "backends/cuda/space_to_depth_convolution_runner.h"
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

// A stride-2 convolution of few channels; SAME pads where `same` (TF's: the odd one after),
// else `pad` on every side.
ConvolutionDescription StrideTwo(int64_t rows, int64_t cols, int64_t channels, int64_t kernel_rows,
                                 int64_t kernel_cols, int64_t pad, bool same, DataType dtype) {
  ConvolutionDescription d{.batch = 2,
                           .input_rows = rows,
                           .input_cols = cols,
                           .input_channels = channels,
                           .output_channels = 16,
                           .kernel_rows = kernel_rows,
                           .kernel_cols = kernel_cols,
                           .stride_rows = 2,
                           .stride_cols = 2,
                           .dtype = dtype};
  auto pads = [&](int64_t in, int64_t kernel, int64_t& before, int64_t& after) {
    const int64_t out = (in + 1) / 2;
    const int64_t total = std::max<int64_t>((out - 1) * 2 + kernel - in, 0);
    before = same ? total / 2 : pad;
    after = same ? total - total / 2 : pad;
  };
  pads(rows, kernel_rows, d.pad_top, d.pad_bottom);
  pads(cols, kernel_cols, d.pad_left, d.pad_right);
  d.output_rows = (rows + d.pad_top + d.pad_bottom - kernel_rows) / 2 + 1;
  d.output_cols = (cols + d.pad_left + d.pad_right - kernel_cols) / 2 + 1;
  return d;
}

// SpaceToDepth2x2's definition (kernels/data_movement.h), on the host.
Tensor HostSpaceToDepth(const ConvolutionDescription& d, const ConvolutionDescription& s2d,
                        const Tensor& x) {
  Tensor z(DataType::kFloat, {d.batch, s2d.input_rows, s2d.input_cols, s2d.input_channels});
  const int64_t c_count = d.input_channels;
  for (int64_t n = 0; n < d.batch; ++n) {
    for (int64_t u = 0; u < s2d.input_rows; ++u) {
      for (int64_t v = 0; v < s2d.input_cols; ++v) {
        for (int64_t channel = 0; channel < s2d.input_channels; ++channel) {
          const int64_t block = channel / c_count, c = channel % c_count;
          const int64_t h = 2 * u + block / 2 - d.pad_top, w = 2 * v + block % 2 - d.pad_left;
          const bool inside = block < 4 && h >= 0 && h < d.input_rows && w >= 0 && w < d.input_cols;
          z.flat<float>()[((n * s2d.input_rows + u) * s2d.input_cols + v) * s2d.input_channels +
                          channel] =
              inside ? x.flat<float>()[((n * d.input_rows + h) * d.input_cols + w) * c_count + c]
                     : 0.0f;
        }
      }
    }
  }
  return z;
}

std::vector<ConvolutionDescription> StrideTwoCases(DataType dtype) {
  return {
      StrideTwo(21, 20, 3, 7, 7, 3, false, dtype),  // ResNet50's first layer, smaller
      StrideTwo(18, 17, 3, 3, 3, 0, true, dtype),   // MobileNetV2's (SAME: 0 before, 1 after)
      StrideTwo(13, 16, 1, 5, 5, 0, true, dtype),   // one channel
      StrideTwo(12, 11, 2, 4, 4, 0, false, dtype),  // an even window, VALID
      StrideTwo(15, 14, 4, 3, 5, 1, false, dtype),  // four channels, a 3x5 window
  };
}

TEST(SpaceToDepthTest, AppliesToStrideTwoConvolutionsOfFewChannels) {
  const ConvolutionDescription resnet = StrideTwo(224, 224, 3, 7, 7, 3, false, DataType::kHalf);
  EXPECT_TRUE(SpaceToDepthApplies(resnet, kGiB));
  const ConvolutionDescription s2d = SpaceToDepthDescription(resnet);
  EXPECT_EQ(s2d.input_rows, 115);
  EXPECT_EQ(s2d.input_cols, 115);
  EXPECT_EQ(s2d.input_channels, 16);
  EXPECT_EQ(s2d.kernel_rows, 4);
  EXPECT_EQ(s2d.kernel_cols, 4);
  EXPECT_EQ(s2d.stride_rows, 1);
  EXPECT_EQ(s2d.pad_top + s2d.pad_bottom + s2d.pad_left + s2d.pad_right, 0);
  EXPECT_EQ(s2d.output_rows, 112);
  EXPECT_EQ(SpaceToDepthDescription(StrideTwo(224, 224, 3, 7, 7, 3, false, DataType::kFloat))
                .input_channels,
            12)
      << "TF32: a multiple of 4";
  ConvolutionDescription d = resnet;
  d.input_channels = 5;
  EXPECT_FALSE(SpaceToDepthApplies(d, kGiB)) << "5 channels";
  d = resnet;
  d.stride_cols = 1;
  EXPECT_FALSE(SpaceToDepthApplies(d, kGiB)) << "stride 2 x 1";
  d = resnet;
  d.dilation_rows = 2;
  EXPECT_FALSE(SpaceToDepthApplies(d, kGiB)) << "dilated";
  d = resnet;
  d.dtype = DataType::kFloat;
  d.allow_tf32 = false;
  EXPECT_FALSE(SpaceToDepthApplies(d, kGiB)) << "fp32 without tensor cores";
  d = resnet;
  d.kernel_rows = d.kernel_cols = 1;
  EXPECT_FALSE(SpaceToDepthApplies(d, kGiB)) << "1x1";
  EXPECT_FALSE(SpaceToDepthApplies(resnet, 2 * PaddedInputBytes(s2d, 16) - 1)) << "workspace";
  EXPECT_FALSE(SpaceToDepthFilter(RandomTensor({3, 3, 5, 4}, 1), 16).ok()) << "4C > 16";
}

// The rearranged input convolved at stride 1 with the rearranged filter is the original
// convolution: the geometry and filter that the GPU form runs, checked without a GPU.
TEST(SpaceToDepthTest, RearrangedConvolutionEqualsTheOriginal) {
  for (const ConvolutionDescription& d : StrideTwoCases(DataType::kHalf)) {
    SCOPED_TRACE(d.ToString());
    ASSERT_TRUE(SpaceToDepthApplies(d, kGiB));
    const ConvolutionDescription s2d = SpaceToDepthDescription(d);
    const Tensor x = RandomTensor({d.batch, d.input_rows, d.input_cols, d.input_channels}, 31);
    const Tensor filter =
        RandomTensor({d.kernel_rows, d.kernel_cols, d.input_channels, d.output_channels}, 32);
    auto s2d_filter = SpaceToDepthFilter(filter, s2d.input_channels);
    ASSERT_TRUE(s2d_filter.ok()) << s2d_filter.status().ToString();
    ASSERT_EQ(s2d_filter->shape(),
              (Shape{s2d.kernel_rows, s2d.kernel_cols, s2d.input_channels, d.output_channels}));
    const Tensor expected = testing::ReferenceConvolution(d, x, filter);
    const Tensor actual =
        testing::ReferenceConvolution(s2d, HostSpaceToDepth(d, s2d, x), *s2d_filter);
    EXPECT_LT(RelativeError(actual, expected), 1e-6);
  }
}

// SpaceToDepth2x2 on the device against its definition, bit for bit (FP16 and FP32 storage).
TEST(SpaceToDepthTest, KernelMatchesTheDefinition) {
  TFTRT_SKIP_WITHOUT_GPU();
  for (DataType dtype : {DataType::kHalf, DataType::kFloat}) {
    for (ConvolutionDescription d : StrideTwoCases(dtype)) {
      d.allow_tf32 = true;
      SCOPED_TRACE(d.ToString());
      const ConvolutionDescription s2d = SpaceToDepthDescription(d);
      const Tensor x =
          testing::RandomTensor({d.batch, d.input_rows, d.input_cols, d.input_channels}, 33, dtype);
      const Tensor expected = HostSpaceToDepth(d, s2d, x);
      const testing::DeviceBuffer x_device(x, dtype);
      const testing::DeviceBuffer z(expected.NumElements(), dtype);
      ASSERT_TRUE(
          SpaceToDepth2x2(
              x_device.data(), Dims::From({d.batch, d.input_rows, d.input_cols, d.input_channels}),
              d.pad_top, d.pad_left, s2d.input_rows, s2d.input_cols, s2d.input_channels,
              dtype == DataType::kHalf ? DType::kFloat16 : DType::kFloat32, z.data(), nullptr)
              .ok());
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      EXPECT_EQ(RelativeError(z.Download(expected.shape()), expected), 0.0);
    }
  }
}

// y = relu(conv(x) + bias + residual) space-to-depth against the plain runner, FP16 and TF32.
TEST(SpaceToDepthTest, RunnerMatchesThePlainOne) {
  TFTRT_SKIP_WITHOUT_GPU();
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  for (DataType dtype : {DataType::kHalf, DataType::kFloat}) {
    for (ConvolutionDescription d : StrideTwoCases(dtype)) {
      d.allow_tf32 = true;
      SCOPED_TRACE(d.ToString());
      const Tensor filter =
          RandomTensor({d.kernel_rows, d.kernel_cols, d.input_channels, d.output_channels}, 34);
      const std::vector<EpilogueStep> epilogue = {
          EpilogueStep::BiasAdd(testing::RandomVector(16, 35, dtype)), EpilogueStep::ResidualAdd(),
          EpilogueStep::Activation(EpilogueOp::kRelu)};
      const TacticOptions tactics;  // untimed: the heuristics' first plan
      auto plain = ChannelPaddedConvolution::Create(**handles, d, filter, epilogue, tactics);
      auto s2d = ChannelPaddedConvolution::SpaceToDepth(**handles, d, filter, epilogue, tactics);
      ASSERT_TRUE(plain.ok()) << plain.status().ToString();
      ASSERT_TRUE(s2d.ok()) << s2d.status().ToString();
      ASSERT_EQ((*s2d)->form(), ChannelPaddedConvolution::InputForm::kSpaceToDepth);
      const Shape x_shape = {d.batch, d.input_rows, d.input_cols, d.input_channels};
      const Shape y_shape = {d.batch, d.output_rows, d.output_cols, d.output_channels};
      const testing::DeviceBuffer x(testing::RandomTensor(x_shape, 36, dtype), dtype);
      const testing::DeviceBuffer residual(testing::RandomTensor(y_shape, 37, dtype), dtype);
      Tensor results[2];
      for (int i = 0; i < 2; ++i) {
        const ChannelPaddedConvolution& convolution = i == 0 ? **plain : **s2d;
        const testing::DeviceBuffer y(tftrt::NumElements(y_shape), dtype);
        const testing::DeviceBuffer workspace(
            static_cast<int64_t>(convolution.workspace_bytes()) + 1, DataType::kUInt8);
        ASSERT_TRUE(
            convolution
                .Run(**handles, nullptr, x.data(), y.data(), residual.data(), workspace.data())
                .ok());
        ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
        results[i] = y.Download(y_shape);
      }
      EXPECT_LT(RelativeError(results[1], results[0]), dtype == DataType::kHalf ? 2e-3 : 1e-3);
    }
  }
}

// y = relu6(conv(x) + bias) in the space-to-depth form on CUTLASS's convolution, in every
// tile configuration, against the plain cuDNN runner (FP16).
TEST(SpaceToDepthTest, CutlassRunnerMatchesThePlainOne) {
  TFTRT_SKIP_WITHOUT_GPU();
  if (BiasClampConvConfigs() == 0) GTEST_SKIP() << "no CUTLASS in this build";
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  int ran = 0;
  for (const ConvolutionDescription& d : StrideTwoCases(DataType::kHalf)) {
    SCOPED_TRACE(d.ToString());
    const Tensor filter = testing::RandomTensor(
        {d.kernel_rows, d.kernel_cols, d.input_channels, d.output_channels}, 41, DataType::kHalf);
    const std::vector<EpilogueStep> epilogue = {
        EpilogueStep::BiasAdd(testing::RandomVector(16, 42, DataType::kHalf)),
        EpilogueStep::Activation(EpilogueOp::kRelu6)};
    auto plain = ChannelPaddedConvolution::Create(**handles, d, filter, epilogue, TacticOptions());
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    const Shape x_shape = {d.batch, d.input_rows, d.input_cols, d.input_channels};
    const Shape y_shape = {d.batch, d.output_rows, d.output_cols, d.output_channels};
    const testing::DeviceBuffer x(testing::RandomTensor(x_shape, 43, DataType::kHalf),
                                  DataType::kHalf);
    const testing::DeviceBuffer y(tftrt::NumElements(y_shape), DataType::kHalf);
    const testing::DeviceBuffer plain_workspace(
        static_cast<int64_t>((*plain)->workspace_bytes()) + 1, DataType::kUInt8);
    ASSERT_TRUE((*plain)
                    ->Run(**handles, nullptr, x.data(), y.data(), nullptr, plain_workspace.data())
                    .ok());
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    const Tensor expected = testing::ApplySteps(y.Download(y_shape), epilogue,
                                                (*plain)->runner().fused_steps(), Tensor());
    for (int config = 0; config < BiasClampConvConfigs(); ++config) {
      if (!SpaceToDepthConvolutionRunner::Handles(d, config, kGiB)) continue;
      SCOPED_TRACE(BiasClampConvConfigName(config));
      auto runner = SpaceToDepthConvolutionRunner::Create(d, filter, epilogue, config);
      ASSERT_TRUE(runner.ok()) << runner.status().ToString();
      ASSERT_EQ((*runner)->fused_steps(), 2);
      const testing::DeviceBuffer workspace(static_cast<int64_t>((*runner)->workspace_bytes()),
                                            DataType::kUInt8);
      const testing::DeviceBuffer y_cutlass(tftrt::NumElements(y_shape), DataType::kHalf);
      ASSERT_TRUE((*runner)->Run(nullptr, x.data(), y_cutlass.data(), workspace.data()).ok());
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      EXPECT_LT(RelativeError(y_cutlass.Download(y_shape), expected), 2e-3);
      ++ran;
    }
  }
  // Every case has C' = 16 and K = 16: on a GPU of compute capability 8.0 or later each
  // configuration takes each.
  int device = 0, major = 0;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), cudaSuccess);
  if (major >= 8) {
    EXPECT_EQ(ran, 5 * BiasClampConvConfigs());
  }
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
      const testing::DeviceBuffer y(tftrt::NumElements(y_shape), dtype);
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
