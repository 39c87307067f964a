// KernelConvolutionRunner and tftrt's convolution kernels (kernels/depthwise.h,
// kernels/small_channel_conv.h) against a direct CPU reference (double sums) and the epilogue
// ops' CPU kernels, in fp32 and fp16, over window sizes, strides, dilations, pads, channel
// counts (vector and single-channel paths) and epilogue chains; on MobileNetV2's and
// ResNet50's batch-128 shapes against cuDNN (ConvolutionRunner; the first layers also in
// their space-to-depth form, channel_padding.h), with every time printed. GPU
// tests skip where there is no CUDA device; the validation tests run everywhere.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "backends/cuda/channel_padding.h"
#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/cutlass/bias_clamp_conv.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/kernel_convolution_runner.h"
#include "backends/cuda/kernels/depthwise.h"
#include "backends/cuda/kernels/small_channel_conv.h"
#include "backends/cuda/runner_test_util.h"
#include "backends/cuda/space_to_depth_convolution_runner.h"
#include "testing/gpu.h"

namespace tftrt::cuda {
namespace {

using testing::Precision;

// fp32 computes in fp32 throughout: only the summation order differs from the reference. fp16
// accumulates in fp32 and rounds once on store, so its error is that one rounding (at most
// 2^-11 relative); convolution_runner_test's looser fp16 tolerances allow for cuDNN's engines.
std::vector<Precision> Precisions() {
  return {{DataType::kFloat, false, 1e-5, 1e-5, "fp32"},
          {DataType::kHalf, false, 1e-3, 1e-3, "fp16"}};
}

// One convolution with explicit pads: depthwise with channel multiplier 1, or a dense Conv2D
// (few input channels: the small-channel kernel's).
struct ConvCase {
  std::string name;
  int64_t batch = 1, rows = 0, cols = 0, channels = 0;
  int64_t kernel_rows = 3, kernel_cols = 3;
  int64_t stride_rows = 1, stride_cols = 1;
  int64_t dilation_rows = 1, dilation_cols = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int64_t dense_output_channels = 0;  // 0: depthwise (K = C); else a Conv2D's K
};

int64_t OutputChannels(const ConvCase& c) {
  return c.dense_output_channels > 0 ? c.dense_output_channels : c.channels;
}

// TF's SAME pads along one dimension: {before, after}, the odd one after.
std::array<int64_t, 2> SamePads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + effective - in, 0);
  return {total / 2, total - total / 2};
}

ConvCase Explicit(std::string name, int64_t batch, int64_t rows, int64_t cols, int64_t channels,
                  int64_t kernel_rows, int64_t kernel_cols, int64_t stride_rows,
                  int64_t stride_cols, int64_t dilation_rows, int64_t dilation_cols,
                  std::array<int64_t, 4> pads) {
  return {std::move(name), batch,       rows,        cols,        channels,
          kernel_rows,     kernel_cols, stride_rows, stride_cols, dilation_rows,
          dilation_cols,   pads[0],     pads[1],     pads[2],     pads[3]};
}

// `c` as a dense Conv2D to `output_channels` channels.
ConvCase Dense(ConvCase c, int64_t output_channels) {
  c.dense_output_channels = output_channels;
  return c;
}

// A square window, equal strides and dilations; TF's SAME or VALID padding.
ConvCase Square(std::string name, int64_t batch, int64_t rows, int64_t cols, int64_t channels,
                int64_t kernel, int64_t stride, int64_t dilation, bool same) {
  std::array<int64_t, 2> rp = {0, 0}, cp = {0, 0};
  if (same) {
    rp = SamePads(rows, kernel, stride, dilation);
    cp = SamePads(cols, kernel, stride, dilation);
  }
  return Explicit(std::move(name), batch, rows, cols, channels, kernel, kernel, stride, stride,
                  dilation, dilation, {rp[0], rp[1], cp[0], cp[1]});
}

int64_t OutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t before,
                   int64_t after) {
  return (in + before + after - ((kernel - 1) * dilation + 1)) / stride + 1;
}

ConvolutionDescription Describe(const ConvCase& c, DataType dtype) {
  ConvolutionDescription d;
  const bool dense = c.dense_output_channels > 0;
  d.kind = dense ? ConvolutionKind::kConv2D : ConvolutionKind::kDepthwise;
  d.batch = c.batch;
  d.input_rows = c.rows;
  d.input_cols = c.cols;
  d.input_channels = c.channels;
  d.output_channels = OutputChannels(c);
  d.groups = dense ? 1 : c.channels;
  d.output_rows =
      OutputSize(c.rows, c.kernel_rows, c.stride_rows, c.dilation_rows, c.pad_top, c.pad_bottom);
  d.output_cols =
      OutputSize(c.cols, c.kernel_cols, c.stride_cols, c.dilation_cols, c.pad_left, c.pad_right);
  d.kernel_rows = c.kernel_rows;
  d.kernel_cols = c.kernel_cols;
  d.pad_top = c.pad_top;
  d.pad_bottom = c.pad_bottom;
  d.pad_left = c.pad_left;
  d.pad_right = c.pad_right;
  d.stride_rows = c.stride_rows;
  d.stride_cols = c.stride_cols;
  d.dilation_rows = c.dilation_rows;
  d.dilation_cols = c.dilation_cols;
  d.dtype = dtype;
  return d;
}

