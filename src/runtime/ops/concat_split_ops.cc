// Array ops that join tensors or cut them into pieces along one axis: ConcatV2, Concat,
// ConcatOffset, Pack, Unpack, Split, SplitV, DynamicStitch, ParallelDynamicStitch.
//
// All of them see each tensor as an [outer, row] matrix, where outer is the product of the
// dimensions before the axis and a row holds everything from the axis on, and copy whole
// rows, which works for every dtype.
#include <algorithm>

#include "graph/attrs.h"
#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt::array_ops {
namespace {

// output[o, :] = concat(pieces[0][o, :], pieces[1][o, :], ...) for o in [0, outer).
// REQUIRES: each piece has outer * (its row length) elements; output has the sum.
void ConcatRows(const std::vector<const Tensor*>& pieces, int64_t outer, Tensor& output) {
  VisitElementStorage(output.dtype(), [&]<typename S>(std::type_identity<S>) {
    std::vector<const S*> sources;
    std::vector<int64_t> row_lengths;
    for (const Tensor* piece : pieces) {
      sources.push_back(StorageData<S>(*piece));
      row_lengths.push_back(outer == 0 ? 0 : piece->NumElements() / outer);
    }
    S* out = StorageData<S>(output);
    for (int64_t o = 0; o < outer; ++o) {
      for (size_t i = 0; i < sources.size(); ++i) {
        out = std::copy_n(sources[i] + o * row_lengths[i], row_lengths[i], out);
      }
    }
  });
}

// The inverse: pieces[i][o, :] = the i-th block of input[o, :]; each piece is allocated
// with its shape from `shapes`.
std::vector<Tensor> SplitRows(const Tensor& input, int64_t outer,
                              const std::vector<Shape>& shapes) {
  std::vector<Tensor> pieces;
  for (const Shape& shape : shapes) pieces.emplace_back(input.dtype(), shape);
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(input);
    for (int64_t o = 0; o < outer; ++o) {
      for (Tensor& piece : pieces) {
        const int64_t row = piece.NumElements() / outer;
        std::copy_n(in, row, StorageData<S>(piece) + o * row);
        in += row;
      }
    }
  });
  return pieces;
}

Status CheckValuesShareDtype(const OpKernelContext& ctx, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    if (ctx.input(i).dtype() != ctx.input(first).dtype()) {
      return OpError(ctx, "all values must have one type, got " +
                              std::string(DataTypeName(ctx.input(first).dtype())) + " and " +
                              std::string(DataTypeName(ctx.input(i).dtype())));
    }
  }
  return Status::Ok();
}

