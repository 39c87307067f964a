// Unit tests of the nn op family that the op conformance cases cannot express.
//
// FusedBatchNorm in inference mode: TensorFlow leaves outputs 3 and 4 (reserve spaces)
// uninitialized there, so cases generated with TF hold garbage in them; here y and the
// statistics outputs are compared with values TensorFlow 2.20 printed for the same inputs.
// Also the kernels' errors for malformed attributes and inputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "graph/attrs.h"
#include "runtime/kernel_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::RunKernel;
using testing::TensorsMatch;

// x = arange(24).reshape(2, 2, 2, 3) * 0.37 - 4.1 (NHWC), 3 channels.
Tensor BatchNormInput() {
  std::vector<float> x(24);
  for (int i = 0; i < 24; ++i) x[i] = static_cast<float>(i) * 0.37f - 4.1f;
  return Tensor::FromVector(x, {2, 2, 2, 3});
}

std::vector<Tensor> BatchNormParams() {
  return {Tensor::FromVector<float>({0.5f, 1.5f, 2.0f}),    // scale
          Tensor::FromVector<float>({0.1f, -0.2f, 0.3f}),   // offset
          Tensor::FromVector<float>({-1.0f, 0.5f, 2.0f}),   // mean
          Tensor::FromVector<float>({0.25f, 1.0f, 4.0f})};  // variance
}

// What tf.raw_ops.FusedBatchNormV3(epsilon=0.001, is_training=False) returned for y.
const std::vector<float> kExpectedNhwc = {
    -2.9938188f,  -6.54183f,   -5.05933f,    -1.8860317f, -4.8776617f, -3.9494689f,
    -0.77824515f, -3.2134936f, -2.8396077f,  0.32954141f, -1.5493255f, -1.7297461f,
    1.4373282f,   0.1148427f,  -0.61988467f, 2.545115f,   1.779011f,   0.48997635f,
    3.6529014f,   3.4431796f,  1.5998378f,   4.7606883f,  5.107348f,   2.7096992f};

AttrMap BatchNormAttrs(const std::string& data_format) {
  return {{"T", TypeAttr(DataType::kFloat)},        {"U", TypeAttr(DataType::kFloat)},
          {"epsilon", FloatAttr(0.001f)},           {"exponential_avg_factor", FloatAttr(1.0f)},
          {"data_format", StringAttr(data_format)}, {"is_training", BoolAttr(false)}};
}

TEST(FusedBatchNormTest, InferenceNhwcMatchesTensorFlow) {
  std::vector<Tensor> inputs = {BatchNormInput()};
  for (const Tensor& t : BatchNormParams()) inputs.push_back(t);
  auto outputs = RunKernel("FusedBatchNormV3", BatchNormAttrs("NHWC"), inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 6u);
  EXPECT_TRUE(TensorsMatch((*outputs)[0], Tensor::FromVector(kExpectedNhwc, {2, 2, 2, 3}), 1e-6));
  EXPECT_TRUE(TensorsMatch((*outputs)[1], inputs[3], 0));  // mean passed through
  EXPECT_TRUE(TensorsMatch((*outputs)[2], inputs[4], 0));  // variance passed through
  EXPECT_EQ((*outputs)[5].shape(), Shape{});
}

TEST(FusedBatchNormTest, InferenceNchwMatchesTensorFlow) {
  // The same values laid out channels-first.
  const Tensor nhwc = BatchNormInput();
  std::vector<float> x(24), expected(24);
  for (int n = 0; n < 2; ++n) {
    for (int p = 0; p < 4; ++p) {
      for (int c = 0; c < 3; ++c) {
        x[(n * 3 + c) * 4 + p] = nhwc.flat<float>()[(n * 4 + p) * 3 + c];
        expected[(n * 3 + c) * 4 + p] = kExpectedNhwc[(n * 4 + p) * 3 + c];
      }
    }
  }
  std::vector<Tensor> inputs = {Tensor::FromVector(x, {2, 3, 2, 2})};
  for (const Tensor& t : BatchNormParams()) inputs.push_back(t);
  auto outputs = RunKernel("FusedBatchNorm", BatchNormAttrs("NCHW"), inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 5u);  // V1 has no reserve_space_3
  EXPECT_TRUE(TensorsMatch((*outputs)[0], Tensor::FromVector(expected, {2, 3, 2, 2}), 1e-6));
}