Shape InputShape(const ConvolutionDescription& d) {
  return {d.batch, d.input_rows, d.input_cols, d.input_channels};
}
Shape OutputShape(const ConvolutionDescription& d) {
  return {d.batch, d.output_rows, d.output_cols, d.output_channels};
}
bool IsDepthwise(const ConvolutionDescription& d) { return d.kind == ConvolutionKind::kDepthwise; }

Shape FilterShape(const ConvolutionDescription& d) {
  return {d.kernel_rows, d.kernel_cols, d.input_channels, IsDepthwise(d) ? 1 : d.output_channels};
}

Tensor ToHalfTensor(const Tensor& t) {
  Tensor h(DataType::kHalf, t.shape());
  for (int64_t i = 0; i < t.NumElements(); ++i) h.flat<Half>()[i] = FloatToHalf(t.flat<float>()[i]);
  return h;
}

// Bias / scale values as the runner holds them (rounded to its I/O dtype).
void RoundValues(std::vector<EpilogueStep>& epilogue, DataType dtype) {
  if (dtype != DataType::kHalf) return;
  for (EpilogueStep& step : epilogue) {
    for (float& v : step.values) v = HalfToFloat(FloatToHalf(v));
  }
}

// Runs `c` with `epilogue` through KernelConvolutionRunner and compares with the reference.
// column_tile: KernelConvolutionRunner::Create's.
void CheckKernel(const ConvCase& c, const Precision& p, std::vector<EpilogueStep> epilogue,
                 uint32_t seed, bool half_filter = false, int column_tile = 0) {
  SCOPED_TRACE(c.name + " " + p.name + " epilogue " + EpilogueToString(epilogue) + " column tile " +
               std::to_string(column_tile));
  const ConvolutionDescription d = Describe(c, p.dtype);
  const Tensor x = testing::RandomTensor(InputShape(d), seed, p.dtype);
  // A filter given as float16 has fp16-exact values in either precision.
  const Tensor filter =
      testing::RandomTensor(FilterShape(d), seed + 1, half_filter ? DataType::kHalf : p.dtype);
  const Tensor residual = testing::RandomTensor(OutputShape(d), seed + 2, p.dtype);
  RoundValues(epilogue, p.dtype);
  const Tensor expected =
      testing::ApplySteps(testing::ReferenceConvolution(d, x, filter), epilogue, 0, residual);
  ASSERT_TRUE(expected.is_valid());

  auto runner = KernelConvolutionRunner::Create(d, half_filter ? ToHalfTensor(filter) : filter,
                                                epilogue, column_tile);
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  ASSERT_EQ((*runner)->fused_steps(), static_cast<int>(epilogue.size()));

  testing::DeviceBuffer x_device(x, p.dtype);
  testing::DeviceBuffer residual_device(residual, p.dtype);
  testing::DeviceBuffer y_device(tftrt::NumElements(OutputShape(d)), p.dtype);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  const Status run =
      (*runner)->Run(stream, x_device.data(), y_device.data(), residual_device.data());
  EXPECT_TRUE(run.ok()) << run.ToString();
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_TRUE(testing::Close(y_device.Download(OutputShape(d)), expected, p));
}

