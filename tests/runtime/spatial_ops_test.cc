// Unit tests of the spatial / sequence / logging ops (space_depth_ops.cc, roll_ops.cc,
// scatter_ops.cc, segment_ops.cc, volume_ops.cc, logging_ops.cc) for what the op
// conformance cases cannot express: inputs that TF's shape functions already reject when a
// graph is built (the kernels must reject them too, not crash), TF's exact CheckNumerics
// message, and what PrintV2 writes.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "runtime/kernel_test_util.h"

namespace tftrt {
namespace {

using testing::RunKernel;

Tensor Floats(Shape shape) {
  Tensor t(DataType::kFloat, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i) t.flat<float>()[i] = static_cast<float>(i);
  return t;
}

void ExpectInvalid(const StatusOr<std::vector<Tensor>>& result, const std::string& fragment) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  EXPECT_NE(result.status().message().find(fragment), std::string::npos)
      << result.status().ToString();
}

TEST(SpaceDepthOpsTest, RejectsWhatTfShapeFunctionsReject) {
  const AttrMap block2 = {{"block_size", IntAttr(2)}};
  ExpectInvalid(RunKernel("SpaceToDepth", block2, {Floats({1, 5, 4, 2})}),
                "should be divisible by block_size");
  ExpectInvalid(RunKernel("DepthToSpace", block2, {Floats({1, 2, 2, 6})}),
                "should be divisible by: 4");
  ExpectInvalid(RunKernel("SpaceToDepth", block2, {Floats({4, 4, 2})}), "Input rank");
  ExpectInvalid(RunKernel("SpaceToDepth", {{"block_size", IntAttr(1)}}, {Floats({1, 4, 4, 2})}),
                "at least minimum 2");
}

TEST(SpaceDepthOpsTest, SpaceToBatchRoundTrips) {
  const Tensor input = Floats({2, 5, 6, 3});
  const Tensor block = Tensor::FromVector<int32_t>({2, 3});
  const Tensor pads = Tensor::FromVector<int32_t>({1, 0, 0, 0}, {2, 2});
  auto batched = RunKernel("SpaceToBatchND", {}, {input, block, pads});
  ASSERT_TRUE(batched.ok()) << batched.status().ToString();
  EXPECT_EQ((*batched)[0].shape(), (Shape{12, 3, 2, 3}));
  auto restored = RunKernel("BatchToSpaceND", {}, {(*batched)[0], block, pads});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  ASSERT_EQ((*restored)[0].shape(), input.shape());
  for (int64_t i = 0; i < input.NumElements(); ++i) {
    EXPECT_EQ((*restored)[0].flat<float>()[i], input.flat<float>()[i]) << i;
  }
}

TEST(RollOpsTest, RejectsShiftAndAxisOfDifferentSizes) {
  ExpectInvalid(RunKernel("Roll", {},
                          {Floats({2, 3}), Tensor::FromVector<int32_t>({1, 1}),
                           Tensor::FromVector<int32_t>({0})}),
                "same size");
}

TEST(ScatterOpsTest, RejectsUpdatesOfTheWrongShape) {
  ExpectInvalid(
      RunKernel("TensorScatterAdd", {},
                {Floats({4, 3}), Tensor::FromVector<int32_t>({0, 1}, {2, 1}), Floats({2, 4})}),
      "must match dimensions");
  ExpectInvalid(RunKernel("ScatterNd", {},
                          {Tensor::FromVector<int32_t>({0, 1, 2}, {1, 3}), Floats({1}),
                           Tensor::FromVector<int32_t>({4, 4})}),
                "Index innermost dimension");
}

TEST(SegmentOpsTest, RejectsIdsThatAreNotAPrefixOfData) {
  ExpectInvalid(
      RunKernel("UnsortedSegmentSum", {},
                {Floats({3, 2}), Tensor::FromVector<int32_t>({0, 1}), Tensor::Scalar<int32_t>(3)}),
      "does not start with");
}

TEST(VolumeOpsTest, RejectsMismatchedDepthAndRanks) {
  const AttrMap attrs = {{"strides", IntListAttr({1, 1, 1, 1, 1})},
                         {"padding", StringAttr("VALID")}};
  ExpectInvalid(RunKernel("Conv3D", attrs, {Floats({1, 4, 4, 4, 4}), Floats({2, 2, 2, 2, 3})}),
                "same depth");
  // A window larger than the input: TF's shape function rejects it; its kernel (whose
  // output size (in - window + stride) / stride is 0, not negative) gives an empty output.
  auto too_large = RunKernel("Conv3D", attrs, {Floats({1, 2, 4, 4, 2}), Floats({3, 2, 2, 2, 3})});
  ASSERT_TRUE(too_large.ok()) << too_large.status().ToString();
  EXPECT_EQ((*too_large)[0].shape(), (Shape{1, 0, 3, 3, 3}));
  AttrMap pool = {{"ksize", IntListAttr({1, 2, 2, 2, 1})},
                  {"strides", IntListAttr({1, 1, 1, 1, 1})},
                  {"padding", StringAttr("VALID")}};
  ExpectInvalid(RunKernel("MaxPool3D", pool, {Floats({4, 4, 4, 2})}), "5-dimensional");
  // TF's default CPU kernel takes NDHWC only (its oneDNN rewrite also takes NCDHW).
  pool["data_format"] = StringAttr("NCDHW");
  auto ncdhw = RunKernel("MaxPool3D", pool, {Floats({1, 2, 4, 4, 4})});
  ASSERT_FALSE(ncdhw.ok());
  EXPECT_EQ(ncdhw.status().code(), StatusCode::kUnimplemented);
}

TEST(LoggingOpsTest, CheckNumericsMessageIsTensorFlows) {
  Tensor bad = Tensor::FromVector<float>({1.0f, INFINITY, -INFINITY, NAN});
  auto v1 = RunKernel("CheckNumerics", {{"message", StringAttr("where")}}, {bad});
  ASSERT_FALSE(v1.ok());
  EXPECT_EQ(v1.status().message(), "where : Tensor had Inf and NaN values");
  auto v2 = RunKernel("CheckNumericsV2", {{"message", StringAttr("where")}}, {bad});
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.status().message(), "where : Tensor had -Inf, +Inf, and NaN values");
}

TEST(LoggingOpsTest, PrintV2WritesTheStringAndEnd) {
  const AttrMap attrs = {{"output_stream", StringAttr("stderr")}, {"end", StringAttr("|\n")}};
  ::testing::internal::CaptureStderr();
  auto printed = RunKernel("PrintV2", attrs, {Tensor::Scalar<std::string>("values: [1 2]")});
  const std::string written = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(printed.ok()) << printed.status().ToString();
  EXPECT_EQ(written, "values: [1 2]|\n");
  ExpectInvalid(RunKernel("PrintV2", {{"output_stream", StringAttr("nowhere")}},
                          {Tensor::Scalar<std::string>("x")}),
                "Unknown output stream");
}

}  // namespace
}  // namespace tftrt
