// Variable-updating training ops (AssignAdd/SubVariableOp, ResourceApply*). They take
// resource handles, which the op conformance harness cannot feed, so the expected values
// here are what TensorFlow 2.20 computed for the same inputs (tf.raw_ops on tf.Variable
// handles, eager CPU). BroadcastGradientArgs is in tests/op_cases/cases_parsing.py.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "runtime/kernel_test_util.h"
#include "runtime/variable.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::RunKernel;
using testing::TensorsMatch;

constexpr double kTolerance = 1e-6;

const std::vector<double> kVar = {1.0, -2.0, 3.5, 0.25};
const std::vector<double> kAccum = {0.5, 0.0, -1.0, 2.0};
const std::vector<double> kGrad = {0.1, -0.4, 2.0, -3.0};

// A tensor of `dtype` (float, double or half) holding `values`.
Tensor Values(DataType dtype, const std::vector<double>& values, Shape shape) {
  Tensor t(dtype, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
      case DataType::kFloat:
        t.flat<float>()[i] = static_cast<float>(values[i]);
        break;
      case DataType::kDouble:
        t.flat<double>()[i] = values[i];
        break;
      case DataType::kHalf:
        t.flat<Half>()[i] = FloatToHalf(static_cast<float>(values[i]));
        break;
      default:
        ADD_FAILURE() << "unexpected dtype";
    }
  }
  return t;
}
Tensor Vector(DataType dtype, const std::vector<double>& values) {
  return Values(dtype, values, {static_cast<int64_t>(values.size())});
}
Tensor Scalar(DataType dtype, double value) { return Values(dtype, {value}, {}); }

struct VariableHandle {
  std::shared_ptr<Variable> variable;
  Tensor handle;
};
VariableHandle MakeVariable(Tensor value) {
  VariableHandle v;
  v.variable = std::make_shared<Variable>("v", std::move(value));
  v.handle = Tensor(DataType::kResource, {});
  v.handle.objects()[0] = v.variable;
  return v;
}

// Half results must match TF bit for bit (each operation rounds to half); wider floats
// within rounding.
::testing::AssertionResult ValuesMatch(const Tensor& actual, const Tensor& expected) {
  if (actual.dtype() != DataType::kHalf) return TensorsMatch(actual, expected, kTolerance);
  if (expected.dtype() != DataType::kHalf || actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << actual.DebugString() << " vs " << expected.DebugString();
  }
  for (int64_t i = 0; i < actual.NumElements(); ++i) {
    if (actual.flat<Half>()[i].bits != expected.flat<Half>()[i].bits) {
      return ::testing::AssertionFailure()
             << "element " << i << ": " << HalfToFloat(actual.flat<Half>()[i]) << " vs "
             << HalfToFloat(expected.flat<Half>()[i]);
    }
  }
  return ::testing::AssertionSuccess();
}

class ApplyTest : public ::testing::TestWithParam<DataType> {};

TEST_P(ApplyTest, GradientDescent) {
  const DataType dtype = GetParam();
  VariableHandle var = MakeVariable(Vector(dtype, kVar));
  Tensor before = var.variable->Read();
  ASSERT_TRUE(RunKernel("ResourceApplyGradientDescent", {{"T", TypeAttr(dtype)}},
                        {var.handle, Scalar(dtype, 0.3), Vector(dtype, kGrad)})
                  .ok());
  const std::vector<double> expected =
      dtype == DataType::kHalf
          ? std::vector<double>{0.97021484375, -1.8798828125, 2.900390625, 1.150390625}
          : std::vector<double>{0.97, -1.88, 2.9, 1.15};
  EXPECT_TRUE(ValuesMatch(var.variable->Read(), Vector(dtype, expected)));
  // A value read before the update keeps its contents, as in TF.
  EXPECT_TRUE(ValuesMatch(before, Vector(dtype, kVar)));
}

struct MomentumCase {
  const char* op;
  bool nesterov;
  std::vector<double> var, accum;            // float32 / float64 results
  std::vector<double> half_var, half_accum;  // float16 results
};

const MomentumCase kMomentumCases[] = {
    {"ResourceApplyMomentum",
     false,
     {0.945, -1.96, 3.39, 0.37},
     {0.55, -0.4, 1.1, -1.2},
     {0.94482421875, -1.9599609375, 3.390625, 0.3701171875},
     {0.5498046875, -0.39990234375, 1.099609375, -1.2001953125}},
    {"ResourceApplyMomentum",
     true,
     {0.9405, -1.924, 3.201, 0.658},
     {0.55, -0.4, 1.1, -1.2},
     {0.9404296875, -1.923828125, 3.201171875, 0.65771484375},
     {0.5498046875, -0.39990234375, 1.099609375, -1.2001953125}},
    {"ResourceApplyKerasMomentum",
     false,
     {1.44, -1.96, 2.4, 2.35},
     {0.44, 0.04, -1.1, 2.1},
     {1.439453125, -1.9599609375, 2.400390625, 2.349609375},
     {0.43994140625, 0.03997802734375, -1.099609375, 2.099609375}},
    {"ResourceApplyKerasMomentum",
     true,
     {1.386, -1.924, 2.31, 2.44},
     {0.44, 0.04, -1.1, 2.1},
     {1.3857421875, -1.923828125, 2.310546875, 2.439453125},
     {0.43994140625, 0.03997802734375, -1.099609375, 2.099609375}},
};

