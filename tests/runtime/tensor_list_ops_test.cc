// TensorList kernels. Expected values and error cases are what TensorFlow 2.20 gives for
// the same op sequences (eager tf.raw_ops); the list ops cannot go through the op
// conformance harness, which feeds and fetches numpy arrays (no variant tensors).
#include <gtest/gtest.h>

#include <limits>

#include "runtime/kernel_test_util.h"
#include "runtime/tensor_list.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::MovedInputs;
using testing::RunKernel;
using testing::TensorsMatch;

constexpr DataType kF32 = DataType::kFloat;

Tensor Int32s(std::vector<int32_t> values) { return Tensor::FromVector(values); }
Tensor Int32(int32_t value) { return Tensor::Scalar<int32_t>(value); }
Tensor UnknownShape() { return Int32(-1); }
Tensor Floats(std::vector<float> values, Shape shape) { return Tensor::FromVector(values, shape); }
Tensor Ones(Shape shape) {
  Tensor t(kF32, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i) t.flat<float>()[i] = 1;
  return t;
}
// 0, 1, 2, ... as float32 of `shape`.
Tensor Iota(Shape shape) {
  Tensor t(kF32, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i) t.flat<float>()[i] = static_cast<float>(i);
  return t;
}

AttrMap ElementDtype(DataType dtype = kF32) { return {{"element_dtype", TypeAttr(dtype)}}; }

// Runs `op` and returns output `index`.
StatusOr<Tensor> RunOp(const std::string& op, AttrMap attrs, std::vector<Tensor> inputs,
                       int index = 0) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                         RunKernel(op, std::move(attrs), std::move(inputs)));
  if (static_cast<int>(outputs.size()) <= index) return Status::Internal("missing output");
  return outputs[index];
}

StatusOr<Tensor> Reserve(Tensor element_shape, int32_t n, DataType dtype = kF32) {
  return RunOp("TensorListReserve", ElementDtype(dtype), {element_shape, Int32(n)});
}
StatusOr<Tensor> Empty(Tensor element_shape, int32_t max_num_elements = -1) {
  return RunOp("EmptyTensorList", ElementDtype(), {element_shape, Int32(max_num_elements)});
}
StatusOr<Tensor> FromTensor(Tensor tensor, Tensor element_shape = UnknownShape()) {
  return RunOp("TensorListFromTensor", ElementDtype(tensor.dtype()), {tensor, element_shape});
}
StatusOr<Tensor> SetItem(Tensor list, int32_t index, Tensor item, bool resize = false) {
  AttrMap attrs = ElementDtype(item.dtype());
  attrs["resize_if_index_out_of_bounds"] = BoolAttr(resize);
  return RunOp("TensorListSetItem", attrs,
               MovedInputs(std::move(list), Int32(index), std::move(item)));
}
StatusOr<Tensor> GetItem(Tensor list, int32_t index, Tensor element_shape = UnknownShape(),
                         DataType dtype = kF32) {
  return RunOp("TensorListGetItem", ElementDtype(dtype), {list, Int32(index), element_shape});
}
StatusOr<Tensor> Stack(Tensor list, Tensor element_shape = UnknownShape(),
                       int64_t num_elements = -1, DataType dtype = kF32) {
  AttrMap attrs = ElementDtype(dtype);
  attrs["num_elements"] = IntAttr(num_elements);
  return RunOp("TensorListStack", attrs, {list, element_shape});
}
StatusOr<int32_t> Length(Tensor list) {
  TFTRT_ASSIGN_OR_RETURN(Tensor length, RunOp("TensorListLength", {}, {list}));
  return length.flat<int32_t>()[0];
}

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(TFTRT_CONCAT_(statusor_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString(); \
  lhs = std::move(tmp).value()

// Expects an InvalidArgument error whose message contains `text`.
#define EXPECT_INVALID(expr, text)                                      \
  do {                                                                  \
    auto result_ = (expr);                                              \
    ASSERT_FALSE(result_.ok());                                         \
    EXPECT_EQ(result_.status().code(), StatusCode::kInvalidArgument);   \
    EXPECT_NE(result_.status().message().find(text), std::string::npos) \
        << result_.status().message();                                  \
  } while (0)

// --- Reserve, SetItem, GetItem, Stack ---

TEST(TensorListOpsTest, StackFillsUnsetElementsWithZerosOfTheKnownShape) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 3));
  ASSERT_OK_AND_ASSIGN(list, SetItem(list, 1, Ones({2})));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(list));
  EXPECT_TRUE(TensorsMatch(stacked, Floats({0, 0, 1, 1, 0, 0}, {3, 2}), 0));
}