// ConcatV2 (values..., axis) and Concat (concat_dim, values...).
Status ConcatImpl(OpKernelContext& ctx, int first_value, int num_values, int axis_input) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, num_values + 1));
  if (num_values < 1) return OpError(ctx, "needs at least one value");
  const Tensor& axis_tensor = ctx.input(axis_input);
  if (axis_tensor.rank() > 1 || axis_tensor.NumElements() != 1) {
    return OpError(ctx, "axis tensor should be a scalar integer, but got shape " +
                            ShapeToString(axis_tensor.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t concat_dim, ReadIndexScalar(ctx, axis_input, "axis"));
  TFTRT_RETURN_IF_ERROR(CheckValuesShareDtype(ctx, first_value, num_values));
  const Shape& shape0 = ctx.input(first_value).shape();
  const int64_t rank = static_cast<int64_t>(shape0.size());
  const int64_t axis = concat_dim < 0 ? concat_dim + rank : concat_dim;
  if (axis < 0 || axis >= rank) {
    return OpError(ctx, "ConcatOp : Expected concatenating dimensions in the range [" +
                            std::to_string(-rank) + ", " + std::to_string(rank) + "), but got " +
                            std::to_string(concat_dim));
  }
  Shape output_shape = shape0;
  output_shape[axis] = 0;
  std::vector<const Tensor*> pieces;
  for (int i = 0; i < num_values; ++i) {
    const Shape& shape = ctx.input(first_value + i).shape();
    if (static_cast<int64_t>(shape.size()) != rank) {
      return OpError(ctx, "ConcatOp : Ranks of all input tensors should match: shape[0] = " +
                              ShapeToString(shape0) + " vs. shape[" + std::to_string(i) +
                              "] = " + ShapeToString(shape));
    }
    for (int64_t j = 0; j < rank; ++j) {
      if (j != axis && shape[j] != shape0[j]) {
        return OpError(ctx,
                       "ConcatOp : Dimension " + std::to_string(j) +
                           " in both shapes must be equal: shape[0] = " + ShapeToString(shape0) +
                           " vs. shape[" + std::to_string(i) + "] = " + ShapeToString(shape));
      }
    }
    output_shape[axis] += shape[axis];
    pieces.push_back(&ctx.input(first_value + i));
  }
  Tensor output(ctx.input(first_value).dtype(), output_shape);
  ConcatRows(pieces, DimsProduct(shape0, 0, axis), output);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status ConcatV2(OpKernelContext& ctx) {
  return ConcatImpl(ctx, 0, ctx.num_inputs() - 1, ctx.num_inputs() - 1);
}

Status Concat(OpKernelContext& ctx) { return ConcatImpl(ctx, 1, ctx.num_inputs() - 1, 0); }

Status ConcatOffset(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  if (ctx.input(0).rank() != 0) {
    return OpError(ctx, "Concat dim tensor should be a scalar integer, but got shape " +
                            ShapeToString(ctx.input(0).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t concat_dim, ReadIndexScalar(ctx, 0, "concat_dim"));
  const int num_shapes = ctx.num_inputs() - 1;
  std::vector<std::vector<int64_t>> shapes;
  for (int i = 0; i < num_shapes; ++i) {
    if (ctx.input(1 + i).rank() != 1) {
      return OpError(ctx, "input " + std::to_string(i) + " should be a vector, but got shape " +
                              ShapeToString(ctx.input(1 + i).shape()));
    }
    TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ReadIndexValues(ctx, 1 + i, "shape"));
    shapes.push_back(std::move(shape));
  }
  const int64_t rank = static_cast<int64_t>(shapes[0].size());
  const int64_t axis = concat_dim < 0 ? concat_dim + rank : concat_dim;
  if (axis < 0 || axis >= rank) {
    return OpError(ctx, "Concat dim is out of range: " + std::to_string(concat_dim) + " vs. " +
                            std::to_string(rank));
  }
  int64_t offset = 0;
  for (int i = 0; i < num_shapes; ++i) {
    const std::vector<int64_t>& shape = shapes[i];
    if (static_cast<int64_t>(shape.size()) != rank) {
      return OpError(ctx, "input " + std::to_string(i) + " should contain " + std::to_string(rank) +
                              " elements, but got " + std::to_string(shape.size()));
    }
    std::vector<int64_t> offsets(rank, 0);
    for (int64_t j = 0; j < rank; ++j) {
      if (j == axis) {
        offsets[j] = offset;
        offset += shape[j];
      } else if (shape[j] != shapes[0][j]) {
        return OpError(ctx, "All dimensions except " + std::to_string(axis) +
                                " must match. Input " + std::to_string(i) + " has shape " +
                                ValuesToString(shape) + " and doesn't match input 0 with shape " +
                                ValuesToString(shapes[0]) + ".");
      }
    }
    TFTRT_ASSIGN_OR_RETURN(
        Tensor output, MakeIndexTensor(ctx, ctx.input(1 + i).dtype(), offsets, {rank}, "offset"));
    ctx.set_output(i, std::move(output));
  }
  return Status::Ok();
}

Status Pack(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const int num = ctx.num_inputs();
  TFTRT_RETURN_IF_ERROR(CheckValuesShareDtype(ctx, 0, num));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis_attr, GetIntAttr(ctx.node(), "axis"));
  const Shape& shape0 = ctx.input(0).shape();
  const int64_t expanded_rank = static_cast<int64_t>(shape0.size()) + 1;
  const int64_t axis = axis_attr < 0 ? axis_attr + expanded_rank : axis_attr;
  if (axis < 0 || axis >= expanded_rank) {
    return OpError(ctx, "axis = " + std::to_string(axis_attr) + " not in [" +
                            std::to_string(-expanded_rank) + ", " + std::to_string(expanded_rank) +
                            ")");
  }
  std::vector<const Tensor*> pieces;
  for (int i = 0; i < num; ++i) {
    if (ctx.input(i).shape() != shape0) {
      return OpError(ctx, "Shapes of all inputs must match: values[0].shape = " +
                              ShapeToString(shape0) + " != values[" + std::to_string(i) +
                              "].shape = " + ShapeToString(ctx.input(i).shape()));
    }
    pieces.push_back(&ctx.input(i));
  }
  Shape output_shape = shape0;
  output_shape.insert(output_shape.begin() + axis, num);
  Tensor output(ctx.input(0).dtype(), output_shape);
  ConcatRows(pieces, DimsProduct(shape0, 0, axis), output);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status Unpack(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(int64_t num, GetIntAttr(ctx.node(), "num"));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis_attr, GetIntAttr(ctx.node(), "axis"));
  const int64_t rank = input.rank();
  const int64_t axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  if (axis < 0 || axis >= rank) {
    return OpError(ctx, "axis = " + std::to_string(axis_attr) + " not in [" +
                            std::to_string(-rank) + ", " + std::to_string(rank) + ")");
  }
  if (input.dim(static_cast<int>(axis)) != num) {
    return OpError(ctx, "Input shape axis " + std::to_string(axis) + " must equal " +
                            std::to_string(num) + ", got shape " + ShapeToString(input.shape()));
  }
  Shape piece_shape = input.shape();
  piece_shape.erase(piece_shape.begin() + axis);
  std::vector<Tensor> pieces =
      SplitRows(input, DimsProduct(input.shape(), 0, axis), std::vector<Shape>(num, piece_shape));
  for (int64_t i = 0; i < num; ++i) ctx.set_output(static_cast<int>(i), std::move(pieces[i]));
  return Status::Ok();
}

// Splits `input` along `axis` (already in range) into pieces of `sizes`.
void SplitAlong(OpKernelContext& ctx, const Tensor& input, int64_t axis,
                const std::vector<int64_t>& sizes) {
  std::vector<Shape> shapes;
  for (int64_t size : sizes) {
    Shape shape = input.shape();
    shape[axis] = size;
    shapes.push_back(shape);
  }
  std::vector<Tensor> pieces = SplitRows(input, DimsProduct(input.shape(), 0, axis), shapes);
  for (size_t i = 0; i < pieces.size(); ++i) ctx.set_output(static_cast<int>(i), pieces[i]);
}

// The split axis of Split and SplitV: the int32 input `index`, in [-rank, rank).
StatusOr<int64_t> ReadSplitDim(const OpKernelContext& ctx, int index, int64_t rank) {
  if (ctx.input(index).NumElements() != 1) {
    return OpError(ctx, "split_dim_tensor must have exactly one element.");
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndexValues(ctx, index, "split_dim"));
  const int64_t split_dim = values[0] < 0 ? values[0] + rank : values[0];
  if (split_dim < 0 || split_dim >= rank) {
    return OpError(ctx, "-input rank(-" + std::to_string(rank) + ") <= split_dim < input rank (" +
                            std::to_string(rank) + "), but got " + std::to_string(values[0]));
  }
  return split_dim;
}

Status Split(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(int64_t num_split, GetIntAttr(ctx.node(), "num_split"));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ReadSplitDim(ctx, 0, input.rank()));
  if (num_split <= 0) {
    return OpError(ctx,
                   "Number of ways to split should be > 0, but got " + std::to_string(num_split));
  }
  const int64_t size = input.dim(static_cast<int>(axis));
  if (size % num_split != 0) {
    return OpError(ctx,
                   "Number of ways to split should evenly divide the split dimension, but got "
                   "split_dim " +
                       std::to_string(axis) + " (size = " + std::to_string(size) +
                       ") and num_split " + std::to_string(num_split));
  }
  SplitAlong(ctx, input, axis, std::vector<int64_t>(num_split, size / num_split));
  return Status::Ok();
}

Status SplitV(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& input = ctx.input(0);
  const Tensor& sizes_tensor = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(int64_t num_split, GetIntAttr(ctx.node(), "num_split"));
  if (ctx.input(2).NumElements() != 1) {
    return OpError(ctx, "split_dim_tensor must have exactly one element.");
  }
  if (sizes_tensor.rank() != 1 || sizes_tensor.NumElements() != num_split) {
    return OpError(ctx,
                   "size of the split_tensor must be 1-D and have the same elements as outputs "
                   "got " +
                       std::to_string(sizes_tensor.rank()) + " -D and " +
                       std::to_string(sizes_tensor.NumElements()) + " elements");
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ReadIndexValues(ctx, 1, "size_splits"));
  if (num_split <= 0) {
    return OpError(ctx,
                   "Number of ways to split should be > 0, but got " + std::to_string(num_split));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, ReadSplitDim(ctx, 2, input.rank()));
  const int64_t input_size = input.dim(static_cast<int>(axis));
  if (num_split == 1) {
    if (sizes[0] != input_size) {
      return OpError(ctx,
                     "If there is only one output, it must have the same size as the input. "
                     "Input size: " +
                         std::to_string(input_size) + " output size: " + std::to_string(sizes[0]));
    }
    ctx.set_output(0, input);
    return Status::Ok();
  }
  int neg_one_dim = -1;
  int64_t determined_size = 0;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == -1) {
      if (neg_one_dim != -1) return OpError(ctx, "There can only be one -1 in the input.");
      neg_one_dim = static_cast<int>(d);
    } else {
      determined_size += sizes[d];
    }
  }
  if (!((neg_one_dim == -1 && determined_size == input_size) ||
        (neg_one_dim >= 0 && determined_size <= input_size))) {
    return OpError(ctx,
                   "Determined shape must either match input shape along split_dim exactly if "
                   "fully specified, or be less than the size of the input along split_dim if "
                   "not fully specified.  Got: " +
                       std::to_string(determined_size));
  }
  if (neg_one_dim >= 0) sizes[neg_one_dim] = input_size - determined_size;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 0) {
      return OpError(ctx, "Split size at index " + std::to_string(i) +
                              " must be >= 0. Got: " + std::to_string(sizes[i]));
    }
  }
  SplitAlong(ctx, input, axis, sizes);
  return Status::Ok();
}

