#include "kernels/cpu/broadcast.h"

#include <algorithm>
#include <string>

namespace tftrt {
namespace {

Status IncompatibleShapes(std::span<const Shape> shapes) {
  std::string message = "Incompatible shapes: ";
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (i > 0) message += " vs. ";
    message += ShapeToString(shapes[i]);
  }
  return Status::InvalidArgument(std::move(message));
}

size_t MaxRank(std::span<const Shape> shapes) {
  size_t rank = 0;
  for (const Shape& shape : shapes) rank = std::max(rank, shape.size());
  return rank;
}

// Dimension `d` (of a result of rank `rank`) of `shape` aligned at its last dimension:
// 1 where the shape has no such dimension.
int64_t AlignedDim(const Shape& shape, size_t rank, size_t d) {
  const size_t missing = rank - shape.size();
  return d < missing ? 1 : shape[d - missing];
}

}  // namespace

StatusOr<Shape> BroadcastShapes(std::span<const Shape> shapes) {
  const size_t rank = MaxRank(shapes);
  Shape result(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    bool set = false;
    for (const Shape& shape : shapes) {
      const int64_t dim = AlignedDim(shape, rank, d);
      if (dim == 1) continue;
      if (set && dim != result[d]) return IncompatibleShapes(shapes);
      result[d] = dim;
      set = true;
    }
  }
  return result;
}

StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const Shape shapes[] = {a, b};
  return BroadcastShapes(shapes);
}

StatusOr<BroadcastGradientAxes> BroadcastGradientArgs(const Shape& a, const Shape& b) {
  TFTRT_ASSIGN_OR_RETURN(Shape result, BroadcastShapes(a, b));
  const size_t rank = result.size();
  BroadcastGradientAxes axes;
  // BCast reduces nothing when both shapes are equal, even along their dimensions of
  // size 1 (x + y with x, y of shape [1] needs no reduction).
  if (a == b) return axes;
  for (size_t d = 0; d < rank; ++d) {
    // A dimension where the result is 1 is reduced for both, as BCast does.
    if (AlignedDim(a, rank, d) == 1) axes.a_axes.push_back(static_cast<int64_t>(d));
    if (AlignedDim(b, rank, d) == 1) axes.b_axes.push_back(static_cast<int64_t>(d));
  }
  return axes;
}

StatusOr<BroadcastPlan> BroadcastPlan::Make(std::span<const Shape> operand_shapes) {
  const int n = static_cast<int>(operand_shapes.size());
  TFTRT_CHECK(n >= 1 && n <= kMaxOperands);
  TFTRT_ASSIGN_OR_RETURN(Shape output_shape, BroadcastShapes(operand_shapes));
  BroadcastPlan plan;
  plan.num_operands_ = n;
  plan.output_size_ = NumElements(output_shape);
  const size_t rank = output_shape.size();

  // Merge runs of dimensions in which every operand is either all-present or
  // all-broadcast; dimensions of size 1 in the output take no part at all.
  // `broadcast_mask` bit k says operand k is broadcast along a merged dimension.
  std::vector<int64_t> dims;
  std::vector<unsigned> masks;
  std::array<std::vector<int64_t>, kMaxOperands> operand_dims;
  for (size_t d = 0; d < rank; ++d) {
    const int64_t out_dim = output_shape[d];
    if (out_dim == 1) continue;
    unsigned mask = 0;
    for (int k = 0; k < n; ++k) {
      if (AlignedDim(operand_shapes[k], rank, d) != out_dim) mask |= 1u << k;
    }
    if (!dims.empty() && masks.back() == mask) {
      dims.back() *= out_dim;
    } else {
      dims.push_back(out_dim);
      masks.push_back(mask);
    }
  }
  if (dims.empty()) {  // a single element
    dims.push_back(1);
    masks.push_back(0);
  }
  // Element strides: row-major over each operand's own (merged) dimensions, 0 where broadcast.
  for (int k = 0; k < n; ++k) {
    std::vector<int64_t>& strides = plan.strides_[k];
    strides.assign(dims.size(), 0);
    int64_t stride = 1;
    for (size_t i = dims.size(); i-- > 0;) {
      if (masks[i] & (1u << k)) continue;
      strides[i] = stride;
      stride *= dims[i];
    }
  }
  for (int k = n; k < kMaxOperands; ++k) plan.strides_[k].assign(dims.size(), 0);
  plan.dims_ = std::move(dims);
  plan.output_shape_ = std::move(output_shape);
  return plan;
}

}  // namespace tftrt