TEST(TensorListOpsTest, StackInfersAnUnknownElementShapeFromSetElements) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({-1}), 3));
  ASSERT_OK_AND_ASSIGN(list, SetItem(list, 1, Ones({2})));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(list));
  EXPECT_TRUE(TensorsMatch(stacked, Floats({0, 0, 1, 1, 0, 0}, {3, 2}), 0));
}

TEST(TensorListOpsTest, StackMergesTheElementShapeInputWithTheList) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({-1, 2}), 2));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(list, Int32s({3, -1})));
  EXPECT_TRUE(TensorsMatch(stacked, Tensor(kF32, {2, 3, 2}), 0));
}

TEST(TensorListOpsTest, StackOfAnEmptyListNeedsAFullyDefinedShape) {
  ASSERT_OK_AND_ASSIGN(Tensor known, Reserve(Int32s({2, 3}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(known));
  EXPECT_EQ(stacked.shape(), (Shape{0, 2, 3}));
  ASSERT_OK_AND_ASSIGN(Tensor unknown, Reserve(Int32s({-1}), 0));
  EXPECT_INVALID(Stack(unknown), "zero elements");
  ASSERT_OK_AND_ASSIGN(Tensor unset, Reserve(Int32s({-1}), 3));
  EXPECT_INVALID(Stack(unset), "never set");
}

TEST(TensorListOpsTest, StackChecksCountAndShapes) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 3));
  EXPECT_INVALID(Stack(list, UnknownShape(), 2), "expected a list of 2 elements, got 3");
  EXPECT_INVALID(Stack(list, UnknownShape(), -1, DataType::kInt32), "op expects int32");
  EXPECT_INVALID(Stack(list, Int32s({3})), "incompatible shapes [3] and [2]");

  ASSERT_OK_AND_ASSIGN(Tensor ragged, Reserve(UnknownShape(), 2));
  ASSERT_OK_AND_ASSIGN(ragged, SetItem(ragged, 0, Ones({2})));
  ASSERT_OK_AND_ASSIGN(ragged, SetItem(ragged, 1, Ones({3})));
  EXPECT_INVALID(Stack(ragged), "incompatible shapes [2] and [3]");

  ASSERT_OK_AND_ASSIGN(Tensor ranks, Reserve(UnknownShape(), 2));
  ASSERT_OK_AND_ASSIGN(ranks, SetItem(ranks, 0, Ones({2})));
  ASSERT_OK_AND_ASSIGN(ranks, SetItem(ranks, 1, Ones({2, 1})));
  EXPECT_INVALID(Stack(ranks), "incompatible shapes");
}

