// ConvolutionRunner against the project's own CPU kernels (Conv2D, DepthwiseConv2dNative,
// Conv2DBackpropInput, and the epilogue ops), in fp32, tf32 and fp16, on random inputs. GPU
// tests skip where there is no CUDA device; the validation tests run everywhere.
#include "backends/cuda/convolution_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
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

// One convolution, described the way TF's attributes describe it.
struct ConvCase {
  std::string name;
  ConvolutionKind kind = ConvolutionKind::kConv2D;
  int64_t batch = 1;
  int64_t rows = 0, cols = 0, channels = 0;  // the forward convolution's input [N, H, W, C]
  int64_t kernel_rows = 0, kernel_cols = 0;
  int64_t out_channels = 0;  // K (kDepthwise: C * multiplier)
  int64_t stride = 1, dilation = 1;
  bool same = true;    // TF padding SAME, else VALID
  int64_t groups = 1;  // kConv2D only
};

ConvCase Conv(std::string name, ConvolutionKind kind, int64_t batch, int64_t rows, int64_t cols,
              int64_t channels, int64_t kernel_rows, int64_t kernel_cols, int64_t out_channels,
              int64_t stride, int64_t dilation, bool same, int64_t groups = 1) {
  return {std::move(name), kind,         batch,  rows,     cols, channels, kernel_rows,
          kernel_cols,     out_channels, stride, dilation, same, groups};
}

// TF's SAME / VALID padding along one dimension: {output, pad_before, pad_after}.
std::array<int64_t, 3> TfPadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                                 bool same) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  if (!same) return {(in - effective) / stride + 1, 0, 0};
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + effective - in, 0);
  return {out, total / 2, total - total / 2};
}

ConvolutionDescription Describe(const ConvCase& c, const Precision& p) {
  const auto rows = TfPadding(c.rows, c.kernel_rows, c.stride, c.dilation, c.same);
  const auto cols = TfPadding(c.cols, c.kernel_cols, c.stride, c.dilation, c.same);
  ConvolutionDescription d;
  d.kind = c.kind;
  d.batch = c.batch;
  const bool transposed = c.kind == ConvolutionKind::kTransposed;
  // The runner's input is the forward output (out_backprop) when transposed.
  d.input_rows = transposed ? rows[0] : c.rows;
  d.input_cols = transposed ? cols[0] : c.cols;
  d.input_channels = transposed ? c.out_channels : c.channels;
  d.output_rows = transposed ? c.rows : rows[0];
  d.output_cols = transposed ? c.cols : cols[0];
  d.output_channels = transposed ? c.channels : c.out_channels;
  d.kernel_rows = c.kernel_rows;
  d.kernel_cols = c.kernel_cols;
  d.pad_top = rows[1];
  d.pad_bottom = rows[2];
  d.pad_left = cols[1];
  d.pad_right = cols[2];
  d.stride_rows = d.stride_cols = c.stride;
  d.dilation_rows = d.dilation_cols = c.dilation;
  d.groups = c.kind == ConvolutionKind::kDepthwise ? c.channels : c.groups;
  d.dtype = p.dtype;
  d.allow_tf32 = p.allow_tf32;
  return d;
}

Shape FilterShape(const ConvCase& c) {
  switch (c.kind) {
    case ConvolutionKind::kConv2D:
      return {c.kernel_rows, c.kernel_cols, c.channels / c.groups, c.out_channels};
    case ConvolutionKind::kDepthwise:
      return {c.kernel_rows, c.kernel_cols, c.channels, c.out_channels / c.channels};
    case ConvolutionKind::kTransposed:  // [R, S, channels of the result, of out_backprop]
      return {c.kernel_rows, c.kernel_cols, c.channels, c.out_channels};
  }
  return {};
}