std::vector<ConvCase> Cases() {
  std::vector<ConvCase> cases = {
      // 16-byte channel vectors (C % 8 == 0), 3x3 and 5x5 compiled in, column tiles at stride 1.
      Square("3x3_s1_same_c8", 1, 9, 9, 8, 3, 1, 1, true),
      Square("3x3_s1_same_c96_n3", 3, 14, 14, 96, 3, 1, 1, true),
      Square("3x3_s2_same_c96_n3_asymmetric", 3, 16, 15, 96, 3, 2, 1, true),
      Square("3x3_s2_valid_c144", 1, 17, 17, 144, 3, 2, 1, false),
      Square("5x5_s1_same_c144_n3", 3, 11, 13, 144, 5, 1, 1, true),
      Square("5x5_s2_same_c8_n3", 3, 12, 12, 8, 5, 2, 1, true),
      Square("5x5_s1_valid_c96", 1, 10, 9, 96, 5, 1, 1, false),
      Square("3x3_d2_same_c96", 1, 12, 12, 96, 3, 1, 2, true),
      Square("5x5_d2_same_c8_n3", 3, 13, 11, 8, 5, 1, 2, true),
      // Single channels: C % 8 != 0 (and C % 4 != 0).
      Square("3x3_s1_same_c13", 1, 10, 11, 13, 3, 1, 1, true),
      Square("3x3_s2_same_c13_n3", 3, 11, 10, 13, 3, 2, 1, true),
      Square("5x5_s1_same_c13_n3", 3, 9, 9, 13, 5, 1, 1, true),
      Square("5x5_d2_valid_c13", 1, 13, 13, 13, 5, 1, 2, false),
      Square("3x3_s1_same_c1_n3", 3, 9, 10, 1, 3, 1, 1, true),
      Square("5x5_s2_same_c1", 1, 12, 13, 1, 5, 2, 1, true),
      Square("3x3_d2_valid_c1", 1, 9, 9, 1, 3, 1, 2, false),
      // Asymmetric explicit pads, pads wider than the window (rows of padding only), mixed
      // strides and dilations per dimension, images narrower than a column tile.
      Explicit("3x3_explicit_pads_c8", 1, 8, 9, 8, 3, 3, 1, 1, 1, 1, {2, 0, 0, 1}),
      Explicit("3x3_wide_pads_c96_n3", 3, 5, 6, 96, 3, 3, 1, 1, 1, 1, {4, 3, 4, 1}),
      Explicit("3x3_s2x1_c96", 1, 11, 10, 96, 3, 3, 2, 1, 1, 1, {1, 1, 1, 1}),
      Explicit("3x3_s1x2_d2x1_c13", 1, 11, 10, 13, 3, 3, 1, 2, 2, 1, {2, 2, 1, 1}),
      Square("3x3_s1_same_narrow_c8_n3", 3, 5, 2, 8, 3, 1, 1, true),
      Square("5x5_s1_same_w1_c13", 1, 6, 1, 13, 5, 1, 1, true),
      // Any other window: the general kernel.
      Square("7x7_s1_same_c96", 1, 9, 10, 96, 7, 1, 1, true),
      Square("7x7_s2_same_c13_n3", 3, 9, 10, 13, 7, 2, 1, true),
      Square("1x1_c8_n3", 3, 4, 5, 8, 1, 1, 1, false),
      Explicit("3x5_s1x2_c144", 1, 9, 12, 144, 3, 5, 1, 2, 1, 1, {1, 1, 2, 1}),
      Explicit("2x2_s2_valid_c13", 1, 8, 9, 13, 2, 2, 2, 2, 1, 1, {0, 0, 0, 0}),
      Explicit("4x1_d3x1_c96_n3", 3, 12, 7, 96, 4, 1, 1, 1, 3, 1, {4, 5, 0, 0}),
      // Dense convolutions of 1 to 4 input channels (the small-channel kernel): 3x3 and 7x7
      // compiled in with tiles of 4 columns (widths that are no multiple of 4 included),
      // 16-byte output vectors where K allows (K % 8 for fp16, K % 4 for fp32) and single
      // channels otherwise, any other window through the general kernel.
      Dense(Square("dense_3x3_s2_same_c3_k32_n2", 2, 17, 18, 3, 3, 2, 1, true), 32),
      Dense(Square("dense_3x3_s1_same_c3_k16", 1, 9, 10, 3, 3, 1, 1, true), 16),
      Dense(Square("dense_3x3_s1_valid_c1_k8_n3", 3, 8, 7, 1, 3, 1, 1, false), 8),
      Dense(Square("dense_3x3_s2_same_c2_k24", 1, 11, 9, 2, 3, 2, 1, true), 24),
      Dense(Square("dense_3x3_s1_same_c4_k12", 1, 7, 13, 4, 3, 1, 1, true), 12),
      Dense(Square("dense_3x3_s1_same_c3_k5_n2", 2, 6, 7, 3, 3, 1, 1, true), 5),
      Dense(Square("dense_7x7_s2_same_c3_k64_n2", 2, 19, 21, 3, 7, 2, 1, true), 64),
      Dense(Explicit("dense_7x7_s2_pad3_c3_k16", 1, 16, 16, 3, 7, 7, 2, 2, 1, 1, {3, 3, 3, 3}), 16),
      Dense(Square("dense_7x7_s1_same_c1_k8", 1, 9, 6, 1, 7, 1, 1, true), 8),
      Dense(Square("dense_3x3_d2_same_c3_k16", 1, 12, 12, 3, 3, 1, 2, true), 16),
      Dense(Square("dense_5x5_s1_same_c3_k16_n2", 2, 9, 10, 3, 5, 1, 1, true), 16),
      Dense(Square("dense_1x1_c4_k8", 1, 5, 6, 4, 1, 1, 1, false), 8),
      Dense(Explicit("dense_3x3_explicit_pads_c3_k8", 1, 8, 9, 3, 3, 3, 1, 1, 1, 1, {2, 0, 0, 1}),
            8),
      Dense(Explicit("dense_3x3_wide_pads_c2_k16", 1, 5, 3, 2, 3, 3, 1, 1, 1, 1, {4, 3, 4, 1}), 16),
      Dense(Explicit("dense_4x2_s1x2_c3_k8", 1, 9, 12, 3, 4, 2, 1, 2, 1, 1, {1, 2, 0, 1}), 8),
      Dense(Square("dense_3x3_s1_same_w1_c3_k8", 1, 6, 1, 3, 3, 1, 1, true), 8),
  };
  return cases;
}

std::vector<EpilogueStep> BiasRelu6(int64_t c) {
  return {EpilogueStep::BiasAdd(testing::RandomVector(c, 7, DataType::kFloat)),
          EpilogueStep::Activation(EpilogueOp::kRelu6)};
}