TEST(TensorListOpsTest, StackKeepsEveryDtype) {
  Tensor ints = Tensor::FromVector<int32_t>({1, 2, 3, 4}, {2, 2});
  ASSERT_OK_AND_ASSIGN(Tensor int_list, FromTensor(ints));
  ASSERT_OK_AND_ASSIGN(Tensor int_stack, Stack(int_list, UnknownShape(), 2, DataType::kInt32));
  EXPECT_TRUE(TensorsMatch(int_stack, ints, 0));

  Tensor int64s = Tensor::FromVector<int64_t>({std::numeric_limits<int64_t>::max(), -1}, {2});
  ASSERT_OK_AND_ASSIGN(Tensor int64_list, FromTensor(int64s));
  ASSERT_OK_AND_ASSIGN(Tensor int64_stack, Stack(int64_list, UnknownShape(), -1, DataType::kInt64));
  EXPECT_TRUE(TensorsMatch(int64_stack, int64s, 0));

  Tensor bools = Tensor::FromVector<bool>({true, false}, {2, 1});
  ASSERT_OK_AND_ASSIGN(Tensor bool_list, FromTensor(bools));
  ASSERT_OK_AND_ASSIGN(Tensor bool_stack, Stack(bool_list, UnknownShape(), -1, DataType::kBool));
  EXPECT_TRUE(TensorsMatch(bool_stack, bools, 0));

  Tensor strings = Tensor::FromVector<std::string>({"a", "bc"}, {2, 1});
  ASSERT_OK_AND_ASSIGN(Tensor string_list, FromTensor(strings));
  ASSERT_OK_AND_ASSIGN(Tensor string_stack,
                       Stack(string_list, UnknownShape(), -1, DataType::kString));
  EXPECT_TRUE(TensorsMatch(string_stack, strings, 0));

  // Unset string elements read as empty strings, int32 ones as 0.
  ASSERT_OK_AND_ASSIGN(Tensor unset_strings, Reserve(Int32s({2}), 2, DataType::kString));
  ASSERT_OK_AND_ASSIGN(Tensor empty_strings,
                       Stack(unset_strings, UnknownShape(), -1, DataType::kString));
  EXPECT_TRUE(TensorsMatch(empty_strings, Tensor(DataType::kString, {2, 2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor unset_ints, Reserve(Int32s({2}), 2, DataType::kInt32));
  ASSERT_OK_AND_ASSIGN(Tensor zero_ints, Stack(unset_ints, UnknownShape(), -1, DataType::kInt32));
  EXPECT_TRUE(TensorsMatch(zero_ints, Tensor(DataType::kInt32, {2, 2}), 0));
}

TEST(TensorListOpsTest, GetItemReturnsTheElementOrZeros) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 3));
  Tensor item = Ones({2});
  ASSERT_OK_AND_ASSIGN(list, SetItem(list, 0, item));
  ASSERT_OK_AND_ASSIGN(Tensor got, GetItem(list, 0));
  EXPECT_TRUE(got.SharesBufferWith(item));  // no copy, as TF
  ASSERT_OK_AND_ASSIGN(Tensor zeros, GetItem(list, 1));
  EXPECT_TRUE(TensorsMatch(zeros, Tensor(kF32, {2}), 0));
}

TEST(TensorListOpsTest, GetItemOfAnUnsetElementNeedsItsShape) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({-1}), 3));
  EXPECT_INVALID(GetItem(list, 1), "not fully defined");
  ASSERT_OK_AND_ASSIGN(Tensor from_input, GetItem(list, 1, Int32s({4})));
  EXPECT_EQ(from_input.shape(), (Shape{4}));
  // As TF: the shape may come from the elements that are set.
  ASSERT_OK_AND_ASSIGN(list, SetItem(list, 0, Ones({5})));
  ASSERT_OK_AND_ASSIGN(Tensor from_elements, GetItem(list, 1));
  EXPECT_TRUE(TensorsMatch(from_elements, Tensor(kF32, {5}), 0));
  ASSERT_OK_AND_ASSIGN(list, SetItem(list, 2, Ones({3})));
  EXPECT_INVALID(GetItem(list, 1), "incompatible shapes");
}

TEST(TensorListOpsTest, GetItemChecksIndexDtypeAndShape) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 3));
  EXPECT_INVALID(GetItem(list, -1), "element -1 in a list with 3 elements");
  EXPECT_INVALID(GetItem(list, 3), "element 3 in a list with 3 elements");
  EXPECT_INVALID(GetItem(list, 0, UnknownShape(), DataType::kInt32), "op expects int32");
  EXPECT_INVALID(GetItem(list, 0, Int32s({3})), "incompatible shapes [3] and [2]");
  EXPECT_INVALID(GetItem(Ones({}), 0), "expected a TensorList");
  EXPECT_INVALID(GetItem(Tensor(DataType::kVariant, {}), 0), "holding nothing");
}