// The native kernel's result for x and the filter (float32 tensors).
Tensor Reference(const ConvolutionDescription& d, const Tensor& x, const Tensor& filter) {
  AttrMap attrs = {{"T", TypeAttr(DataType::kFloat)},
                   {"strides", IntListAttr({1, d.stride_rows, d.stride_cols, 1})},
                   {"dilations", IntListAttr({1, d.dilation_rows, d.dilation_cols, 1})},
                   {"padding", StringAttr("EXPLICIT")},
                   {"explicit_paddings",
                    IntListAttr({0, 0, d.pad_top, d.pad_bottom, d.pad_left, d.pad_right, 0, 0})},
                   {"data_format", StringAttr("NHWC")}};
  switch (d.kind) {
    case ConvolutionKind::kConv2D:
      return testing::RunOp("Conv2D", attrs, {x, filter});
    case ConvolutionKind::kDepthwise:
      return testing::RunOp("DepthwiseConv2dNative", attrs, {x, filter});
    case ConvolutionKind::kTransposed: {
      const Tensor sizes = Tensor::FromVector<int32_t>(
          {static_cast<int32_t>(d.batch), static_cast<int32_t>(d.output_rows),
           static_cast<int32_t>(d.output_cols), static_cast<int32_t>(d.output_channels)});
      return testing::RunOp("Conv2DBackpropInput", attrs, {sizes, filter, x});
    }
  }
  return Tensor();
}

// Runs `c` with `epilogue` on the GPU and compares with the CPU kernels; the steps the runner
// did not fuse are applied on the host to its output, as the engine would. Returns the name
// of the cuDNN plan the runner chose (with `tactics`).
std::string CheckConvolution(const ConvCase& c, const Precision& p,
                             std::vector<EpilogueStep> epilogue, uint32_t seed,
                             const TacticOptions& tactics = TacticOptions()) {
  SCOPED_TRACE(c.name + " " + p.name + " epilogue " + EpilogueToString(epilogue));
  const ConvolutionDescription d = Describe(c, p);
  const Shape x_shape = {d.batch, d.input_rows, d.input_cols, d.input_channels};
  const Shape y_shape = {d.batch, d.output_rows, d.output_cols, d.output_channels};
  const Tensor x = testing::RandomTensor(x_shape, seed, p.dtype);
  const Tensor filter = testing::RandomTensor(FilterShape(c), seed + 1, p.dtype);
  const Tensor residual = testing::RandomTensor(y_shape, seed + 2, p.dtype);
  // Bias / scale values as the GPU holds them (its I/O dtype).
  for (EpilogueStep& step : epilogue) {
    if (step.values.empty()) continue;
    for (float& v : step.values) {
      if (p.dtype == DataType::kHalf) v = HalfToFloat(FloatToHalf(v));
    }
  }
  const Tensor expected = testing::ApplySteps(Reference(d, x, filter), epilogue, 0, residual);
  EXPECT_TRUE(expected.is_valid());
  if (!expected.is_valid()) return "";

  auto handles = DnnHandles::Create();
  EXPECT_TRUE(handles.ok()) << handles.status().ToString();
  if (!handles.ok()) return "";
  auto runner = ConvolutionRunner::Create(**handles, d, filter, epilogue, tactics);
  EXPECT_TRUE(runner.ok()) << runner.status().ToString();
  if (!runner.ok()) return "";
  const int fused = (*runner)->fused_steps();
  EXPECT_GE(fused, 0);
  EXPECT_LE(fused, static_cast<int>(epilogue.size()));
  std::cout << "[          ] " << c.name << " " << p.name << ": fused " << fused << " of "
            << epilogue.size() << " steps (" << EpilogueToString(epilogue) << "), plan "
            << (*runner)->plan_name() << ", workspace " << (*runner)->workspace_bytes() << "\n";

  testing::DeviceBuffer x_device(x, p.dtype);
  testing::DeviceBuffer residual_device(residual, p.dtype);
  testing::DeviceBuffer y_device(NumElements(y_shape), p.dtype);
  testing::DeviceBuffer workspace(std::max<int64_t>((*runner)->workspace_bytes(), 1),
                                  DataType::kUInt8);
  cudaStream_t stream = nullptr;
  EXPECT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  Status run = (*runner)->Run(**handles, stream, x_device.data(), y_device.data(),
                              residual_device.data(), workspace.data());
  EXPECT_TRUE(run.ok()) << run.ToString();
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);

  const Tensor actual = testing::ApplySteps(y_device.Download(y_shape), epilogue,
                                            static_cast<size_t>(fused), residual);
  EXPECT_TRUE(testing::Close(actual, expected, p));
  return (*runner)->plan_name();
}