std::vector<EpilogueStep> ScaleBiasResidualRelu(int64_t c) {
  return {EpilogueStep::ChannelScale(testing::RandomVector(c, 8, DataType::kFloat, 0.5f, 1.5f)),
          EpilogueStep::BiasAdd(testing::RandomVector(c, 9, DataType::kFloat)),
          EpilogueStep::ResidualAdd(), EpilogueStep::Activation(EpilogueOp::kRelu)};
}

std::vector<EpilogueStep> BiasGeluExact(int64_t c) {
  return {EpilogueStep::BiasAdd(testing::RandomVector(c, 10, DataType::kFloat)),
          EpilogueStep::Activation(EpilogueOp::kGeluExact)};
}

class KernelConvolutionGpuTest : public ::testing::TestWithParam<std::tuple<ConvCase, Precision>> {
};

TEST_P(KernelConvolutionGpuTest, MatchesReference) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckKernel(c, p, {}, 1234);
}

TEST_P(KernelConvolutionGpuTest, MatchesReferenceWithBiasRelu6) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckKernel(c, p, BiasRelu6(OutputChannels(c)), 2345);
}

TEST_P(KernelConvolutionGpuTest, MatchesReferenceWithScaleBiasResidualRelu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckKernel(c, p, ScaleBiasResidualRelu(OutputChannels(c)), 3456);
}

// The narrower column tiles that engines time beside the default ones (conv_kernel_args.h).
TEST_P(KernelConvolutionGpuTest, MatchesReferenceWithTwoColumnTiles) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckKernel(c, p, BiasRelu6(OutputChannels(c)), 5678, /*half_filter=*/false,
              /*column_tile=*/2);
}

TEST_P(KernelConvolutionGpuTest, MatchesReferenceWithBiasGeluExact) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckKernel(c, p, BiasGeluExact(OutputChannels(c)), 4567);
}

INSTANTIATE_TEST_SUITE_P(Shapes, KernelConvolutionGpuTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::ValuesIn(Precisions())),
                         testing::CaseAndPrecisionName());

// Every epilogue op, on the vector path (C = 96) and the single-channel path (C = 13).
struct EpilogueCase {
  std::string name;
  std::vector<EpilogueStep> (*steps)(int64_t c);
};

std::vector<EpilogueCase> EpilogueCases() {
  return {
      {"bias",
       [](int64_t c) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(c, 11, DataType::kFloat))};
       }},
      {"scale",
       [](int64_t c) {
         return std::vector<EpilogueStep>{EpilogueStep::ChannelScale(
             testing::RandomVector(c, 12, DataType::kFloat, -2.0f, 2.0f))};
       }},
      {"residual", [](int64_t) { return std::vector<EpilogueStep>{EpilogueStep::ResidualAdd()}; }},
      {"relu",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kRelu)};
       }},
      {"relu6_scaled",  // the scale pushes values above 6
       [](int64_t c) {
         return std::vector<EpilogueStep>{EpilogueStep::ChannelScale(std::vector<float>(c, 8.0f)),
                                          EpilogueStep::Activation(EpilogueOp::kRelu6)};
       }},
      {"leaky_relu",
       [](int64_t) { return std::vector<EpilogueStep>{EpilogueStep::LeakyRelu(0.2f)}; }},
      {"sigmoid",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kSigmoid)};
       }},
      {"tanh",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kTanh)};
       }},
      {"elu", [](int64_t) { return std::vector<EpilogueStep>{EpilogueStep::Elu(1.0f)}; }},
      {"gelu_exact",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kGeluExact)};
       }},
      {"gelu_tanh",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kGeluTanh)};
       }},
      {"residual_bias_gelu_tanh",
       [](int64_t c) {
         return std::vector<EpilogueStep>{
             EpilogueStep::ResidualAdd(),
             EpilogueStep::BiasAdd(testing::RandomVector(c, 13, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kGeluTanh)};
       }},
      {"long_chain",  // steps after activations, two channel vectors of each kind
       [](int64_t c) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(c, 14, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kTanh),
             EpilogueStep::ChannelScale(testing::RandomVector(c, 15, DataType::kFloat, 1.0f, 3.0f)),
             EpilogueStep::LeakyRelu(0.1f),
             EpilogueStep::ResidualAdd(),
             EpilogueStep::BiasAdd(testing::RandomVector(c, 16, DataType::kFloat)),
             EpilogueStep::ChannelScale(
                 testing::RandomVector(c, 17, DataType::kFloat, -1.0f, 1.0f)),
             EpilogueStep::Elu(1.0f),
             EpilogueStep::Activation(EpilogueOp::kSigmoid)};
       }},
  };
}

class KernelEpilogueGpuTest : public ::testing::TestWithParam<std::tuple<EpilogueCase, Precision>> {
};