TEST(TensorListOpsTest, SetItemChecksAndResizes) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 3));
  EXPECT_INVALID(SetItem(list, 3, Ones({2})), "element 3 in a list with 3 elements");
  EXPECT_INVALID(SetItem(list, -1, Ones({2})), "element -1");
  EXPECT_INVALID(SetItem(list, -1, Ones({2}), /*resize=*/true), "element -1");
  EXPECT_INVALID(SetItem(list, 0, Ones({3})), "shape [3]");
  EXPECT_INVALID(SetItem(list, 0, Int32s({1, 2})), "op expects int32");
  ASSERT_OK_AND_ASSIGN(Tensor resized, SetItem(list, 5, Ones({2}), /*resize=*/true));
  EXPECT_EQ(*Length(resized), 6);
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(resized));
  EXPECT_TRUE(TensorsMatch(stacked, Floats({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, {6, 2}), 0));
}

// --- Element shapes ---

TEST(TensorListOpsTest, ElementShapeUsesMinusOneForUnknowns) {
  auto element_shape = [](Tensor list, DataType type) {
    return RunOp("TensorListElementShape", {{"shape_type", TypeAttr(type)}}, {list});
  };
  ASSERT_OK_AND_ASSIGN(Tensor unknown, Reserve(UnknownShape(), 2));
  ASSERT_OK_AND_ASSIGN(Tensor rank, element_shape(unknown, DataType::kInt32));
  EXPECT_TRUE(TensorsMatch(rank, Int32(-1), 0));
  ASSERT_OK_AND_ASSIGN(Tensor partial, Reserve(Int32s({-1, 3}), 2));
  ASSERT_OK_AND_ASSIGN(Tensor dims, element_shape(partial, DataType::kInt64));
  EXPECT_TRUE(TensorsMatch(dims, Tensor::FromVector<int64_t>({-1, 3}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor scalars, Reserve(Int32s({}), 2));
  ASSERT_OK_AND_ASSIGN(Tensor none, element_shape(scalars, DataType::kInt32));
  EXPECT_TRUE(TensorsMatch(none, Int32s({}), 0));
  // int64 shape tensors work as well as int32 ones.
  ASSERT_OK_AND_ASSIGN(Tensor from_int64, Reserve(Tensor::FromVector<int64_t>({2, -1}), 2));
  ASSERT_OK_AND_ASSIGN(Tensor dims32, element_shape(from_int64, DataType::kInt32));
  EXPECT_TRUE(TensorsMatch(dims32, Int32s({2, -1}), 0));
}

TEST(TensorListOpsTest, BadShapeTensorsAndCountsAreErrors) {
  EXPECT_INVALID(Reserve(Int32(5), 2), "only valid scalar shape tensor is -1");
  EXPECT_INVALID(Reserve(Int32s({-2}), 2), "must be >= -1");
  EXPECT_INVALID(Reserve(Tensor::FromVector<int32_t>({1}, {1, 1}), 2), "scalar or a vector");
  EXPECT_INVALID(Reserve(Ones({1}), 2), "int32 or int64 shape tensor");
  EXPECT_INVALID(Reserve(Int32s({2}), -1), "num_elements must be >= 0");
  EXPECT_INVALID(RunOp("TensorListReserve", ElementDtype(), {Int32s({1}), Int32s({2})}),
                 "must be a scalar");
  EXPECT_INVALID(RunOp("EmptyTensorList", ElementDtype(), {UnknownShape(), Int32s({1})}),
                 "must be a scalar");
}

// --- FromTensor, Gather, Scatter, Concat, Split ---

TEST(TensorListOpsTest, FromTensorSplitsTheFirstDimension) {
  ASSERT_OK_AND_ASSIGN(Tensor list, FromTensor(Iota({3, 2}), Int32s({-1})));
  EXPECT_EQ(*Length(list), 3);
  ASSERT_OK_AND_ASSIGN(Tensor row, GetItem(list, 2));
  EXPECT_TRUE(TensorsMatch(row, Floats({4, 5}, {2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(list, UnknownShape(), 3));
  EXPECT_TRUE(TensorsMatch(stacked, Iota({3, 2}), 0));
  EXPECT_INVALID(FromTensor(Ones({})), "at least a vector");
  EXPECT_INVALID(FromTensor(Ones({3, 2}), Int32s({3})), "does not match the rows");
  // Zero rows: an empty list that still knows its element shape.
  ASSERT_OK_AND_ASSIGN(Tensor empty, FromTensor(Ones({0, 4}), Int32s({4})));
  ASSERT_OK_AND_ASSIGN(Tensor empty_stack, Stack(empty));
  EXPECT_EQ(empty_stack.shape(), (Shape{0, 4}));
}

TEST(TensorListOpsTest, GatherPicksElements) {
  auto gather = [](Tensor list, Tensor indices, Tensor element_shape = UnknownShape()) {
    return RunOp("TensorListGather", ElementDtype(), {list, indices, element_shape});
  };
  ASSERT_OK_AND_ASSIGN(Tensor list, FromTensor(Iota({3, 2})));
  ASSERT_OK_AND_ASSIGN(Tensor picked, gather(list, Int32s({2, 0, 2})));
  EXPECT_TRUE(TensorsMatch(picked, Floats({4, 5, 0, 1, 4, 5}, {3, 2}), 0));
  // Indices of any rank are read flat, as TF does.
  ASSERT_OK_AND_ASSIGN(Tensor flat, gather(list, Tensor::FromVector<int32_t>({0, 1}, {1, 2})));
  EXPECT_TRUE(TensorsMatch(flat, Floats({0, 1, 2, 3}, {2, 2}), 0));
  EXPECT_INVALID(gather(list, Int32s({3})), "element 3 in a list with 3 elements");
  EXPECT_INVALID(gather(list, Int32s({-1})), "element -1");
  EXPECT_INVALID(gather(list, Int32s({})), "zero elements");
  ASSERT_OK_AND_ASSIGN(Tensor none, gather(list, Int32s({}), Int32s({2})));
  EXPECT_EQ(none.shape(), (Shape{0, 2}));
}

TEST(TensorListOpsTest, ScatterIntoExistingListGrowsTheList) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 2));
  ASSERT_OK_AND_ASSIGN(Tensor scattered, RunOp("TensorListScatterIntoExistingList", ElementDtype(),
                                               {list, Iota({2, 2}), Int32s({3, 0})}));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(scattered));
  EXPECT_TRUE(TensorsMatch(stacked, Floats({2, 3, 0, 0, 0, 0, 0, 1}, {4, 2}), 0));
  EXPECT_INVALID(RunOp("TensorListScatterIntoExistingList", ElementDtype(),
                       {list, Ones({1, 2}), Int32s({-1})}),
                 "negative index");
  EXPECT_INVALID(
      RunOp("TensorListScatterIntoExistingList", ElementDtype(), {list, Ones({2, 2}), Int32s({0})}),
      "1 indices for 2 rows");
}

TEST(TensorListOpsTest, ScatterMakesAList) {
  ASSERT_OK_AND_ASSIGN(Tensor list,
                       RunOp("TensorListScatterV2", ElementDtype(),
                             {Iota({2, 2}), Int32s({1, 3}), UnknownShape(), Int32(5)}));
  EXPECT_EQ(*Length(list), 5);
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(list));
  EXPECT_TRUE(TensorsMatch(stacked, Floats({0, 0, 0, 1, 0, 0, 2, 3, 0, 0}, {5, 2}), 0));
  EXPECT_INVALID(RunOp("TensorListScatterV2", ElementDtype(),
                       {Iota({1, 2}), Int32s({5}), UnknownShape(), Int32(5)}),
                 "index 5");
}

