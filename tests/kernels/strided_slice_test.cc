// ResolveStridedSlice beyond what the op conformance cases reach: partially known input
// shapes and unknown begin/end, as the StridedSlice converter sees them. (Fully known
// cases are checked against TensorFlow in tests/op_cases/cases_array.py.)
#include "kernels/cpu/strided_slice.h"

#include <gtest/gtest.h>

namespace tftrt {
namespace {

StridedSliceSpec Spec(std::vector<int64_t> begin, std::vector<int64_t> end,
                      std::vector<int64_t> strides) {
  StridedSliceSpec spec;
  spec.begin = std::move(begin);
  spec.end = std::move(end);
  spec.strides = std::move(strides);
  return spec;
}

TEST(ResolveStridedSliceTest, KnownShapeClampsAndCounts) {
  auto r = ResolveStridedSlice({10, 4}, Spec({-3, 0}, {100, 4}, {2, 1}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->begin, (std::vector<int64_t>{7, 0}));
  EXPECT_EQ(r->end, (std::vector<int64_t>{10, 4}));
  EXPECT_EQ(r->final_shape, (Shape{2, 4}));
  EXPECT_FALSE(r->is_identity);
  EXPECT_FALSE(r->is_simple_slice);
}

TEST(ResolveStridedSliceTest, UnknownDimensionStaysUnknown) {
  StridedSliceSpec spec = Spec({0, 1}, {0, 3}, {1, 1});
  spec.begin_mask = 1;
  spec.end_mask = 1;
  auto r = ResolveStridedSlice({-1, 5}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->final_shape, (Shape{-1, 2}));
  EXPECT_EQ(r->final_dims, (std::vector<int>{0, 1}));
}

TEST(ResolveStridedSliceTest, UnknownDimensionShrinksToOne) {
  StridedSliceSpec spec = Spec({2}, {3}, {1});
  spec.shrink_axis_mask = 1;
  auto r = ResolveStridedSlice({-1, 7}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->processing_shape, (Shape{1, 7}));
  EXPECT_EQ(r->final_shape, (Shape{7}));
}

TEST(ResolveStridedSliceTest, UnknownBeginEndGiveUnknownSizesUnlessMasked) {
  StridedSliceSpec spec;
  spec.strides = {1, -1, 1};
  spec.begin_mask = 0b010;
  spec.end_mask = 0b010;
  spec.shrink_axis_mask = 0b100;
  auto r = ResolveStridedSlice({4, 6, 3}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Dim 0: unknown range; dim 1: whole (reversed); dim 2: shrunk.
  EXPECT_EQ(r->processing_shape, (Shape{-1, 6, 1}));
  EXPECT_EQ(r->final_shape, (Shape{-1, 6}));
}

TEST(ResolveStridedSliceTest, EllipsisAndNewAxisMapOutputDims) {
  StridedSliceSpec spec = Spec({0, 0, 1}, {0, 0, 2}, {1, 1, 1});
  spec.new_axis_mask = 0b001;
  spec.ellipsis_mask = 0b010;
  auto r = ResolveStridedSlice({2, 3, 4}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->final_shape, (Shape{1, 2, 3, 1}));
  EXPECT_EQ(r->final_dims, (std::vector<int>{kStridedSliceNewAxis, 0, 1, 2}));
}

TEST(ResolveStridedSliceTest, Errors) {
  EXPECT_FALSE(ResolveStridedSlice({3}, Spec({0}, {1}, {0})).ok());           // zero stride
  EXPECT_FALSE(ResolveStridedSlice({3}, Spec({0, 0}, {1}, {1, 1})).ok());     // lengths
  EXPECT_FALSE(ResolveStridedSlice({3}, Spec({0, 0}, {1, 1}, {1, 1})).ok());  // too many items
  StridedSliceSpec shrink = Spec({3}, {4}, {1});
  shrink.shrink_axis_mask = 1;
  EXPECT_FALSE(ResolveStridedSlice({3}, shrink).ok());  // index out of bounds
  StridedSliceSpec ellipses = Spec({0, 0}, {0, 0}, {1, 1});
  ellipses.ellipsis_mask = 0b11;
  EXPECT_FALSE(ResolveStridedSlice({3, 3}, ellipses).ok());
  const auto status = ResolveStridedSlice({}, shrink).status();
  EXPECT_EQ(status.message(), "Attempting to slice scalar input.");
}

}  // namespace
}  // namespace tftrt