std::vector<ConvCase> Cases() {
  using K = ConvolutionKind;
  std::vector<ConvCase> cases;
  auto add = [&](ConvCase c) { cases.push_back(std::move(c)); };
  add(Conv("pointwise_1x1", K::kConv2D, 2, 8, 8, 16, 1, 1, 32, 1, 1, false));
  add(Conv("3x3_same_stride1_odd_channels", K::kConv2D, 1, 9, 9, 7, 3, 3, 8, 1, 1, true));
  add(Conv("3x3_same_stride2_asymmetric", K::kConv2D, 1, 10, 10, 3, 3, 3, 16, 2, 1, true));
  add(Conv("5x5_valid_batch8", K::kConv2D, 8, 12, 12, 3, 5, 5, 7, 1, 1, false));
  add(Conv("3x3_same_dilation2", K::kConv2D, 2, 11, 11, 4, 3, 3, 8, 1, 2, true));
  add(Conv("4x4_same_stride2_even_kernel", K::kConv2D, 1, 9, 9, 8, 4, 4, 8, 2, 1, true));
  add(Conv("grouped_3x3_groups4", K::kConv2D, 2, 8, 8, 8, 3, 3, 12, 1, 1, true, 4));
  add(Conv("depthwise_3x3_multiplier1", K::kDepthwise, 2, 9, 9, 7, 3, 3, 7, 1, 1, true));
  add(Conv("depthwise_3x3_stride2_multiplier2", K::kDepthwise, 1, 10, 10, 6, 3, 3, 12, 2, 1, true));
  add(Conv("transposed_3x3_stride2_same", K::kTransposed, 2, 8, 8, 5, 3, 3, 6, 2, 1, true));
  add(Conv("transposed_2x2_stride2_valid", K::kTransposed, 1, 8, 8, 4, 2, 2, 8, 2, 1, false));
  return cases;
}

class ConvolutionRunnerGpuTest : public ::testing::TestWithParam<std::tuple<ConvCase, Precision>> {
};

TEST_P(ConvolutionRunnerGpuTest, MatchesCpuKernel) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  CheckConvolution(c, p, {}, 1234);
}

TEST_P(ConvolutionRunnerGpuTest, MatchesCpuKernelWithBiasAndRelu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [c, p] = GetParam();
  const int64_t k = Describe(c, p).output_channels;
  CheckConvolution(c, p,
                   {EpilogueStep::BiasAdd(testing::RandomVector(k, 99, p.dtype)),
                    EpilogueStep::Activation(EpilogueOp::kRelu)},
                   4321);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvolutionRunnerGpuTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::ValuesIn(AllPrecisions())),
                         testing::CaseAndPrecisionName());

// Every epilogue combination on a ResNet-like 3x3 convolution, and on a depthwise one.
struct EpilogueCase {
  std::string name;
  std::vector<EpilogueStep> (*steps)(int64_t k);
};

std::vector<EpilogueCase> EpilogueCases() {
  return {
      {"bias",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat))};
       }},
      {"bias_relu",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kRelu)};
       }},
      {"bias_residual_relu",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::ResidualAdd(), EpilogueStep::Activation(EpilogueOp::kRelu)};
       }},
      {"relu6",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kRelu6)};
       }},
      {"sigmoid",
       [](int64_t) {
         return std::vector<EpilogueStep>{EpilogueStep::Activation(EpilogueOp::kSigmoid)};
       }},
      {"scale_bias_relu6",  // a folded batch norm
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::ChannelScale(testing::RandomVector(k, 8, DataType::kFloat, 0.5f, 1.5f)),
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kRelu6)};
       }},
      {"bias_leaky_relu",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::LeakyRelu(0.2f)};
       }},
      {"bias_tanh",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kTanh)};
       }},
      {"bias_elu",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::Elu(1.0f)};
       }},
      {"bias_gelu_exact",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kGeluExact)};
       }},
      {"residual_bias_gelu_tanh",
       [](int64_t k) {
         return std::vector<EpilogueStep>{
             EpilogueStep::ResidualAdd(),
             EpilogueStep::BiasAdd(testing::RandomVector(k, 7, DataType::kFloat)),
             EpilogueStep::Activation(EpilogueOp::kGeluTanh)};
       }},
  };
}