TEST_P(KernelEpilogueGpuTest, MatchesCpuOps) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [e, p] = GetParam();
  const ConvCase vector = Square("3x3_s1_same_c96", 2, 9, 9, 96, 3, 1, 1, true);
  CheckKernel(vector, p, e.steps(96), 555);
  const ConvCase single = Square("3x3_s2_same_c13", 2, 9, 9, 13, 3, 2, 1, true);
  CheckKernel(single, p, e.steps(13), 556);
  const ConvCase dense = Dense(Square("dense_3x3_s2_same_c3", 2, 9, 10, 3, 3, 2, 1, true), 32);
  CheckKernel(dense, p, e.steps(32), 557);
  const ConvCase dense_single = Dense(Square("dense_7x7_s1_same_c3", 1, 9, 9, 3, 7, 1, 1, true), 7);
  CheckKernel(dense_single, p, e.steps(7), 558);
}

INSTANTIATE_TEST_SUITE_P(Epilogues, KernelEpilogueGpuTest,
                         ::testing::Combine(::testing::ValuesIn(EpilogueCases()),
                                            ::testing::ValuesIn(Precisions())),
                         testing::CaseAndPrecisionName());

// A float16 filter for either precision (the other tests give float32 filters).
TEST(KernelConvolutionRunnerGpuTest, TakesFiltersOfEitherDtype) {
  TFTRT_SKIP_WITHOUT_GPU();
  const ConvCase depthwise = Square("3x3_s1_same_c96", 1, 7, 7, 96, 3, 1, 1, true);
  const ConvCase dense = Dense(Square("dense_3x3_s2_same_c3", 1, 9, 9, 3, 3, 2, 1, true), 32);
  for (const Precision& p : Precisions()) {
    CheckKernel(depthwise, p, BiasRelu6(96), 77, /*half_filter=*/true);
    CheckKernel(dense, p, BiasRelu6(32), 78, /*half_filter=*/true);
  }
}

// Pointers off 16-byte alignment take the single-channel path, even where the channels allow
// vectors.
TEST(KernelConvolutionKernelGpuTest, MisalignedPointersTakeTheScalarPath) {
  TFTRT_SKIP_WITHOUT_GPU();
  const std::vector<ConvCase> cases = {
      Square("3x3_s1_same_c8", 2, 6, 7, 8, 3, 1, 1, true),
      Dense(Square("dense_3x3_s2_same_c3_k16", 2, 9, 7, 3, 3, 2, 1, true), 16)};
  for (const ConvCase& c : cases) {
    for (const Precision& p : Precisions()) {
      SCOPED_TRACE(c.name + " " + p.name);
      const ConvolutionDescription d = Describe(c, p.dtype);
      const Tensor x = testing::RandomTensor(InputShape(d), 5, p.dtype);
      const Tensor filter = testing::RandomTensor(FilterShape(d), 6, p.dtype);
      std::vector<EpilogueStep> epilogue = BiasRelu6(d.output_channels);
      RoundValues(epilogue, p.dtype);
      const Tensor expected =
          testing::ApplySteps(testing::ReferenceConvolution(d, x, filter), epilogue, 0, Tensor());

      // x and y one element into their buffers.
      Tensor x_shifted(DataType::kFloat, {x.NumElements() + 1});
      std::copy(x.flat<float>(), x.flat<float>() + x.NumElements(), x_shifted.flat<float>() + 1);
      testing::DeviceBuffer x_device(x_shifted, p.dtype);
      const int64_t y_count = tftrt::NumElements(OutputShape(d));
      testing::DeviceBuffer y_device(y_count + 1, p.dtype);
      auto filter_device = DeviceWeights::UploadAs(TensorToFloats(filter), p.dtype);
      ASSERT_TRUE(filter_device.ok()) << filter_device.status().ToString();
      auto bias_device = DeviceWeights::UploadAs(epilogue[0].values, DataType::kFloat);
      ASSERT_TRUE(bias_device.ok()) << bias_device.status().ToString();

      KernelEpilogue e;
      e.num_steps = 2;
      e.ops[0] = EpilogueOp::kBiasAdd;
      e.vectors[0] = static_cast<const float*>(bias_device->data());
      e.ops[1] = EpilogueOp::kRelu6;
      const size_t element = DataTypeSize(p.dtype);
      const DType dtype = p.dtype == DataType::kHalf ? DType::kFloat16 : DType::kFloat32;
      const void* x_arg = static_cast<const char*>(x_device.data()) + element;
      void* y_arg = static_cast<char*>(y_device.data()) + element;
      const Status run = IsDepthwise(d)
                             ? DepthwiseConv2D(KernelConvolutionRunner::KernelParams(d), x_arg,
                                               filter_device->data(), dtype, e, y_arg, nullptr)
                             : SmallChannelConv2D(KernelConvolutionRunner::KernelParams(d), x_arg,
                                                  filter_device->data(), dtype, e, y_arg, nullptr);
      ASSERT_TRUE(run.ok()) << run.ToString();
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      const Tensor y_shifted = y_device.Download({y_count + 1});
      Tensor actual(DataType::kFloat, OutputShape(d));
      std::copy(y_shifted.flat<float>() + 1, y_shifted.flat<float>() + 1 + y_count,
                actual.flat<float>());
      EXPECT_TRUE(testing::Close(actual, expected, p));
    }
  }
}

