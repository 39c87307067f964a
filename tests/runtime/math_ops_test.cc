// Unit tests of the broadcasting helper and of what the TF-written conformance cases
// (tests/op_cases/cases_math.py, cases_reduction.py) cannot express: errors TF raises while
// building a graph (static shapes that do not broadcast, dtypes an op does not take), and
// bfloat16, which .npy files cannot carry.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/cpu/broadcast.h"
#include "runtime/kernel_test_util.h"

namespace tftrt {
namespace {

using testing::MovedInputs;
using testing::RunKernel;

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.flat<T>(), t.flat<T>() + t.NumElements());
}

AttrMap Attrs(std::initializer_list<std::pair<const std::string, tensorflow::AttrValue>> list) {
  return AttrMap(list);
}

// ---- BroadcastShapes / BroadcastPlan ----

TEST(BroadcastTest, ShapesFollowTensorFlow) {
  EXPECT_EQ(*BroadcastShapes({2, 3}, {3}), (Shape{2, 3}));
  EXPECT_EQ(*BroadcastShapes({4, 1, 3}, {5, 1}), (Shape{4, 5, 3}));
  EXPECT_EQ(*BroadcastShapes({}, {2}), (Shape{2}));
  EXPECT_EQ(*BroadcastShapes({0, 3}, {1, 3}), (Shape{0, 3}));
  EXPECT_EQ(*BroadcastShapes({1}, {0}), (Shape{0}));
  StatusOr<Shape> bad = BroadcastShapes({2, 3}, {4, 1, 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "Incompatible shapes: [2,3] vs. [4,1,2]");
  EXPECT_FALSE(BroadcastShapes({0}, {2}).ok());
}

TEST(BroadcastTest, GradientArgsMatchBCast) {
  // Expected values are TF's BroadcastGradientArgs.
  auto axes = BroadcastGradientArgs({2, 1, 3}, {1, 1, 3});
  ASSERT_TRUE(axes.ok());
  EXPECT_EQ(axes->a_axes, (std::vector<int64_t>{1}));
  EXPECT_EQ(axes->b_axes, (std::vector<int64_t>{0, 1}));
  axes = BroadcastGradientArgs({}, {1, 1});
  EXPECT_EQ(axes->a_axes, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(axes->b_axes, (std::vector<int64_t>{0, 1}));
  axes = BroadcastGradientArgs({1, 0}, {3, 1});
  EXPECT_EQ(axes->a_axes, (std::vector<int64_t>{0}));
  EXPECT_EQ(axes->b_axes, (std::vector<int64_t>{1}));
  // Equal shapes reduce nothing, not even along their 1s.
  axes = BroadcastGradientArgs({1}, {1});
  EXPECT_TRUE(axes->a_axes.empty());
  EXPECT_TRUE(axes->b_axes.empty());
}

// The runs a plan visits, as (out_offset, offset0, step0, offset1, step1, length).
std::vector<std::array<int64_t, 6>> Runs(const BroadcastPlan& plan) {
  std::vector<std::array<int64_t, 6>> runs;
  plan.ForEachRun([&](int64_t out, const auto& offsets, const auto& steps, int64_t n) {
    runs.push_back({out, offsets[0], steps[0], offsets[1], steps[1], n});
  });
  return runs;
}

TEST(BroadcastTest, PlanMergesDimensionsIntoLongRuns) {
  // Same shapes: one run over everything.
  auto plan = BroadcastPlan::Make({2, 3, 4}, {2, 3, 4});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Runs(*plan), (std::vector<std::array<int64_t, 6>>{{0, 0, 1, 0, 1, 24}}));
  // Scalar: one run, the scalar's step 0.
  plan = BroadcastPlan::Make({2, 3, 4}, {});
  EXPECT_EQ(Runs(*plan), (std::vector<std::array<int64_t, 6>>{{0, 0, 1, 0, 0, 24}}));
  // Channels: runs of C over the merged N*H*W.
  plan = BroadcastPlan::Make({2, 2, 2, 3}, {3});
  ASSERT_EQ(Runs(*plan).size(), 8u);
  EXPECT_EQ(Runs(*plan)[5], (std::array<int64_t, 6>{15, 15, 1, 0, 1, 3}));
  // Outer product: a's element repeats along each run.
  plan = BroadcastPlan::Make({3, 1}, {1, 4});
  EXPECT_EQ(Runs(*plan)[2], (std::array<int64_t, 6>{8, 2, 0, 0, 1, 4}));
  // Empty output: no runs.
  plan = BroadcastPlan::Make({0, 3}, {3});
  EXPECT_TRUE(Runs(*plan).empty());
}

TEST(BroadcastTest, PlanWithThreeOperands) {
  const Shape shapes[] = {{2, 1}, {1, 3}, {}};
  auto plan = BroadcastPlan::Make(shapes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->output_shape(), (Shape{2, 3}));
  std::vector<int64_t> a_offsets, b_offsets;
  plan->ForEachRun([&](int64_t, const auto& offsets, const auto& steps, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      a_offsets.push_back(offsets[0] + i * steps[0]);
      b_offsets.push_back(offsets[1] + i * steps[1]);
      EXPECT_EQ(offsets[2] + i * steps[2], 0);
    }
  });
  EXPECT_EQ(a_offsets, (std::vector<int64_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(b_offsets, (std::vector<int64_t>{0, 1, 2, 0, 1, 2}));
}

// ---- Errors TF raises at graph construction ----

TEST(BinaryOpsTest, IncompatibleShapesAreAnError) {
  auto result = RunKernel(
      "AddV2", {}, MovedInputs(Tensor(DataType::kFloat, {2, 3}), Tensor(DataType::kFloat, {4})));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "AddV2: Incompatible shapes: [2,3] vs. [4]");
}

TEST(BinaryOpsTest, DtypesMustMatchAndBeSupported) {
  EXPECT_FALSE(RunKernel("Mul", {},
                         MovedInputs(Tensor(DataType::kFloat, {2}), Tensor(DataType::kInt32, {2})))
                   .ok());
  auto result = RunKernel(
      "AddV2", {},
      MovedInputs(Tensor::FromVector<std::string>({"a"}), Tensor::FromVector<std::string>({"b"})));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnimplemented);
  EXPECT_FALSE(RunKernel("LogicalAnd", {},
                         MovedInputs(Tensor(DataType::kFloat, {2}), Tensor(DataType::kFloat, {2})))
                   .ok());
  EXPECT_FALSE(RunKernel("Exp", {}, MovedInputs(Tensor(DataType::kInt32, {2}))).ok());
  EXPECT_FALSE(RunKernel("AddV2", {}, MovedInputs(Tensor(DataType::kFloat, {2}))).ok());
}