class ConvolutionEpilogueGpuTest
    : public ::testing::TestWithParam<std::tuple<EpilogueCase, Precision>> {};

TEST_P(ConvolutionEpilogueGpuTest, MatchesCpuOps) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto& [e, p] = GetParam();
  const ConvCase resnet =
      Conv("resnet_3x3", ConvolutionKind::kConv2D, 2, 14, 14, 16, 3, 3, 32, 1, 1, true);
  CheckConvolution(resnet, p, e.steps(32), 555);
  const ConvCase mobilenet =
      Conv("depthwise_3x3", ConvolutionKind::kDepthwise, 2, 14, 14, 16, 3, 3, 16, 1, 1, true);
  CheckConvolution(mobilenet, p, e.steps(16), 556);
}

INSTANTIATE_TEST_SUITE_P(Epilogues, ConvolutionEpilogueGpuTest,
                         ::testing::Combine(::testing::ValuesIn(EpilogueCases()),
                                            ::testing::ValuesIn(AllPrecisions())),
                         testing::CaseAndPrecisionName());

// Timed choice: the fastest of several cuDNN plans computes the same convolution, and the
// timing cache then hands the same plan to a later runner without timing again.
TEST(ConvolutionRunnerGpuTest, TimedChoiceIsCorrectAndCached) {
  TFTRT_SKIP_WITHOUT_GPU();
  MemEnv env;
  TimingCache cache("/timing-cache", &env);
  const TacticOptions tactics{.max_candidates = 8, .cache = &cache, .device_key = "test GPU"};
  const ConvCase c =
      Conv("resnet_3x3", ConvolutionKind::kConv2D, 8, 14, 14, 64, 3, 3, 64, 1, 1, true);
  for (const Precision& p : AllPrecisions()) {
    SCOPED_TRACE(p.name);
    auto epilogue = [&] {
      return std::vector<EpilogueStep>{EpilogueStep::BiasAdd(testing::RandomVector(64, 7, p.dtype)),
                                       EpilogueStep::Activation(EpilogueOp::kRelu)};
    };
    const size_t cached_before = cache.size();
    const std::string timed = CheckConvolution(c, p, epilogue(), 11, tactics);
    ASSERT_FALSE(timed.empty());
    ASSERT_EQ(cache.size(), cached_before + 1) << "no timing happened (one candidate only?)";
    EXPECT_EQ(CheckConvolution(c, p, epilogue(), 12, tactics), timed);
    EXPECT_EQ(cache.size(), cached_before + 1);
  }
  EXPECT_TRUE(cache.Save().ok());
}

TEST(ConvolutionRunnerGpuTest, RunWithoutNeededResidualIsInvalid) {
  TFTRT_SKIP_WITHOUT_GPU();
  const Precision p = AllPrecisions()[0];
  const ConvCase c = Conv("pointwise", ConvolutionKind::kConv2D, 1, 4, 4, 8, 1, 1, 8, 1, 1, false);
  const ConvolutionDescription d = Describe(c, p);
  auto handles = DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  auto runner =
      ConvolutionRunner::Create(**handles, d, testing::RandomTensor(FilterShape(c), 1, p.dtype),
                                {EpilogueStep::ResidualAdd()});
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  if ((*runner)->fused_steps() == 0) GTEST_SKIP() << "cuDNN did not fuse the residual here";
  testing::DeviceBuffer x(16 * 8, p.dtype), y(16 * 8, p.dtype);
  Status run = (*runner)->Run(**handles, nullptr, x.data(), y.data(), nullptr, nullptr);
  EXPECT_EQ(run.code(), StatusCode::kInvalidArgument) << run.ToString();
}

// ---- Validation: no GPU needed ----

ConvolutionDescription ValidDescription() {
  ConvCase c = Conv("3x3", ConvolutionKind::kConv2D, 1, 8, 8, 4, 3, 3, 8, 1, 1, true);
  return Describe(c, AllPrecisions()[0]);
}

