// Array ops that rearrange elements by an affine index map (kernels/cpu/strided_copy.h):
// Slice, StridedSlice, Transpose, ConjugateTranspose, ReverseV2, Tile, BroadcastTo, Pad,
// PadV2; and MirrorPad, which maps indices through per-dimension tables.
#include <algorithm>

#include "graph/attrs.h"
#include "kernels/cpu/element_storage.h"
#include "kernels/cpu/strided_copy.h"
#include "kernels/cpu/strided_slice.h"
#include "kernels/cpu/transpose.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt::array_ops {
namespace {

// A dense tensor of `output_shape` whose elements, in order, are input[src_offset +
// sum(i[k] * src_strides[k])] for i over `dims` (row-major). REQUIRES:
// NumElements(dims) == NumElements(output_shape) and every visited offset in range.
Tensor StridedGather(const Tensor& input, const Shape& dims, int64_t src_offset,
                     const std::vector<int64_t>& src_strides, Shape output_shape) {
  Tensor output(input.dtype(), std::move(output_shape));
  if (output.NumElements() == 0) return output;
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    StridedCopy(dims, StorageData<S>(input) + src_offset, src_strides, StorageData<S>(output),
                DenseStrides(dims));
  });
  return output;
}

Status Slice(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& input = ctx.input(0);
  const int rank = input.rank();
  if (ctx.input(1).rank() != 1 || ctx.input(2).rank() != 1 || ctx.input(1).NumElements() != rank ||
      ctx.input(2).NumElements() != rank) {
    return OpError(ctx, "Expected begin and size arguments to be 1-D tensors of size " +
                            std::to_string(rank) + ", but got shapes " +
                            ShapeToString(ctx.input(1).shape()) + " and " +
                            ShapeToString(ctx.input(2).shape()) + " instead.");
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> begin, ReadIndexValues(ctx, 1, "begin"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> size, ReadIndexValues(ctx, 2, "size"));
  bool is_identity = true;
  for (int i = 0; i < rank; ++i) {
    const int64_t dim = input.dim(i);
    const std::string index = "[" + std::to_string(i) + "]";
    if (dim == 0) {
      // TF accepts size -1 (to the end) here too.
      if (begin[i] != 0 || (size[i] != 0 && size[i] != -1)) {
        return OpError(ctx, "Expected begin" + index + " == 0 (got " + std::to_string(begin[i]) +
                                ") and size" + index + " == 0 (got " + std::to_string(size[i]) +
                                ") when input.dim_size(" + std::to_string(i) + ") == 0");
      }
      size[i] = 0;
      continue;
    }
    if (size[i] == -1) size[i] = dim - begin[i];
    if (begin[i] < 0 || begin[i] > dim) {
      return OpError(ctx, "Expected begin" + index + " in [0, " + std::to_string(dim) +
                              "], but got " + std::to_string(begin[i]));
    }
    if (size[i] < 0 || size[i] > dim - begin[i]) {
      return OpError(ctx, "Expected size" + index + " in [0, " + std::to_string(dim - begin[i]) +
                              "], but got " + std::to_string(size[i]));
    }
    is_identity &= begin[i] == 0 && size[i] == dim;
  }
  if (is_identity) {
    ctx.set_output(0, input);
    return Status::Ok();
  }
  const std::vector<int64_t> strides = DenseStrides(input.shape());
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) offset += begin[i] * strides[i];
  ctx.set_output(0, StridedGather(input, size, offset, strides, size));
  return Status::Ok();
}

