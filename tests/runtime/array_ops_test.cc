// Array-op behaviour that the TensorFlow-written conformance cases (tests/op_cases/
// cases_array.py) cannot show: bad inputs that TF's graph builder would reject before
// running (wrong index dtypes, missing inputs) must give errors, never crashes; reshapes
// share buffers; variant tensors move through type-agnostic ops.
#include <gtest/gtest.h>

#include "runtime/kernel_test_util.h"

namespace tftrt {
namespace {

using testing::MovedInputs;
using testing::RunKernel;

class Payload : public Object {
 public:
  explicit Payload(int id) : id(id) {}
  std::string TypeName() const override { return "Payload"; }
  int id;
};

TEST(ArrayOpsTest, ReshapeSharesTheInputBuffer) {
  Tensor input = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto outputs = RunKernel("Reshape", {}, MovedInputs(input, Tensor::FromVector<int32_t>({3, -1})));
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  EXPECT_EQ((*outputs)[0].shape(), (Shape{3, 2}));
  EXPECT_TRUE((*outputs)[0].SharesBufferWith(input));
}

TEST(ArrayOpsTest, NonIntegerIndexInputsAreErrors) {
  auto float_shape =
      RunKernel("Reshape", {},
                MovedInputs(Tensor::FromVector<float>({1, 2}), Tensor::FromVector<float>({2})));
  EXPECT_FALSE(float_shape.ok());
  auto float_perm = RunKernel(
      "Transpose", {},
      MovedInputs(Tensor::FromVector<float>({1, 2}, {1, 2}), Tensor::FromVector<float>({1, 0})));
  EXPECT_FALSE(float_perm.ok());
  auto string_indices =
      RunKernel("GatherV2", {{"batch_dims", IntAttr(0)}},
                MovedInputs(Tensor::FromVector<float>({1, 2}),
                            Tensor::FromVector<std::string>({"a"}), Tensor::Scalar<int32_t>(0)));
  EXPECT_FALSE(string_indices.ok());
}

TEST(ArrayOpsTest, MissingInputsAreErrors) {
  for (const char* op : {"Reshape", "Transpose", "ConcatV2", "Slice", "StridedSlice", "Pad",
                         "GatherV2", "GatherNd", "Tile", "Fill", "Range", "OneHot", "TopKV2",
                         "BroadcastTo", "ReverseV2", "SplitV", "ExpandDims"}) {
    auto outputs = RunKernel(op, {}, MovedInputs(Tensor::FromVector<float>({1, 2})));
    EXPECT_FALSE(outputs.ok()) << op;
  }
}

TEST(ArrayOpsTest, MissingAttributeIsAnError) {
  auto outputs = RunKernel("Squeeze", {}, MovedInputs(Tensor(DataType::kFloat, {1, 2})));
  EXPECT_FALSE(outputs.ok());
}

TEST(ArrayOpsTest, VariantElementsMoveThroughGatherAndConcat) {
  Tensor handles(DataType::kVariant, {3});
  for (int i = 0; i < 3; ++i) handles.objects()[i] = std::make_shared<Payload>(i);
  auto gathered = RunKernel(
      "GatherV2", {{"batch_dims", IntAttr(0)}},
      MovedInputs(handles, Tensor::FromVector<int32_t>({2, 0}), Tensor::Scalar<int32_t>(0)));
  ASSERT_TRUE(gathered.ok()) << gathered.status().ToString();
  const Tensor& g = (*gathered)[0];
  EXPECT_EQ(g.objects()[0], handles.objects()[2]);
  EXPECT_EQ(g.objects()[1], handles.objects()[0]);
  auto concatenated =
      RunKernel("ConcatV2", {}, MovedInputs(handles, g, Tensor::Scalar<int32_t>(0)));
  ASSERT_TRUE(concatenated.ok()) << concatenated.status().ToString();
  EXPECT_EQ((*concatenated)[0].NumElements(), 5);
  EXPECT_EQ((*concatenated)[0].objects()[4], handles.objects()[0]);
}

TEST(ArrayOpsTest, AbsurdOutputSizesAreErrors) {
  const int64_t huge = int64_t{1} << 40;
  EXPECT_FALSE(
      RunKernel("Fill", {},
                MovedInputs(Tensor::FromVector<int64_t>({huge, huge}), Tensor::Scalar<float>(1)))
          .ok());
  EXPECT_FALSE(
      RunKernel("Tile", {},
                MovedInputs(Tensor::FromVector<float>({1, 2}), Tensor::FromVector<int64_t>({huge})))
          .ok());
  EXPECT_FALSE(RunKernel("Range", {},
                         MovedInputs(Tensor::Scalar<float>(0), Tensor::Scalar<float>(1e30f),
                                     Tensor::Scalar<float>(1)))
                   .ok());
}

TEST(ArrayOpsTest, DynamicStitchRejectsNegativeIndices) {
  auto outputs = RunKernel(
      "DynamicStitch", {},
      MovedInputs(Tensor::FromVector<int32_t>({0, -1}), Tensor::FromVector<float>({1, 2})));
  EXPECT_FALSE(outputs.ok());
}

}  // namespace
}  // namespace tftrt