TEST(FusedBatchNormTest, InferenceHalfMatchesTensorFlowBitForBit) {
  const Tensor x32 = BatchNormInput();
  Tensor x(DataType::kHalf, x32.shape());
  for (int i = 0; i < 24; ++i) x.flat<Half>()[i] = FloatToHalf(x32.flat<float>()[i]);
  const std::vector<uint16_t> expected_bits = {0xc1fe, 0xc68b, 0xc50f, 0xbf8c, 0xc4e0, 0xc3e6,
                                               0xba3a, 0xc26d, 0xc1ae, 0x3546, 0xbe32, 0xbeeb,
                                               0x3dc0, 0x2f59, 0xb8f5, 0x4117, 0x3f1e, 0x37d5,
                                               0x434f, 0x42e3, 0x3e67, 0x44c3, 0x451b, 0x416b};
  std::vector<Tensor> inputs = {x};
  for (const Tensor& t : BatchNormParams()) inputs.push_back(t);
  AttrMap attrs = BatchNormAttrs("NHWC");
  attrs["T"] = TypeAttr(DataType::kHalf);
  auto outputs = RunKernel("FusedBatchNormV3", attrs, inputs);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  for (int i = 0; i < 24; ++i) {
    EXPECT_EQ((*outputs)[0].flat<Half>()[i].bits, expected_bits[i]) << "element " << i;
  }
}

TEST(FusedBatchNormTest, RejectsWrongStatisticsSize) {
  std::vector<Tensor> inputs = {BatchNormInput()};
  for (const Tensor& t : BatchNormParams()) inputs.push_back(t);
  inputs[3] = Tensor::FromVector<float>({1.0f, 2.0f});
  auto outputs = RunKernel("FusedBatchNormV3", BatchNormAttrs("NHWC"), inputs);
  EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
}

AttrMap ConvAttrs(const std::string& padding) {
  return {{"T", TypeAttr(DataType::kFloat)},
          {"strides", IntListAttr({1, 1, 1, 1})},
          {"padding", StringAttr(padding)},
          {"data_format", StringAttr("NHWC")},
          {"dilations", IntListAttr({1, 1, 1, 1})}};
}

TEST(Conv2DTest, RejectsMismatchedDepthAndBadPadding) {
  const Tensor input(DataType::kFloat, {1, 4, 4, 3});
  auto depth =
      RunKernel("Conv2D", ConvAttrs("SAME"), {input, Tensor(DataType::kFloat, {2, 2, 2, 4})});
  EXPECT_EQ(depth.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(depth.status().message().find("not a multiple"), std::string::npos)
      << depth.status().message();

  auto padding =
      RunKernel("Conv2D", ConvAttrs("FULL"), {input, Tensor(DataType::kFloat, {2, 2, 3, 4})});
  EXPECT_EQ(padding.status().code(), StatusCode::kInvalidArgument);

  // EXPLICIT without explicit_paddings.
  auto explicit_pads =
      RunKernel("Conv2D", ConvAttrs("EXPLICIT"), {input, Tensor(DataType::kFloat, {2, 2, 3, 4})});
  EXPECT_EQ(explicit_pads.status().code(), StatusCode::kInvalidArgument);

  // TF's runtime arithmetic: VALID output (4 - 5 + 1) / 1 = 0 is fine, (4 - 7 + 1) is not.
  auto empty =
      RunKernel("Conv2D", ConvAttrs("VALID"), {input, Tensor(DataType::kFloat, {5, 5, 3, 4})});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ((*empty)[0].shape(), (Shape{1, 0, 0, 4}));
  auto too_big =
      RunKernel("Conv2D", ConvAttrs("VALID"), {input, Tensor(DataType::kFloat, {7, 7, 3, 4})});
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);

  AttrMap nchw = ConvAttrs("SAME");
  nchw["data_format"] = StringAttr("NCHW");
  auto layout = RunKernel("Conv2D", nchw, {input, Tensor(DataType::kFloat, {2, 2, 3, 4})});
  EXPECT_EQ(layout.status().code(), StatusCode::kUnimplemented);
}