TEST(KernelConvolutionRunnerGpuTest, RunWithoutNeededResidualIsInvalid) {
  TFTRT_SKIP_WITHOUT_GPU();
  const ConvolutionDescription d =
      Describe(Square("3x3", 1, 4, 4, 8, 3, 1, 1, true), DataType::kFloat);
  auto runner = KernelConvolutionRunner::Create(
      d, testing::RandomTensor(FilterShape(d), 1, d.dtype), {EpilogueStep::ResidualAdd()});
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  testing::DeviceBuffer x(16 * 8, d.dtype), y(16 * 8, d.dtype);
  const Status run = (*runner)->Run(nullptr, x.data(), y.data(), nullptr);
  EXPECT_EQ(run.code(), StatusCode::kInvalidArgument) << run.ToString();
}

// ---- MobileNetV2's depthwise layers at batch 128, fp16, against cuDNN ----

// Uniform values in [-1, 1) on the device, from a cheap hash (the tensors are large).
void FillRandom(const testing::DeviceBuffer& buffer, int64_t count, DataType dtype, uint32_t seed) {
  std::vector<Half> values(count);
  uint32_t state = seed * 2654435761u + 1;
  for (int64_t i = 0; i < count; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    values[i] = FloatToHalf(static_cast<float>(state >> 8) * (2.0f / 16777216.0f) - 1.0f);
  }
  ASSERT_EQ(dtype, DataType::kHalf);
  ASSERT_EQ(cudaMemcpy(buffer.data(), values.data(), count * sizeof(Half), cudaMemcpyHostToDevice),
            cudaSuccess);
}

// Large tensors (the shapes the kernel is for) against a different implementation; the times
// are printed for information (the benchmark is the place for speed claims).
TEST(KernelConvolutionGpuTest, VisionModelShapesMatchCudnn) {
  TFTRT_SKIP_WITHOUT_GPU();
  // convolution_runner_test's fp16 tolerances: cuDNN's engines may round in between.
  const Precision p = {DataType::kHalf, false, 2e-2, 5e-2, "fp16 vs cuDNN"};
  const std::vector<ConvCase> shapes = {
      Square("mobilenetv2_112x112x32_s1", 128, 112, 112, 32, 3, 1, 1, true),
      Square("mobilenetv2_112x112x96_s2", 128, 112, 112, 96, 3, 2, 1, true),
      Square("mobilenetv2_28x28x192_s1", 128, 28, 28, 192, 3, 1, 1, true),
      Square("mobilenetv2_14x14x384_s1", 128, 14, 14, 384, 3, 1, 1, true),
      Dense(Square("mobilenetv2_conv1_224x224x3_s2", 128, 224, 224, 3, 3, 2, 1, true), 32),
      Dense(
          Explicit("resnet50_conv1_224x224x3_s2", 128, 224, 224, 3, 7, 7, 2, 2, 1, 1, {3, 3, 3, 3}),
          64),
  };
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  for (const ConvCase& c : shapes) {
    SCOPED_TRACE(c.name);
    const ConvolutionDescription d = Describe(c, p.dtype);
    const int64_t x_count = tftrt::NumElements(InputShape(d));
    const int64_t y_count = tftrt::NumElements(OutputShape(d));
    const Tensor filter = testing::RandomTensor(FilterShape(d), 21, p.dtype);
    std::vector<EpilogueStep> epilogue = BiasRelu6(d.output_channels);
    RoundValues(epilogue, p.dtype);

    auto ours = KernelConvolutionRunner::Create(d, filter, epilogue);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    auto cudnn = ConvolutionRunner::Create(**handles, d, filter, epilogue);
    ASSERT_TRUE(cudnn.ok()) << cudnn.status().ToString();

    testing::DeviceBuffer x(x_count, p.dtype), y_ours(y_count, p.dtype), y_cudnn(y_count, p.dtype);
    testing::DeviceBuffer workspace(std::max<int64_t>((*cudnn)->workspace_bytes(), 1),
                                    DataType::kUInt8);
    FillRandom(x, x_count, p.dtype, 31);
    const float ours_ms = testing::TimeLaunches(
        stream, 20, [&] { return (*ours)->Run(stream, x.data(), y_ours.data(), nullptr); });
    const float cudnn_ms = testing::TimeLaunches(stream, 5, [&] {
      return (*cudnn)->Run(**handles, stream, x.data(), y_cudnn.data(), nullptr, workspace.data());
    });
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    const double bytes = static_cast<double>(x_count + y_count) * DataTypeSize(p.dtype);
    std::cout << "[          ] " << c.name << ": tftrt " << ours_ms << " ms ("
              << bytes / (ours_ms * 1e-3) / 1e12 << " TB/s), cuDNN " << cudnn_ms << " ms (plan "
              << (*cudnn)->plan_name() << ", fused " << (*cudnn)->fused_steps() << " of "
              << epilogue.size() << ")\n";
    const Tensor expected = testing::ApplySteps(y_cudnn.Download(OutputShape(d)), epilogue,
                                                (*cudnn)->fused_steps(), Tensor());
    EXPECT_TRUE(testing::Close(y_ours.Download(OutputShape(d)), expected, p));
    if (!SpaceToDepthApplies(d, TacticOptions().max_workspace_bytes)) continue;
    // The space-to-depth form on its fastest of 8 cuDNN plans, its input pass included.
    const TacticOptions timed{.max_candidates = 8};
    auto s2d = ChannelPaddedConvolution::SpaceToDepth(**handles, d, filter, epilogue, timed);
    ASSERT_TRUE(s2d.ok()) << s2d.status().ToString();
    testing::DeviceBuffer s2d_workspace(static_cast<int64_t>((*s2d)->workspace_bytes()) + 1,
                                        DataType::kUInt8);
    const float s2d_ms = testing::TimeLaunches(stream, 20, [&] {
      return (*s2d)->Run(**handles, stream, x.data(), y_ours.data(), nullptr, s2d_workspace.data());
    });
    std::cout << "[          ] " << c.name << ": cuDNN space-to-depth " << s2d_ms << " ms (plan "
              << (*s2d)->runner().plan_name() << ", " << (*s2d)->runner().description().ToString()
              << ")\n";
    const Tensor s2d_expected = testing::ApplySteps(y_cudnn.Download(OutputShape(d)), epilogue,
                                                    (*cudnn)->fused_steps(), Tensor());
    Tensor s2d_actual = testing::ApplySteps(y_ours.Download(OutputShape(d)), epilogue,
                                            (*s2d)->runner().fused_steps(), Tensor());
    EXPECT_TRUE(testing::Close(s2d_actual, s2d_expected, p));
    for (int config = 0; config < BiasClampConvConfigs(); ++config) {
      if (!SpaceToDepthConvolutionRunner::Handles(d, config, timed.max_workspace_bytes)) continue;
      auto cutlass = SpaceToDepthConvolutionRunner::Create(d, filter, epilogue, config);
      ASSERT_TRUE(cutlass.ok()) << cutlass.status().ToString();
      ASSERT_EQ((*cutlass)->fused_steps(), static_cast<int>(epilogue.size()));
      testing::DeviceBuffer cutlass_workspace(static_cast<int64_t>((*cutlass)->workspace_bytes()),
                                              DataType::kUInt8);
      const float cutlass_ms = testing::TimeLaunches(stream, 20, [&] {
        return (*cutlass)->Run(stream, x.data(), y_ours.data(), cutlass_workspace.data());
      });
      std::cout << "[          ] " << c.name << ": " << (*cutlass)->name() << " " << cutlass_ms
                << " ms\n";
      EXPECT_TRUE(testing::Close(y_ours.Download(OutputShape(d)), s2d_expected, p));
    }
  }
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

// ---- Validation: no GPU needed ----

TEST(KernelConvolutionRunnerValidateTest, HandlesMultiplierOneOnly) {
  ConvolutionDescription d = Describe(Square("3x3", 1, 8, 8, 16, 3, 1, 1, true), DataType::kHalf);
  EXPECT_TRUE(KernelConvolutionRunner::Handles(d));
  EXPECT_TRUE(
      KernelConvolutionRunner::Validate(d, Tensor(DataType::kFloat, {3, 3, 16, 1}), {}).ok());
  d.output_channels = 32;  // multiplier 2: cuDNN's
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d));
  const Status multiplier =
      KernelConvolutionRunner::Validate(d, Tensor(DataType::kFloat, {3, 3, 16, 2}), {});
  EXPECT_EQ(multiplier.code(), StatusCode::kInvalidArgument) << multiplier.ToString();
  d = Describe(Square("3x3", 1, 8, 8, 16, 3, 1, 1, true), DataType::kFloat);
  d.kind = ConvolutionKind::kConv2D;
  d.groups = 16;
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d));
}