// DynamicStitch(indices[0..N), data[0..N)): merged[indices[i][j], ...] = data[i][j, ...],
// later pieces overwriting earlier ones. Rows no index names stay zero.
Status DynamicStitch(OpKernelContext& ctx) {
  const int n = ctx.num_inputs() / 2;
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2 * n));
  if (n < 1 || ctx.num_inputs() != 2 * n) {
    return OpError(ctx, "expects N indices and N data inputs");
  }
  TFTRT_RETURN_IF_ERROR(CheckValuesShareDtype(ctx, n, n));
  std::vector<std::vector<int64_t>> indices(n);
  int64_t max_index = -1;
  for (int i = 0; i < n; ++i) {
    TFTRT_ASSIGN_OR_RETURN(indices[i], ReadIndexValues(ctx, i, "indices"));
    for (int64_t index : indices[i]) max_index = std::max(max_index, index);
  }
  const Shape& index0_shape = ctx.input(0).shape();
  const Shape& data0_shape = ctx.input(n).shape();
  const Shape suffix(data0_shape.begin() + std::min(index0_shape.size(), data0_shape.size()),
                     data0_shape.end());
  for (int i = 0; i < n; ++i) {
    const Shape& index_shape = ctx.input(i).shape();
    const Shape& data_shape = ctx.input(n + i).shape();
    if (data_shape.size() < index_shape.size() ||
        !std::equal(index_shape.begin(), index_shape.end(), data_shape.begin())) {
      return OpError(ctx, "data[" + std::to_string(i) + "].shape = " + ShapeToString(data_shape) +
                              " does not start with indices[" + std::to_string(i) +
                              "].shape = " + ShapeToString(index_shape));
    }
    if (!std::equal(data_shape.begin() + index_shape.size(), data_shape.end(), suffix.begin(),
                    suffix.end())) {
      return OpError(ctx, "Need data[0].shape[" + std::to_string(index0_shape.size()) +
                              ":] = data[" + std::to_string(i) + "].shape[" +
                              std::to_string(index_shape.size()) +
                              ":], got data[0].shape = " + ShapeToString(data0_shape) + ", data[" +
                              std::to_string(i) + "].shape = " + ShapeToString(data_shape));
    }
  }
  Shape output_shape = suffix;
  output_shape.insert(output_shape.begin(), max_index + 1);
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, ctx.input(n).dtype(), output_shape));
  Tensor output(ctx.input(n).dtype(), output_shape);
  const int64_t row = NumElements(suffix);
  Status status;
  VisitElementStorage(output.dtype(), [&]<typename S>(std::type_identity<S>) {
    S* out = StorageData<S>(output);
    for (int i = 0; i < n && status.ok(); ++i) {
      const S* data = StorageData<S>(ctx.input(n + i));
      for (size_t j = 0; j < indices[i].size(); ++j) {
        const int64_t index = indices[i][j];
        if (index < 0) {
          status = OpError(ctx, "indices[" + std::to_string(j) + "] is out of range");
          return;
        }
        std::copy_n(data + j * row, row, out + index * row);
      }
    }
  });
  TFTRT_RETURN_IF_ERROR(status);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterConcatSplitOps(KernelRegistry& registry) {
  registry.Register("ConcatV2", ConcatV2);
  registry.Register("Concat", Concat);
  registry.Register("ConcatOffset", ConcatOffset);
  registry.Register("Pack", Pack);
  registry.Register("Unpack", Unpack);
  registry.Register("Split", Split);
  registry.Register("SplitV", SplitV);
  registry.Register("DynamicStitch", DynamicStitch);
  registry.Register("ParallelDynamicStitch", DynamicStitch);
}

}  // namespace tftrt::array_ops