TEST(Conv2DTest, RejectsEmptyInputDepthWithoutDividingByZero) {
  auto out =
      RunKernel("Conv2D", ConvAttrs("SAME"),
                {Tensor(DataType::kFloat, {1, 4, 4, 0}), Tensor(DataType::kFloat, {2, 2, 3, 4})});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
}

TEST(Conv2DBackpropInputTest, RejectsOverflowingInputSizes) {
  AttrMap attrs = ConvAttrs("VALID");
  attrs["strides"] = IntListAttr({1, 1 << 30, 1 << 30, 1});
  const int32_t huge = std::numeric_limits<int32_t>::max();
  auto out =
      RunKernel("Conv2DBackpropInput", attrs,
                {Tensor::FromVector<int32_t>({huge, huge, huge, 2}),
                 Tensor(DataType::kFloat, {1, 1, 2, 3}), Tensor(DataType::kFloat, {1, 2, 2, 3})});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
}

TEST(Conv2DTest, PointwiseMatchesExplicitSum) {
  // A 1x1 convolution is a matrix product over channels (the single-GEMM path).
  Tensor input = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {1, 1, 2, 3});
  Tensor filter = Tensor::FromVector<float>({1, 0, 0, 1, 1, 1}, {1, 1, 3, 2});
  auto out = RunKernel("Conv2D", ConvAttrs("VALID"), {input, filter});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(TensorsMatch((*out)[0], Tensor::FromVector<float>({4, 5, 10, 11}, {1, 1, 2, 2}), 0));
}

TEST(EinsumTest, RepeatedLabelIsUnimplemented) {
  AttrMap attrs = {
      {"equation", StringAttr("ii->i")}, {"N", IntAttr(1)}, {"T", TypeAttr(DataType::kFloat)}};
  auto out = RunKernel("Einsum", attrs, {Tensor(DataType::kFloat, {3, 3})});
  EXPECT_EQ(out.status().code(), StatusCode::kUnimplemented);
}

TEST(EinsumTest, RejectsMalformedEquations) {
  const Tensor a(DataType::kFloat, {2, 3});
  const Tensor b(DataType::kFloat, {3, 4});
  for (const char* equation : {"ij,jk", "ij,jk->ik->i", "ij,jk->iz", "ij,jk->ii", "i$,jk->ik",
                               "ijk,jk->ik", "ij,kk->ik"}) {
    AttrMap attrs = {
        {"equation", StringAttr(equation)}, {"N", IntAttr(2)}, {"T", TypeAttr(DataType::kFloat)}};
    auto out = RunKernel("Einsum", attrs, {a, b});
    EXPECT_FALSE(out.ok()) << equation;
  }
  // Named labels do not broadcast: j is 3 in a and 1 in c.
  AttrMap attrs = {
      {"equation", StringAttr("ij,jk->ik")}, {"N", IntAttr(2)}, {"T", TypeAttr(DataType::kFloat)}};
  auto out = RunKernel("Einsum", attrs, {a, Tensor(DataType::kFloat, {1, 4})});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
}

TEST(MatMulTest, RejectsIncompatibleShapes) {
  AttrMap attrs = {{"T", TypeAttr(DataType::kFloat)}};
  auto out = RunKernel("MatMul", attrs,
                       {Tensor(DataType::kFloat, {2, 3}), Tensor(DataType::kFloat, {4, 5})});
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  auto batch =
      RunKernel("BatchMatMulV2", attrs,
                {Tensor(DataType::kFloat, {2, 2, 3}), Tensor(DataType::kFloat, {3, 3, 4})});
  EXPECT_EQ(batch.status().code(), StatusCode::kInvalidArgument);
}

TEST(SoftmaxTest, RejectsScalarsAndIntegers) {
  AttrMap attrs = {{"T", TypeAttr(DataType::kFloat)}};
  EXPECT_FALSE(RunKernel("Softmax", attrs, {Tensor::Scalar<float>(1)}).ok());
  EXPECT_FALSE(RunKernel("LogSoftmax", attrs, {Tensor(DataType::kInt32, {2, 2})}).ok());
}

}  // namespace
}  // namespace tftrt