TEST(BinaryOpsTest, BiasAddChecksShapes) {
  auto run = [](Shape value, Shape bias, const char* format) {
    return RunKernel("BiasAdd", Attrs({{"data_format", StringAttr(format)}}),
                     MovedInputs(Tensor(DataType::kFloat, value), Tensor(DataType::kFloat, bias)));
  };
  EXPECT_EQ(run({2, 2}, {3}, "NHWC").status().message(),
            "BiasAdd: Must provide as many biases as the last dimension of the input tensor: "
            "[3] vs. [2,2]");
  EXPECT_FALSE(run({2, 2, 3}, {3}, "NCHW").ok());
  EXPECT_FALSE(run({2}, {2}, "NHWC").ok());
  EXPECT_FALSE(run({2, 2}, {1, 2}, "NHWC").ok());
  EXPECT_FALSE(run({2, 2}, {2}, "HWCN").ok());
  EXPECT_TRUE(run({2, 3}, {3}, "NCHW").ok());  // rank 2 NCHW: channels are dimension 1
}

TEST(BinaryOpsTest, AddNNeedsEqualShapes) {
  auto result = RunKernel(
      "AddN", {}, MovedInputs(Tensor(DataType::kFloat, {2}), Tensor(DataType::kFloat, {3})));
  EXPECT_FALSE(result.ok());
}

TEST(CastOpsTest, SelectAndClipCheckShapes) {
  auto select = [](Shape cond, Shape t, Shape e) {
    return RunKernel("Select", {},
                     MovedInputs(Tensor(DataType::kBool, cond), Tensor(DataType::kFloat, t),
                                 Tensor(DataType::kFloat, e)));
  };
  EXPECT_FALSE(select({3}, {2, 2}, {2, 2}).ok());
  EXPECT_FALSE(select({2}, {2, 2}, {1, 2}).ok());
  EXPECT_FALSE(select({1, 2}, {2, 2}, {2, 2}).ok());  // v1 does not broadcast
  EXPECT_TRUE(select({2}, {2, 2}, {2, 2}).ok());
  auto select_v2 =
      RunKernel("SelectV2", {},
                MovedInputs(Tensor(DataType::kBool, {3}), Tensor(DataType::kFloat, {2, 2}),
                            Tensor(DataType::kFloat, {})));
  ASSERT_FALSE(select_v2.ok());
  EXPECT_EQ(select_v2.status().message(),
            "SelectV2: condition [3], then [2,2], and else [] must be broadcastable");
  EXPECT_FALSE(RunKernel("ClipByValue", {},
                         MovedInputs(Tensor(DataType::kFloat, {2, 2}),
                                     Tensor(DataType::kFloat, {2}), Tensor(DataType::kFloat, {})))
                   .ok());
}

