#include "kernels/cpu/strided_slice.h"

#include <algorithm>
#include <string>

namespace tftrt {
namespace {

constexpr int kShrinkAxis = -1;

int64_t Bit(int64_t i) { return int64_t{1} << i; }

std::string VectorToString(const std::vector<int64_t>& values) {
  Shape shape = {static_cast<int64_t>(values.size())};
  return ShapeToString(shape);
}

// Expands the sparse spec (one item per slice entry) to one entry per input dimension:
// the ellipsis becomes full ranges, new axes become output-only dimensions.
Status BuildDenseSpec(const StridedSliceSpec& spec, int64_t ellipsis_mask, int64_t sparse_dims,
                      int64_t num_add_axis_after_ellipsis, int64_t dims,
                      ResolvedStridedSlice& dense, std::vector<int>& final_gather) {
  dense.begin.assign(dims, 0);
  dense.end.assign(dims, 0);
  dense.strides.assign(dims, 1);
  int64_t full_index = 0;
  for (int64_t i = 0; i < sparse_dims; ++i) {
    if (Bit(i) & ellipsis_mask) {
      // The ellipsis covers every dimension not named by the items after it.
      const int64_t next_index =
          std::min(dims - (sparse_dims - i) + 1 + num_add_axis_after_ellipsis, dims);
      for (; full_index < next_index; ++full_index) {
        dense.begin[full_index] = dense.end[full_index] = 0;
        dense.strides[full_index] = 1;
        dense.dense_begin_mask |= Bit(full_index);
        dense.dense_end_mask |= Bit(full_index);
        final_gather.push_back(static_cast<int>(full_index));
      }
    } else if (Bit(i) & spec.new_axis_mask) {
      final_gather.push_back(kStridedSliceNewAxis);
    } else {
      if (full_index == dims) {
        if (dims == 0) return Status::InvalidArgument("Attempting to slice scalar input.");
        return Status::InvalidArgument("Index out of range using input dim " +
                                       std::to_string(full_index) + "; input has only " +
                                       std::to_string(dims) + " dims");
      }
      if (spec.begin) dense.begin[full_index] = (*spec.begin)[i];
      if (spec.end) dense.end[full_index] = (*spec.end)[i];
      dense.strides[full_index] = spec.strides[i];
      if (spec.begin_mask & Bit(i)) dense.dense_begin_mask |= Bit(full_index);
      if (spec.end_mask & Bit(i)) dense.dense_end_mask |= Bit(full_index);
      // A shrunk dimension stays in the processing shape (size 1) but not in the output.
      if (spec.shrink_axis_mask & Bit(i)) {
        final_gather.push_back(kShrinkAxis);
        dense.dense_shrink_axis_mask |= Bit(full_index);
      } else {
        final_gather.push_back(static_cast<int>(full_index));
      }
      ++full_index;
    }
  }
  return Status::Ok();
}

// Clamps begin/end of dimension `i` and computes its slice length (TF's "Step 3").
Status ResolveDimension(int i, int64_t dim, bool begin_and_end_valid, ResolvedStridedSlice& r) {
  int64_t& begin = r.begin[i];
  int64_t& end = r.end[i];
  const int64_t stride = r.strides[i];
  if (stride == 0) {
    return Status::InvalidArgument("strides[" + std::to_string(i) + "] must be non-zero");
  }
  const bool shrink = r.dense_shrink_axis_mask & Bit(i);
  if (dim == -1) {
    r.processing_shape.push_back(shrink ? 1 : -1);
    return Status::Ok();
  }
  const bool begin_masked = r.dense_begin_mask & Bit(i);
  const bool end_masked = r.dense_end_mask & Bit(i);
  // Valid positions are [0, dim] going forward and [-1, dim - 1] going backward.
  const int64_t valid_low = stride > 0 ? 0 : -1;
  const int64_t valid_high = stride > 0 ? dim : dim - 1;
  auto canonical = [&](int64_t x, bool masked, bool is_end) {
    if (masked) return (stride > 0) != is_end ? valid_low : valid_high;
    const int64_t forward = x < 0 ? dim + x : x;
    return std::clamp(forward, valid_low, valid_high);
  };
  if (shrink && stride <= 0) {
    return Status::InvalidArgument("only stride 1 allowed on non-range indexing.");
  }
  r.is_simple_slice &= stride == 1;

  const bool begin_and_end_masked = begin_masked && end_masked;
  if (begin_and_end_valid) {
    if (shrink) {
      // foo[-1] arrives as begin -1, end 0; the index alone defines the range.
      const int64_t forward = begin < 0 ? dim + begin : begin;
      begin = forward;
      end = begin + 1;
      if (forward < 0 || forward >= dim) {
        return Status::InvalidArgument("slice index " + std::to_string(begin) + " of dimension " +
                                       std::to_string(i) + " out of bounds.");
      }
    } else {
      begin = canonical(begin, begin_masked, /*is_end=*/false);
      end = canonical(end, end_masked, /*is_end=*/true);
    }
    const bool take_all = stride == 1 && begin == 0 && end == dim;
    r.is_identity &= take_all;
    r.slice_dim0 &= (i == 0 && stride == 1) || take_all;
  } else {
    r.is_identity &= stride == 1 && begin_and_end_masked;
    r.slice_dim0 &= (i == 0 && stride == 1) || begin_and_end_masked;
  }

  // The slice length, when it is known.
  int64_t interval = 0;
  bool known = false;
  if (begin_and_end_valid) {
    interval = end - begin;
    known = true;
  } else if (shrink) {
    interval = 1;
    known = true;
  } else if (begin_and_end_masked && dim > 0) {
    interval = stride < 0 ? -dim : dim;
    known = true;
  }
  if (!known) {
    r.processing_shape.push_back(-1);
  } else if (interval == 0 || ((interval < 0) != (stride < 0))) {
    r.processing_shape.push_back(0);
  } else {
    r.processing_shape.push_back(interval / stride + (interval % stride != 0 ? 1 : 0));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ResolvedStridedSlice> ResolveStridedSlice(const Shape& input_shape,
                                                   const StridedSliceSpec& spec) {
  const size_t num_items = spec.strides.size();
  const bool begin_wrong =
      spec.begin && !(spec.begin->size() == num_items && spec.begin->size() < 32);
  const bool end_wrong = spec.end && spec.end->size() != num_items;
  if (begin_wrong || end_wrong || num_items >= 32) {
    std::string message = "Expected begin, end, and strides to be 1D equal size tensors, but got ";
    if (spec.begin && spec.end) {
      message += "shapes " + VectorToString(*spec.begin) + ", " + VectorToString(*spec.end) +
                 ", and " + VectorToString(spec.strides) + " instead.";
    } else {
      message += "shape " + VectorToString(spec.strides) + " for strides.";
    }
    return Status::InvalidArgument(message);
  }
  if (spec.ellipsis_mask & (spec.ellipsis_mask - 1)) {
    return Status::InvalidArgument("Multiple ellipses in slice spec not allowed");
  }

  // Step 1: count the new axes after the ellipsis; without an ellipsis, one is implied
  // after the last item.
  int64_t sparse_dims = static_cast<int64_t>(num_items);
  int64_t ellipsis_mask = spec.ellipsis_mask;
  int64_t num_add_axis_after_ellipsis = 0;
  bool ellipsis_seen = false;
  for (int64_t i = 0; i < sparse_dims; ++i) {
    if (ellipsis_seen && (Bit(i) & spec.new_axis_mask)) ++num_add_axis_after_ellipsis;
    if (Bit(i) & ellipsis_mask) ellipsis_seen = true;
  }
  if (!ellipsis_seen) {
    ellipsis_mask |= Bit(sparse_dims);
    ++sparse_dims;
  }

  // Step 2: one entry per input dimension.
  const int64_t dims = static_cast<int64_t>(input_shape.size());
  ResolvedStridedSlice r;
  std::vector<int> final_gather;
  TFTRT_RETURN_IF_ERROR(BuildDenseSpec(spec, ellipsis_mask, sparse_dims,
                                       num_add_axis_after_ellipsis, dims, r, final_gather));

  // Step 3: canonical ranges and the processing shape.
  r.is_identity = true;
  r.is_simple_slice = true;
  r.slice_dim0 = true;
  const bool begin_and_end_valid = spec.begin.has_value() && spec.end.has_value();
  for (int i = 0; i < dims; ++i) {
    TFTRT_RETURN_IF_ERROR(ResolveDimension(i, input_shape[i], begin_and_end_valid, r));
  }

  // Step 4: the output shape.
  for (int gather : final_gather) {
    if (gather >= 0) {
      r.final_shape.push_back(r.processing_shape[gather]);
      r.final_dims.push_back(gather);
    } else if (gather == kStridedSliceNewAxis) {
      r.final_shape.push_back(1);
      r.final_dims.push_back(kStridedSliceNewAxis);
    }
  }
  return r;
}

}  // namespace tftrt