TEST_P(ApplyTest, Momentum) {
  const DataType dtype = GetParam();
  const bool half = dtype == DataType::kHalf;
  for (const MomentumCase& c : kMomentumCases) {
    SCOPED_TRACE(std::string(c.op) + (c.nesterov ? " nesterov" : ""));
    VariableHandle var = MakeVariable(Vector(dtype, kVar));
    VariableHandle accum = MakeVariable(Vector(dtype, kAccum));
    ASSERT_TRUE(RunKernel(c.op, {{"T", TypeAttr(dtype)}, {"use_nesterov", BoolAttr(c.nesterov)}},
                          {var.handle, accum.handle, Scalar(dtype, 0.1), Vector(dtype, kGrad),
                           Scalar(dtype, 0.9)})
                    .ok());
    EXPECT_TRUE(ValuesMatch(var.variable->Read(), Vector(dtype, half ? c.half_var : c.var)));
    EXPECT_TRUE(ValuesMatch(accum.variable->Read(), Vector(dtype, half ? c.half_accum : c.accum)));
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ApplyTest,
                         ::testing::Values(DataType::kFloat, DataType::kDouble, DataType::kHalf),
                         [](const auto& info) { return std::string(DataTypeName(info.param)); });

TEST(ApplyTest, ShapeErrors) {
  const DataType f32 = DataType::kFloat;
  AttrMap attrs = {{"T", TypeAttr(f32)}};
  auto status =
      RunKernel("ResourceApplyGradientDescent", attrs,
                {MakeVariable(Vector(f32, {1, 2})).handle, Vector(f32, {0.1}), Vector(f32, {1, 2})})
          .status();
  EXPECT_NE(status.message().find("alpha must be a scalar"), std::string::npos)
      << status.ToString();
  status = RunKernel(
               "ResourceApplyGradientDescent", attrs,
               {MakeVariable(Vector(f32, {1, 2})).handle, Scalar(f32, 0.1), Vector(f32, {1, 2, 3})})
               .status();
  EXPECT_NE(status.message().find("var and delta must have the same shape"), std::string::npos)
      << status.ToString();
  status =
      RunKernel("ResourceApplyMomentum", attrs,
                {MakeVariable(Vector(f32, {1, 2})).handle, MakeVariable(Vector(f32, {1})).handle,
                 Scalar(f32, 0.1), Vector(f32, {1, 2}), Scalar(f32, 0.9)})
          .status();
  EXPECT_NE(status.message().find("var and accum"), std::string::npos) << status.ToString();
  // The variable's dtype must be the op's.
  status = RunKernel("ResourceApplyGradientDescent", {{"T", TypeAttr(DataType::kDouble)}},
                     {MakeVariable(Vector(f32, {1, 2})).handle, Scalar(DataType::kDouble, 0.1),
                      Vector(DataType::kDouble, {1, 2})})
               .status();
  EXPECT_NE(status.message().find("holds float32"), std::string::npos) << status.ToString();
  // A non-resource input is refused, not dereferenced.
  EXPECT_FALSE(RunKernel("ResourceApplyGradientDescent", attrs,
                         {Scalar(f32, 1), Scalar(f32, 0.1), Scalar(f32, 1)})
                   .ok());
}

TEST(AssignUpdateTest, IntegersWrapAsInTensorFlow) {
  VariableHandle v = MakeVariable(Tensor::FromVector<int32_t>({2147483647, -5}));
  ASSERT_TRUE(RunKernel("AssignAddVariableOp", {{"dtype", TypeAttr(DataType::kInt32)}},
                        {v.handle, Tensor::FromVector<int32_t>({1, 7})})
                  .ok());
  EXPECT_TRUE(TensorsMatch(v.variable->Read(), Tensor::FromVector<int32_t>({-2147483648, 2}), 0));

  VariableHandle step = MakeVariable(Tensor::Scalar<int64_t>(3));
  ASSERT_TRUE(RunKernel("AssignSubVariableOp", {{"dtype", TypeAttr(DataType::kInt64)}},
                        {step.handle, Tensor::Scalar<int64_t>(10)})
                  .ok());
  EXPECT_TRUE(TensorsMatch(step.variable->Read(), Tensor::Scalar<int64_t>(-7), 0));

  VariableHandle f = MakeVariable(Tensor::FromVector<float>({1.5f, 2.25f}));
  ASSERT_TRUE(RunKernel("AssignAddVariableOp", {{"dtype", TypeAttr(DataType::kFloat)}},
                        {f.handle, Tensor::FromVector<float>({0.25f, -4.0f})})
                  .ok());
  EXPECT_TRUE(TensorsMatch(f.variable->Read(), Tensor::FromVector<float>({1.75f, -1.75f}), 0));
}

TEST(AssignUpdateTest, ShapesAndDtypesMustMatch) {
  VariableHandle v = MakeVariable(Tensor::FromVector<float>({1, 2}));
  auto status = RunKernel("AssignAddVariableOp", {{"dtype", TypeAttr(DataType::kFloat)}},
                          {v.handle, Tensor::FromVector<float>({1})})
                    .status();
  EXPECT_NE(status.message().find("shapes must be equal"), std::string::npos) << status.ToString();
  status = RunKernel("AssignSubVariableOp", {{"dtype", TypeAttr(DataType::kInt32)}},
                     {v.handle, Tensor::FromVector<int32_t>({1, 2})})
               .status();
  EXPECT_FALSE(status.ok());
  // Nothing was assigned.
  EXPECT_TRUE(TensorsMatch(v.variable->Read(), Tensor::FromVector<float>({1, 2}), 0));
}

}  // namespace
}  // namespace tftrt