TEST(CastOpsTest, StringsDoNotCastToNumbers) {
  auto result = RunKernel("Cast", Attrs({{"DstT", TypeAttr(DataType::kInt32)}}),
                          MovedInputs(Tensor::FromVector<std::string>({"1"})));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "Cast string to int32 is not supported");
}

// ---- bfloat16 ----

Tensor BFloat16Vector(const std::vector<float>& values) {
  Tensor t(DataType::kBFloat16, {static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) t.flat<BFloat16>()[i] = FloatToBFloat16(values[i]);
  return t;
}

std::vector<float> BFloat16Values(const Tensor& t) {
  std::vector<float> values;
  for (int64_t i = 0; i < t.NumElements(); ++i)
    values.push_back(BFloat16ToFloat(t.flat<BFloat16>()[i]));
  return values;
}

TEST(Float16Test, BFloat16ComputesThroughFloatAndRounds) {
  auto sum = RunKernel(
      "AddV2", {}, MovedInputs(BFloat16Vector({1.0f, 256.0f}), BFloat16Vector({0.0078125f, 1.0f})));
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  ASSERT_EQ((*sum)[0].dtype(), DataType::kBFloat16);
  // 1 + 2^-7 is exact in bfloat16; 257 rounds to even (256).
  EXPECT_EQ(BFloat16Values((*sum)[0]), (std::vector<float>{1.0078125f, 256.0f}));

  auto relu = RunKernel("Relu", {}, MovedInputs(BFloat16Vector({-1.5f, 2.5f})));
  ASSERT_TRUE(relu.ok());
  EXPECT_EQ(BFloat16Values((*relu)[0]), (std::vector<float>{0.0f, 2.5f}));

  auto less = RunKernel("Less", {}, MovedInputs(BFloat16Vector({1, 2}), BFloat16Vector({2, 2})));
  ASSERT_TRUE(less.ok());
  EXPECT_EQ(Values<bool>((*less)[0]), (std::vector<bool>{true, false}));
}

TEST(Float16Test, BFloat16Reductions) {
  auto mean = RunKernel(
      "Mean", {}, MovedInputs(BFloat16Vector({1, 2, 2, 2}), Tensor::FromVector<int32_t>({0})));
  ASSERT_TRUE(mean.ok());
  EXPECT_EQ(BFloat16Values((*mean)[0]), (std::vector<float>{1.75f}));
  auto arg_max = RunKernel("ArgMax", Attrs({{"output_type", TypeAttr(DataType::kInt64)}}),
                           MovedInputs(BFloat16Vector({1, NAN, 3, 3}), Tensor::Scalar<int32_t>(0)));
  ASSERT_TRUE(arg_max.ok());
  EXPECT_EQ(Values<int64_t>((*arg_max)[0]), (std::vector<int64_t>{2}));
}

TEST(Float16Test, CastToBFloat16RoundsOrTruncates) {
  const float value = 1.0f + 0x1p-8f + 0x1p-10f;
  auto rounded = RunKernel("Cast", Attrs({{"DstT", TypeAttr(DataType::kBFloat16)}}),
                           MovedInputs(Tensor::FromVector<float>({value, NAN})));
  ASSERT_TRUE(rounded.ok());
  EXPECT_EQ(BFloat16Values((*rounded)[0])[0], 1.0078125f);
  EXPECT_TRUE(std::isnan(BFloat16Values((*rounded)[0])[1]));
  auto truncated = RunKernel(
      "Cast", Attrs({{"DstT", TypeAttr(DataType::kBFloat16)}, {"Truncate", BoolAttr(true)}}),
      MovedInputs(Tensor::FromVector<float>({value, -value})));
  ASSERT_TRUE(truncated.ok());
  EXPECT_EQ(BFloat16Values((*truncated)[0]), (std::vector<float>{1.0f, -1.0f}));
  auto back = RunKernel("Cast", Attrs({{"DstT", TypeAttr(DataType::kInt32)}}),
                        MovedInputs(BFloat16Vector({300.0f, -1.5f})));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Values<int32_t>((*back)[0]), (std::vector<int32_t>{300, -1}));
}

}  // namespace
}  // namespace tftrt