TEST(TensorListOpsTest, ConcatAndSplitAlongTheFirstDimension) {
  auto concat = [](Tensor list, Tensor leading_dims, int output) {
    return RunOp("TensorListConcatV2", ElementDtype(), {list, UnknownShape(), leading_dims},
                 output);
  };
  const Tensor no_dims = Tensor::FromVector<int64_t>({});
  ASSERT_OK_AND_ASSIGN(Tensor list, FromTensor(Iota({3, 2})));
  ASSERT_OK_AND_ASSIGN(Tensor joined, concat(list, no_dims, 0));
  EXPECT_TRUE(TensorsMatch(joined, Iota({6}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor lengths, concat(list, no_dims, 1));
  EXPECT_TRUE(TensorsMatch(lengths, Tensor::FromVector<int64_t>({2, 2, 2}), 0));

  // Unset elements take their length from leading_dims.
  ASSERT_OK_AND_ASSIGN(Tensor partial, Reserve(Int32s({-1, 2}), 2));
  ASSERT_OK_AND_ASSIGN(partial, SetItem(partial, 1, Ones({1, 2})));
  ASSERT_OK_AND_ASSIGN(Tensor padded, concat(partial, Tensor::FromVector<int64_t>({2}), 0));
  EXPECT_TRUE(TensorsMatch(padded, Floats({0, 0, 0, 0, 1, 1}, {3, 2}), 0));
  // Without leading_dims, they take the first dimension the set elements share...
  ASSERT_OK_AND_ASSIGN(Tensor inferred, concat(partial, no_dims, 0));
  EXPECT_TRUE(TensorsMatch(inferred, Floats({0, 0, 1, 1}, {2, 2}), 0));
  // ... if they share one.
  ASSERT_OK_AND_ASSIGN(Tensor mixed, Reserve(Int32s({-1, 2}), 3));
  ASSERT_OK_AND_ASSIGN(mixed, SetItem(mixed, 1, Ones({1, 2})));
  ASSERT_OK_AND_ASSIGN(mixed, SetItem(mixed, 2, Ones({2, 2})));
  EXPECT_INVALID(concat(mixed, no_dims, 0), "leading_dims has only 0 entries");
  ASSERT_OK_AND_ASSIGN(Tensor no_elements, Reserve(Int32s({-1, 2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor nothing, concat(no_elements, no_dims, 0));
  EXPECT_EQ(nothing.shape(), (Shape{0, 2}));
  ASSERT_OK_AND_ASSIGN(Tensor scalars, Reserve(Int32s({}), 1));
  EXPECT_INVALID(concat(scalars, no_dims, 0), "rank >= 1");

  ASSERT_OK_AND_ASSIGN(Tensor split,
                       RunOp("TensorListSplit", ElementDtype(),
                             {Iota({3, 2}), Int32s({-1, 2}), Tensor::FromVector<int64_t>({1, 2})}));
  ASSERT_OK_AND_ASSIGN(Tensor second, GetItem(split, 1));
  EXPECT_TRUE(TensorsMatch(second, Floats({2, 3, 4, 5}, {2, 2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor rejoined, concat(split, no_dims, 0));
  EXPECT_TRUE(TensorsMatch(rejoined, Iota({3, 2}), 0));
  EXPECT_INVALID(RunOp("TensorListSplit", ElementDtype(),
                       {Iota({3, 2}), UnknownShape(), Tensor::FromVector<int64_t>({1, 1})}),
                 "lengths sum to 2");
}

// --- PushBack, PopBack, Resize ---

TEST(TensorListOpsTest, PushBackAndPopBack) {
  auto push = [](Tensor list, Tensor item) {
    return RunOp("TensorListPushBack", ElementDtype(), {list, item});
  };
  auto pop = [](Tensor list, int output) {
    return RunOp("TensorListPopBack", ElementDtype(), {list, UnknownShape()}, output);
  };
  ASSERT_OK_AND_ASSIGN(Tensor list, Empty(UnknownShape()));
  ASSERT_OK_AND_ASSIGN(list, push(list, Floats({1, 2}, {2})));
  ASSERT_OK_AND_ASSIGN(list, push(list, Floats({3, 4}, {2})));
  ASSERT_OK_AND_ASSIGN(Tensor last, pop(list, 1));
  EXPECT_TRUE(TensorsMatch(last, Floats({3, 4}, {2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor shorter, pop(list, 0));
  EXPECT_EQ(*Length(shorter), 1);
  EXPECT_EQ(*Length(list), 2);  // the input list is untouched

  ASSERT_OK_AND_ASSIGN(Tensor empty, Empty(UnknownShape()));
  EXPECT_INVALID(pop(empty, 0), "pop from an empty list");
  ASSERT_OK_AND_ASSIGN(Tensor bounded, Empty(UnknownShape(), 1));
  ASSERT_OK_AND_ASSIGN(bounded, push(bounded, Ones({2})));
  EXPECT_INVALID(push(bounded, Ones({2})), "full list");
  ASSERT_OK_AND_ASSIGN(Tensor shaped, Empty(Int32s({3})));
  EXPECT_INVALID(push(shaped, Ones({2})), "shape [2]");

  // An unset last element pops as zeros when the shape is known. Unlike GetItem, TF does
  // not look at the other elements for the shape.
  ASSERT_OK_AND_ASSIGN(Tensor reserved, Reserve(Int32s({2}), 2));
  ASSERT_OK_AND_ASSIGN(Tensor zeros, pop(reserved, 1));
  EXPECT_TRUE(TensorsMatch(zeros, Tensor(kF32, {2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor unknown, Reserve(Int32s({-1}), 2));
  ASSERT_OK_AND_ASSIGN(unknown, SetItem(unknown, 0, Ones({3})));
  EXPECT_INVALID(pop(unknown, 1), "not fully defined");
}

TEST(TensorListOpsTest, ResizeAddsUnsetElementsOrDropsTheTail) {
  auto resize = [](Tensor list, int32_t size) {
    return RunOp("TensorListResize", {}, {list, Int32(size)});
  };
  ASSERT_OK_AND_ASSIGN(Tensor list, FromTensor(Iota({2, 2})));
  ASSERT_OK_AND_ASSIGN(Tensor longer, resize(list, 3));
  ASSERT_OK_AND_ASSIGN(Tensor stacked, Stack(longer));
  EXPECT_TRUE(TensorsMatch(stacked, Floats({0, 1, 2, 3, 0, 0}, {3, 2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor shorter, resize(list, 1));
  EXPECT_EQ(*Length(shorter), 1);
  EXPECT_INVALID(resize(list, -1), "size must be >= 0");
  EXPECT_INVALID(RunOp("TensorListResize", {}, {list, Int32s({3})}), "must be a scalar");
}

// --- Copy-on-write ---

TEST(TensorListOpsTest, UpdatesNeverChangeAListSomeoneElseHolds) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 2));
  Tensor alias = list;  // shares the buffer
  ASSERT_OK_AND_ASSIGN(Tensor updated, SetItem(list, 0, Ones({2})));
  ASSERT_OK_AND_ASSIGN(Tensor original, Stack(alias));
  EXPECT_TRUE(TensorsMatch(original, Tensor(kF32, {2, 2}), 0));
  ASSERT_OK_AND_ASSIGN(Tensor changed, Stack(updated));
  EXPECT_TRUE(TensorsMatch(changed, Floats({1, 1, 0, 0}, {2, 2}), 0));

  // Nor one that another buffer holds too (Clone shares the list object).
  Tensor clone = alias.Clone();
  ASSERT_OK_AND_ASSIGN(Tensor updated_clone, SetItem(std::move(clone), 1, Ones({2})));
  ASSERT_OK_AND_ASSIGN(Tensor still_original, Stack(alias));
  EXPECT_TRUE(TensorsMatch(still_original, Tensor(kF32, {2, 2}), 0));
}

TEST(TensorListOpsTest, AnUnsharedListIsUpdatedInPlace) {
  ASSERT_OK_AND_ASSIGN(Tensor list, Reserve(Int32s({2}), 2));
  const TensorList* before = *GetList(list);
  ASSERT_OK_AND_ASSIGN(Tensor updated, SetItem(std::move(list), 0, Ones({2})));
  EXPECT_EQ(*GetList(updated), before);
}

}  // namespace
}  // namespace tftrt