Status StridedSlice(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 4));
  const Tensor& input = ctx.input(0);
  for (int i = 1; i < 4; ++i) {
    if (ctx.input(i).rank() != 1) {
      return OpError(ctx,
                     "Expected begin, end, and strides to be 1D equal size tensors, but got "
                     "shapes " +
                         ShapeToString(ctx.input(1).shape()) + ", " +
                         ShapeToString(ctx.input(2).shape()) + ", and " +
                         ShapeToString(ctx.input(3).shape()) + " instead.");
    }
  }
  StridedSliceSpec spec;
  TFTRT_ASSIGN_OR_RETURN(spec.begin, ReadIndexValues(ctx, 1, "begin"));
  TFTRT_ASSIGN_OR_RETURN(spec.end, ReadIndexValues(ctx, 2, "end"));
  TFTRT_ASSIGN_OR_RETURN(spec.strides, ReadIndexValues(ctx, 3, "strides"));
  const Node& node = ctx.node();
  TFTRT_ASSIGN_OR_RETURN(spec.begin_mask, GetIntAttr(node, "begin_mask"));
  TFTRT_ASSIGN_OR_RETURN(spec.end_mask, GetIntAttr(node, "end_mask"));
  TFTRT_ASSIGN_OR_RETURN(spec.ellipsis_mask, GetIntAttr(node, "ellipsis_mask"));
  TFTRT_ASSIGN_OR_RETURN(spec.new_axis_mask, GetIntAttr(node, "new_axis_mask"));
  TFTRT_ASSIGN_OR_RETURN(spec.shrink_axis_mask, GetIntAttr(node, "shrink_axis_mask"));
  StatusOr<ResolvedStridedSlice> resolved = ResolveStridedSlice(input.shape(), spec);
  if (!resolved.ok()) return OpError(ctx, resolved.status().message());
  const ResolvedStridedSlice& r = *resolved;

  if (r.is_identity) {
    TFTRT_ASSIGN_OR_RETURN(Tensor output, input.Reshaped(r.final_shape));
    ctx.set_output(0, std::move(output));
    return Status::Ok();
  }
  const std::vector<int64_t> in_strides = DenseStrides(input.shape());
  std::vector<int64_t> src_strides(input.rank());
  int64_t offset = 0;
  const bool empty = NumElements(r.processing_shape) == 0;
  for (int i = 0; i < input.rank(); ++i) {
    src_strides[i] = in_strides[i] * r.strides[i];
    // An empty slice may have begin == dim; it is never read.
    if (!empty) offset += r.begin[i] * in_strides[i];
  }
  ctx.set_output(0, StridedGather(input, r.processing_shape, offset, src_strides, r.final_shape));
  return Status::Ok();
}