TEST(KernelConvolutionRunnerValidateTest, HandlesDenseConvolutionsOfFewChannels) {
  const ConvCase first_layer = Dense(Square("3x3", 128, 224, 224, 3, 3, 2, 1, true), 32);
  ConvolutionDescription d = Describe(first_layer, DataType::kHalf);
  EXPECT_TRUE(KernelConvolutionRunner::HandlesSmallChannels(d));
  EXPECT_FALSE(KernelConvolutionRunner::HandlesDepthwise(d));
  EXPECT_TRUE(
      KernelConvolutionRunner::Validate(d, Tensor(DataType::kFloat, {3, 3, 3, 32}), {}).ok());
  d = Describe(Dense(Square("3x3", 1, 8, 8, 5, 3, 1, 1, true), 32), DataType::kFloat);
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d)) << "5 input channels: cuDNN's";
  d = Describe(Dense(Square("7x7", 1, 8, 8, 3, 7, 1, 1, true), 512), DataType::kFloat);
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d)) << "a 294 KiB filter: over shared memory";
  d = Describe(first_layer, DataType::kInt32);
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d)) << "int32";
  d = Describe(Dense(Square("3x3", 1, 8, 8, 4, 3, 1, 1, true), 8), DataType::kFloat);
  d.groups = 2;
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d)) << "grouped";
  d = Describe(Dense(Square("3x3", 64, 4096, 4096, 3, 3, 1, 1, true), 16), DataType::kHalf);
  EXPECT_FALSE(KernelConvolutionRunner::Handles(d)) << "offsets beyond 32 bits";
}