TEST(ConvolutionRunnerValidateTest, AcceptsAValidDescription) {
  const ConvolutionDescription d = ValidDescription();
  const Status s = ConvolutionRunner::Validate(
      d, Tensor(DataType::kFloat, {3, 3, 4, 8}),
      {EpilogueStep::BiasAdd(std::vector<float>(8)), EpilogueStep::Activation(EpilogueOp::kRelu)});
  EXPECT_TRUE(s.ok()) << s.ToString();
  // Filters may come as fp16 for an fp32 convolution and the other way round.
  EXPECT_TRUE(ConvolutionRunner::Validate(d, Tensor(DataType::kHalf, {3, 3, 4, 8}), {}).ok());
}

TEST(ConvolutionRunnerValidateTest, RejectsBadDescriptionsBeforeAnyCudaCall) {
  const Tensor filter(DataType::kFloat, {3, 3, 4, 8});
  auto expect_invalid = [&](ConvolutionDescription d, const Tensor& f,
                            std::vector<EpilogueStep> epilogue, const std::string& what) {
    const Status s = ConvolutionRunner::Validate(d, f, epilogue);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << what << ": " << s.ToString();
  };
  ConvolutionDescription d = ValidDescription();
  d.output_rows = 7;  // SAME 3x3 stride 1 keeps 8
  expect_invalid(d, filter, {}, "output size");
  d = ValidDescription();
  d.pad_top = -1;
  expect_invalid(d, filter, {}, "negative pad");
  d = ValidDescription();
  d.stride_rows = 0;
  expect_invalid(d, filter, {}, "zero stride");
  d = ValidDescription();
  d.dtype = DataType::kInt32;
  expect_invalid(d, filter, {}, "dtype");
  d = ValidDescription();
  d.groups = 3;  // 4 channels
  expect_invalid(d, filter, {}, "groups");
  expect_invalid(ValidDescription(), Tensor(DataType::kFloat, {3, 3, 8, 4}), {}, "filter shape");
  expect_invalid(ValidDescription(), Tensor(DataType::kInt32, {3, 3, 4, 8}), {}, "filter dtype");
  expect_invalid(ValidDescription(), filter, {EpilogueStep::BiasAdd(std::vector<float>(7))},
                 "bias length");
  expect_invalid(ValidDescription(), filter,
                 {EpilogueStep::ResidualAdd(), EpilogueStep::ResidualAdd()}, "two residuals");
  expect_invalid(ValidDescription(), filter, std::vector<EpilogueStep>(kMaxEpilogueSteps + 1),
                 "too many steps");
  d = ValidDescription();
  d.kind = ConvolutionKind::kDepthwise;  // groups must be C
  expect_invalid(d, Tensor(DataType::kFloat, {3, 3, 4, 2}), {}, "depthwise groups");
  d = ValidDescription();
  d.kind = ConvolutionKind::kTransposed;  // 8x8 -> 8x8 with SAME 3x3 maps fine, but groups 2
  d.groups = 2;
  expect_invalid(d, Tensor(DataType::kFloat, {3, 3, 8, 4}), {}, "transposed groups");
}

TEST(ConvolutionRunnerValidateTest, TransposedWindowMapsTheOutputOntoTheInput) {
  // Conv2DBackpropInput: out_backprop 4x4 from a result of 8x8 by a 3x3 stride-2 SAME window.
  ConvolutionDescription d;
  d.kind = ConvolutionKind::kTransposed;
  d.batch = 1;
  d.input_rows = d.input_cols = 4;
  d.input_channels = 6;
  d.output_rows = d.output_cols = 8;
  d.output_channels = 5;
  d.kernel_rows = d.kernel_cols = 3;
  d.stride_rows = d.stride_cols = 2;
  d.pad_bottom = d.pad_right = 1;
  const Tensor filter(DataType::kFloat, {3, 3, 5, 6});
  EXPECT_TRUE(ConvolutionRunner::Validate(d, filter, {}).ok());
  d.input_rows = 5;
  EXPECT_EQ(ConvolutionRunner::Validate(d, filter, {}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tftrt::cuda