// Reads a permutation input (int32/int64 vector).
StatusOr<std::vector<int64_t>> ReadPermutation(const OpKernelContext& ctx, int rank) {
  if (ctx.input(1).rank() != 1) {
    return OpError(ctx, "perm must be rank 1, got shape " + ShapeToString(ctx.input(1).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ReadIndexValues(ctx, 1, "perm"));
  Status valid = ValidatePermutation(perm, rank);
  if (!valid.ok()) return OpError(ctx, valid.message());
  return perm;
}

template <typename C>
void Conjugate(Tensor& t) {
  C* values = t.flat<C>();
  for (int64_t i = 0; i < t.NumElements(); ++i) values[i].im = -values[i].im;
}

Status TransposeImpl(OpKernelContext& ctx, bool conjugate) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ReadPermutation(ctx, input.rank()));
  const bool is_complex =
      input.dtype() == DataType::kComplex64 || input.dtype() == DataType::kComplex128;
  Tensor output(input.dtype(), PermuteShape(input.shape(), perm));
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    Transpose(StorageData<S>(input), input.shape(), perm, StorageData<S>(output));
  });
  if (conjugate && is_complex) {
    if (input.dtype() == DataType::kComplex64) {
      Conjugate<Complex64>(output);
    } else {
      Conjugate<Complex128>(output);
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status TransposeOp(OpKernelContext& ctx) { return TransposeImpl(ctx, /*conjugate=*/false); }
Status ConjugateTranspose(OpKernelContext& ctx) { return TransposeImpl(ctx, /*conjugate=*/true); }

Status ReverseV2(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  if (ctx.input(1).rank() != 1) {
    return OpError(ctx, "'dims' must be 1-dimension, not " + std::to_string(ctx.input(1).rank()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadIndexValues(ctx, 1, "axis"));
  const int rank = input.rank();
  std::vector<bool> reversed(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank) {
      return OpError(ctx, "'axis'[" + std::to_string(i) + "] = " + std::to_string(axes[i]) +
                              " is out of valid range [0, " + std::to_string(rank - 1));
    }
    if (reversed[axis]) {
      return OpError(ctx, "axis " + std::to_string(axis) + " specified more than once.");
    }
    reversed[axis] = true;
  }
  std::vector<int64_t> strides = DenseStrides(input.shape());
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) {
    if (reversed[i] && input.dim(i) > 0) {
      offset += (input.dim(i) - 1) * strides[i];
      strides[i] = -strides[i];
    }
  }
  ctx.set_output(0, StridedGather(input, input.shape(), offset, strides, input.shape()));
  return Status::Ok();
}

Status Tile(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  const int rank = input.rank();
  if (ctx.input(1).rank() != 1 || ctx.input(1).NumElements() != rank) {
    return OpError(ctx, "Expected multiples argument to be a vector of length " +
                            std::to_string(rank) + " but got shape " +
                            ShapeToString(ctx.input(1).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> multiples, ReadIndexValues(ctx, 1, "multiples"));
  // Output dimension d of size m*n is walked as the pair (m, n): the copy index is
  // [m0, n0, m1, n1, ...] with source strides [0, s0, 0, s1, ...].
  const std::vector<int64_t> in_strides = DenseStrides(input.shape());
  Shape dims, output_shape;
  std::vector<int64_t> src_strides;
  for (int i = 0; i < rank; ++i) {
    if (multiples[i] < 0) {
      return OpError(ctx, "Expected multiples[" + std::to_string(i) + "] >= 0, but got " +
                              std::to_string(multiples[i]));
    }
    dims.insert(dims.end(), {multiples[i], input.dim(i)});
    src_strides.insert(src_strides.end(), {0, in_strides[i]});
  }
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, input.dtype(), dims));
  for (int i = 0; i < rank; ++i) output_shape.push_back(multiples[i] * input.dim(i));
  ctx.set_output(0, StridedGather(input, dims, 0, src_strides, output_shape));
  return Status::Ok();
}

Status BroadcastTo(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  if (ctx.input(1).rank() != 1) {
    return OpError(ctx, "shape must be a vector, got shape " + ShapeToString(ctx.input(1).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(Shape output_shape, ReadIndexValues(ctx, 1, "shape"));
  for (int64_t d : output_shape) {
    if (d < 0) return OpError(ctx, "Dimension " + std::to_string(d) + " must be >= 0");
  }
  if (output_shape == input.shape()) {
    ctx.set_output(0, input);
    return Status::Ok();
  }
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, input.dtype(), output_shape));
  const int out_rank = static_cast<int>(output_shape.size());
  if (input.rank() > out_rank) {
    return OpError(ctx, "Rank of input (" + std::to_string(input.rank()) +
                            ") must be no greater than rank of output shape (" +
                            std::to_string(out_rank) + ").");
  }
  // Right-aligned; a dimension broadcasts only from size 1.
  const std::vector<int64_t> in_strides = DenseStrides(input.shape());
  std::vector<int64_t> src_strides(out_rank, 0);
  const int lead = out_rank - input.rank();
  for (int i = 0; i < input.rank(); ++i) {
    const int64_t in_dim = input.dim(i);
    const int64_t out_dim = output_shape[lead + i];
    if (in_dim == out_dim) {
      src_strides[lead + i] = in_strides[i];
    } else if (in_dim != 1) {
      const bool compatible = out_dim == 1;
      return OpError(
          ctx, (compatible ? "Unable to broadcast tensor of shape " : "Incompatible shapes: ") +
                   ShapeToString(input.shape()) + (compatible ? " to tensor of shape " : " vs. ") +
                   ShapeToString(output_shape));
    }
  }
  ctx.set_output(0, StridedGather(input, output_shape, 0, src_strides, output_shape));
  return Status::Ok();
}

// The [rank, 2] paddings input of Pad, PadV2 and MirrorPad as (before, after) pairs.
StatusOr<std::vector<std::pair<int64_t, int64_t>>> ReadPaddings(const OpKernelContext& ctx,
                                                                int rank) {
  const Tensor& paddings = ctx.input(1);
  if (paddings.rank() != 2 || paddings.dim(1) != 2) {
    return OpError(ctx,
                   "paddings must be a matrix with 2 columns: " + ShapeToString(paddings.shape()));
  }
  if (paddings.dim(0) != rank) {
    return OpError(ctx, "The first dimension of paddings must be the rank of inputs" +
                            ShapeToString(paddings.shape()) + " " +
                            ShapeToString(ctx.input(0).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndexValues(ctx, 1, "paddings"));
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (int d = 0; d < rank; ++d) {
    const int64_t before = values[2 * d], after = values[2 * d + 1];
    if (before < 0 || after < 0) {
      return OpError(ctx, "Paddings must be non-negative: " + std::to_string(before) + " " +
                              std::to_string(after));
    }
    if (before > (int64_t{1} << 40) || after > (int64_t{1} << 40)) {
      return OpError(
          ctx, "Paddings are too large: " + std::to_string(before) + " " + std::to_string(after));
    }
    pairs.emplace_back(before, after);
  }
  return pairs;
}

// Pad(input, paddings) and PadV2(input, paddings, constant_values).
Status Pad(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  const int rank = input.rank();
  TFTRT_ASSIGN_OR_RETURN(auto paddings, ReadPaddings(ctx, rank));
  Tensor pad_value(input.dtype(), {});  // zero unless constant_values is given
  if (ctx.num_inputs() >= 3) {
    const Tensor& constant = ctx.input(2);
    if (constant.rank() != 0) {
      return OpError(ctx,
                     "constant_values must be a scalar. Got: " + ShapeToString(constant.shape()));
    }
    if (constant.dtype() != input.dtype()) {
      return OpError(ctx, "constant_values must have the input's type");
    }
    pad_value = constant;
  }
  Shape output_shape;
  for (int d = 0; d < rank; ++d) {
    output_shape.push_back(paddings[d].first + input.dim(d) + paddings[d].second);
  }
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, input.dtype(), output_shape));
  Tensor output(input.dtype(), output_shape);
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    S* out = StorageData<S>(output);
    std::fill_n(out, output.NumElements(), StorageData<S>(pad_value)[0]);
    const std::vector<int64_t> out_strides = DenseStrides(output_shape);
    int64_t offset = 0;
    for (int d = 0; d < rank; ++d) offset += paddings[d].first * out_strides[d];
    if (input.NumElements() > 0) {
      StridedCopy(input.shape(), StorageData<S>(input), DenseStrides(input.shape()), out + offset,
                  out_strides);
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// For each output position along a padded dimension, the input position it mirrors.
std::vector<int64_t> MirrorIndices(int64_t size, int64_t before, int64_t after, bool reflect) {
  std::vector<int64_t> indices;
  for (int64_t o = 0; o < before + size + after; ++o) {
    int64_t i = o - before;
    if (i < 0) {
      i = reflect ? -i : -i - 1;
    } else if (i >= size) {
      i = reflect ? 2 * (size - 1) - i : 2 * size - 1 - i;
    }
    indices.push_back(i);
  }
  return indices;
}

Status MirrorPad(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  const int rank = input.rank();
  TFTRT_ASSIGN_OR_RETURN(std::string mode, GetStringAttr(ctx.node(), "mode"));
  if (mode != "REFLECT" && mode != "SYMMETRIC") {
    return OpError(ctx, "mode must be REFLECT or SYMMETRIC, got " + mode);
  }
  const bool reflect = mode == "REFLECT";
  TFTRT_ASSIGN_OR_RETURN(auto paddings, ReadPaddings(ctx, rank));
  // Per dimension, the input offset (in elements) of each output position.
  const std::vector<int64_t> in_strides = DenseStrides(input.shape());
  std::vector<std::vector<int64_t>> offsets(rank);
  Shape output_shape;
  for (int d = 0; d < rank; ++d) {
    const auto [before, after] = paddings[d];
    const int64_t size = input.dim(d);
    if (reflect && (before >= size || after >= size)) {
      return OpError(
          ctx, "paddings must be less than the dimension size: " + std::to_string(before) + ", " +
                   std::to_string(after) + " not less than " + std::to_string(size));
    }
    if (!reflect && (before > size || after > size)) {
      return OpError(
          ctx, "paddings must be no greater than the dimension size: " + std::to_string(before) +
                   ", " + std::to_string(after) + " greater than " + std::to_string(size));
    }
    for (int64_t i : MirrorIndices(size, before, after, reflect)) {
      offsets[d].push_back(i * in_strides[d]);
    }
    output_shape.push_back(before + size + after);
  }
  Tensor output(input.dtype(), output_shape);
  if (output.NumElements() > 0) {
    VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
      const S* in = StorageData<S>(input);
      S* out = StorageData<S>(output);
      const int64_t inner = rank == 0 ? 1 : output_shape[rank - 1];
      const int64_t rows = output.NumElements() / inner;
      std::vector<int64_t> index(rank, 0);  // of the current row (last entry unused)
      for (int64_t r = 0; r < rows; ++r) {
        int64_t row_offset = 0;
        for (int d = 0; d + 1 < rank; ++d) row_offset += offsets[d][index[d]];
        if (rank == 0) {
          *out++ = in[0];
        } else {
          for (int64_t o : offsets[rank - 1]) *out++ = in[row_offset + o];
        }
        for (int d = rank - 2; d >= 0; --d) {
          if (++index[d] < output_shape[d]) break;
          index[d] = 0;
        }
      }
    });
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterSliceOps(KernelRegistry& registry) {
  registry.Register("Slice", Slice);
  registry.Register("StridedSlice", StridedSlice);
  registry.Register("Transpose", TransposeOp);
  registry.Register("ConjugateTranspose", ConjugateTranspose);
  registry.Register("ReverseV2", ReverseV2);
  registry.Register("Tile", Tile);
  registry.Register("BroadcastTo", BroadcastTo);
  registry.Register("Pad", Pad);
  registry.Register("PadV2", Pad);
  registry.Register("MirrorPad", MirrorPad);
}

}  // namespace tftrt::array_ops