TEST(KernelConvolutionRunnerValidateTest, RejectsBadDescriptionsBeforeAnyCudaCall) {
  const ConvolutionDescription good =
      Describe(Square("3x3", 1, 8, 8, 16, 3, 1, 1, true), DataType::kFloat);
  const Tensor filter(DataType::kFloat, {3, 3, 16, 1});
  auto expect_invalid = [](const Status& s, const std::string& what) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << what << ": " << s.ToString();
  };
  ConvolutionDescription d = good;
  d.output_rows = 7;
  expect_invalid(KernelConvolutionRunner::Validate(d, filter, {}), "output size");
  d = good;
  d.dtype = DataType::kInt32;
  expect_invalid(KernelConvolutionRunner::Validate(d, filter, {}), "dtype");
  expect_invalid(
      KernelConvolutionRunner::Validate(good, Tensor(DataType::kFloat, {3, 3, 8, 1}), {}),
      "filter shape");
  expect_invalid(KernelConvolutionRunner::Validate(good, filter,
                                                   {EpilogueStep::BiasAdd(std::vector<float>(15))}),
                 "bias length");
  expect_invalid(KernelConvolutionRunner::Create(
                     good, filter, {EpilogueStep::ResidualAdd(), EpilogueStep::ResidualAdd()})
                     .status(),
                 "two residuals");
  expect_invalid(KernelConvolutionRunner::Create(good, filter, {}, /*column_tile=*/3).status(),
                 "column tile 3");
}

TEST(KernelConvolutionKernelValidateTest, RejectsBadParamsBeforeAnyCudaCall) {
  Conv2DKernelParams good;
  good.batch = 1;
  good.in_height = good.in_width = good.out_height = good.out_width = 4;
  good.channels = good.out_channels = 4;
  good.filter_height = good.filter_width = 3;
  good.pad_top = good.pad_left = 1;
  const KernelEpilogue none;
  // Never dereferenced: every call below fails or returns before launching.
  const void* x = reinterpret_cast<const void*>(uintptr_t{256});
  void* y = reinterpret_cast<void*>(uintptr_t{512});
  // Both kernels take these parameters (4 -> 4 channels).
  auto expect_invalid = [&](const Conv2DKernelParams& p, DType dtype, const KernelEpilogue& e,
                            const std::string& what) {
    const Status depthwise = DepthwiseConv2D(p, x, x, dtype, e, y, nullptr);
    EXPECT_EQ(depthwise.code(), StatusCode::kInvalidArgument)
        << what << ": " << depthwise.ToString();
    const Status dense = SmallChannelConv2D(p, x, x, dtype, e, y, nullptr);
    EXPECT_EQ(dense.code(), StatusCode::kInvalidArgument) << what << ": " << dense.ToString();
  };
  Conv2DKernelParams p = good;
  p.stride_width = 0;
  expect_invalid(p, DType::kFloat32, none, "zero stride");
  p = good;
  p.dilation_height = -1;
  expect_invalid(p, DType::kFloat32, none, "negative dilation");
  p = good;
  p.filter_width = 0;
  expect_invalid(p, DType::kFloat32, none, "empty window");
  p = good;
  p.pad_left = -1;
  expect_invalid(p, DType::kFloat32, none, "negative pad");
  p = good;
  p.channels = -8;
  expect_invalid(p, DType::kFloat32, none, "negative size");
  p = good;
  p.out_channels = -4;
  expect_invalid(p, DType::kFloat32, none, "negative output channels");
  p = good;
  p.column_tile = 3;
  expect_invalid(p, DType::kFloat32, none, "column tile 3");
  expect_invalid(good, DType::kInt32, none, "dtype");
  KernelEpilogue e;
  e.num_steps = kMaxEpilogueSteps + 1;
  expect_invalid(good, DType::kFloat16, e, "too many steps");
  e = KernelEpilogue();
  e.num_steps = 1;
  e.ops[0] = EpilogueOp::kBiasAdd;
  expect_invalid(good, DType::kFloat16, e, "bias without values");
  e.ops[0] = EpilogueOp::kResidualAdd;
  expect_invalid(good, DType::kFloat16, e, "residual without a tensor");
  // Kernel-specific limits.
  p = good;
  p.out_channels = 8;
  const Status multiplier = DepthwiseConv2D(p, x, x, DType::kFloat32, none, y, nullptr);
  EXPECT_EQ(multiplier.code(), StatusCode::kInvalidArgument) << multiplier.ToString();
  p = good;
  p.channels = 5;
  const Status channels = SmallChannelConv2D(p, x, x, DType::kFloat32, none, y, nullptr);
  EXPECT_EQ(channels.code(), StatusCode::kInvalidArgument) << channels.ToString();
  EXPECT_NE(channels.message().find("5 -> 4 channels"), std::string::npos) << channels.ToString();
  // An empty output launches nothing.
  p = good;
  p.batch = 0;
  EXPECT_TRUE(DepthwiseConv2D(p, x, x, DType::kFloat32, none, y, nullptr).ok());
  EXPECT_TRUE(SmallChannelConv2D(p, x, x, DType::kFloat32, none, y, nullptr).ok());
}

}  // namespace
}  // namespace tftrt::cuda
