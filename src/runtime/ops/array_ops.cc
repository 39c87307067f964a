// Array ops that only compute or change shapes: Reshape, ExpandDims, Squeeze, Shape,
// ShapeN, Size, Rank, BroadcastArgs, InvertPermutation. Also RegisterArrayOps, which
// registers the whole family (the other files: fill_ops.cc, concat_split_ops.cc,
// slice_ops.cc, gather_ops.cc), and the helpers of array_ops_internal.h.
#include <algorithm>
#include <limits>
#include <set>

#include "common/memory_limit.h"
#include "graph/attrs.h"
#include "kernels/cpu/reshape.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace array_ops {

StatusOr<std::vector<int64_t>> ReadIndexValues(const OpKernelContext& ctx, int index,
                                               std::string_view what) {
  const Tensor& t = ctx.input(index);
  std::vector<int64_t> values(t.NumElements());
  switch (t.dtype()) {
    case DataType::kInt32:
      std::copy_n(t.flat<int32_t>(), values.size(), values.begin());
      break;
    case DataType::kInt64:
      std::copy_n(t.flat<int64_t>(), values.size(), values.begin());
      break;
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kUInt16:
    case DataType::kUInt32:
      for (size_t i = 0; i < values.size(); ++i) values[i] = t.ElementAsInt64(i);
      break;
    default:
      return OpError(ctx, std::string(what) + " must be an integer tensor, got " +
                              std::string(DataTypeName(t.dtype())));
  }
  return values;
}

StatusOr<int64_t> ReadIndexScalar(const OpKernelContext& ctx, int index, std::string_view what) {
  const Tensor& t = ctx.input(index);
  if (t.rank() > 1 || t.NumElements() != 1) {
    return OpError(ctx,
                   std::string(what) + " must be a scalar, got shape " + ShapeToString(t.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndexValues(ctx, index, what));
  return values[0];
}

// Before an op computes a shape-sized output: the memory limit (common/memory_limit.h),
// checked here to name the op; Tensor's constructor would refuse it as well.
Status CheckAllocatable(const OpKernelContext& ctx, DataType dtype, const Shape& shape) {
  for (int64_t d : shape) {
    if (d < 0) return OpError(ctx, "negative dimension in output shape " + ShapeToString(shape));
  }
  const Status status = CheckTensorAllocation(dtype, shape);
  if (!status.ok()) return Status(status.code(), ctx.node().op + ": " + status.message());
  return Status::Ok();
}

int64_t DimsProduct(const Shape& shape, int64_t begin, int64_t end) {
  int64_t product = 1;
  for (int64_t d = begin; d < end; ++d) product *= shape[d];
  return product;
}

std::string ValuesToString(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(values[i]);
  }
  return s + "]";
}

template <typename T>
StatusOr<Tensor> NarrowIndexTensor(const OpKernelContext& ctx, DataType dtype,
                                   const std::vector<int64_t>& values, Shape shape,
                                   std::string_view what) {
  Tensor t(dtype, std::move(shape));
  T* out = t.flat<T>();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] > std::numeric_limits<T>::max() || values[i] < std::numeric_limits<T>::min()) {
      return OpError(ctx, std::string(what) + " output type is " +
                              std::string(DataTypeName(dtype)) + " but " +
                              std::to_string(values[i]) + " does not fit");
    }
    out[i] = static_cast<T>(values[i]);
  }
  return t;
}

StatusOr<Tensor> MakeIndexTensor(const OpKernelContext& ctx, DataType dtype,
                                 const std::vector<int64_t>& values, Shape shape,
                                 std::string_view what) {
  switch (dtype) {
    case DataType::kInt64:
      return Tensor::FromVector(values, std::move(shape));
    case DataType::kInt32:
      return NarrowIndexTensor<int32_t>(ctx, dtype, values, shape, what);
    case DataType::kInt16:
      return NarrowIndexTensor<int16_t>(ctx, dtype, values, shape, what);
    default:
      return OpError(ctx, std::string(what) + " type must be int16, int32 or int64, got " +
                              std::string(DataTypeName(dtype)));
  }
}

namespace {

Status Reshape(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  const Tensor& sizes = ctx.input(1);
  // A scalar shape is TF's legacy spelling of a 1-element vector.
  if (sizes.rank() > 1) {
    return OpError(ctx, "sizes input must be 1-D, not " + ShapeToString(sizes.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(Shape requested, ReadIndexValues(ctx, 1, "shape"));
  StatusOr<Shape> shape = ResolveReshape(input.shape(), std::move(requested));
  if (!shape.ok()) return OpError(ctx, shape.status().message());
  TFTRT_ASSIGN_OR_RETURN(Tensor output, input.Reshaped(std::move(*shape)));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status ExpandDims(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  if (ctx.input(1).NumElements() != 1) {
    return OpError(ctx, "'dim' must be a tensor with a single value");
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> dim_values, ReadIndexValues(ctx, 1, "dim"));
  int64_t dim = dim_values[0];
  const int64_t rank = input.rank();
  if (dim < -1 - rank || dim > rank) {
    return OpError(ctx, "Tried to expand dim index " + std::to_string(dim) + " for tensor with " +
                            std::to_string(rank) + " dimensions.");
  }
  if (dim < 0) dim += rank + 1;
  Shape shape = input.shape();
  shape.insert(shape.begin() + dim, 1);
  TFTRT_ASSIGN_OR_RETURN(Tensor output, input.Reshaped(std::move(shape)));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status Squeeze(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> squeeze_dims,
                         GetIntListAttr(ctx.node(), "squeeze_dims"));
  const int64_t rank = input.rank();
  std::set<int64_t> wrapped;
  for (int64_t dim : squeeze_dims) {
    if (dim < -rank || dim >= rank) {
      return OpError(ctx, "Tried to squeeze dim index " + std::to_string(dim) +
                              " for tensor with " + std::to_string(rank) + " dimensions.");
    }
    wrapped.insert(dim < 0 ? dim + rank : dim);
  }
  Shape shape;
  for (int64_t i = 0; i < rank; ++i) {
    const int64_t size = input.dim(static_cast<int>(i));
    if (wrapped.empty()) {
      if (size != 1) shape.push_back(size);
    } else if (wrapped.contains(i)) {
      if (size != 1) {
        return OpError(ctx, "Can not squeeze dim[" + std::to_string(i) +
                                "], expected a dimension of 1, got " + std::to_string(size));
      }
    } else {
      shape.push_back(size);
    }
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor output, input.Reshaped(std::move(shape)));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// The out_type attribute of Shape, ShapeN and Size (int32 when absent, its default).
StatusOr<DataType> OutType(const OpKernelContext& ctx) {
  if (!HasAttr(ctx.node(), "out_type")) return DataType::kInt32;
  return GetTypeAttr(ctx.node(), "out_type");
}

Status ShapeOp(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(DataType out_type, OutType(ctx));
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Shape& shape = ctx.input(i).shape();
    TFTRT_ASSIGN_OR_RETURN(
        Tensor output,
        MakeIndexTensor(ctx, out_type, shape, {static_cast<int64_t>(shape.size())}, "Shape"));
    ctx.set_output(i, std::move(output));
  }
  return Status::Ok();
}

Status Size(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(DataType out_type, OutType(ctx));
  TFTRT_ASSIGN_OR_RETURN(Tensor output,
                         MakeIndexTensor(ctx, out_type, {ctx.input(0).NumElements()}, {}, "Size"));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status Rank(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  ctx.set_output(0, Tensor::Scalar<int32_t>(ctx.input(0).rank()));
  return Status::Ok();
}

Status BroadcastArgs(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  for (int i = 0; i < 2; ++i) {
    if (ctx.input(i).rank() != 1) {
      return OpError(ctx, "In[" + std::to_string(i) + "] must be a vector." +
                              ShapeToString(ctx.input(i).shape()));
    }
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> s0, ReadIndexValues(ctx, 0, "s0"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> s1, ReadIndexValues(ctx, 1, "s1"));
  // Right-aligned: each pair of dimensions must be equal or contain a 1.
  const size_t rank = std::max(s0.size(), s1.size());
  std::vector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t a = i < rank - s0.size() ? 1 : s0[i - (rank - s0.size())];
    const int64_t b = i < rank - s1.size() ? 1 : s1[i - (rank - s1.size())];
    if (a != b && a != 1 && b != 1) {
      return OpError(ctx,
                     "Incompatible shapes: " + ValuesToString(s0) + " vs. " + ValuesToString(s1));
    }
    result[i] = a == 1 ? b : a;
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor output,
                         MakeIndexTensor(ctx, ctx.input(0).dtype(), result,
                                         {static_cast<int64_t>(rank)}, "BroadcastArgs"));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status InvertPermutation(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  if (ctx.input(0).rank() != 1) return OpError(ctx, "invert_permutation expects a 1D vector.");
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ReadIndexValues(ctx, 0, "x"));
  const int64_t n = static_cast<int64_t>(perm.size());
  std::vector<int64_t> inverse(n, -1);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t d = perm[i];
    if (d < 0 || d >= n) {
      return OpError(ctx, std::to_string(d) + " is not between 0 and " + std::to_string(n));
    }
    if (inverse[d] != -1) return OpError(ctx, std::to_string(d) + " is duplicated in the input.");
    inverse[d] = i;
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor output,
                         MakeIndexTensor(ctx, ctx.input(0).dtype(), inverse, {n}, "y"));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterShapeOps(KernelRegistry& registry) {
  registry.Register("Reshape", Reshape);
  registry.Register("ExpandDims", ExpandDims);
  registry.Register("Squeeze", Squeeze);
  registry.Register("Shape", ShapeOp);
  registry.Register("ShapeN", ShapeOp);
  registry.Register("Size", Size);
  registry.Register("Rank", Rank);
  registry.Register("BroadcastArgs", BroadcastArgs);
  registry.Register("InvertPermutation", InvertPermutation);
}

}  // namespace array_ops

void RegisterArrayOps(KernelRegistry& registry) {
  array_ops::RegisterShapeOps(registry);
  array_ops::RegisterFillOps(registry);
  array_ops::RegisterConcatSplitOps(registry);
  array_ops::RegisterSliceOps(registry);
  array_ops::RegisterGatherOps(registry);
}

}  // namespace tftrt
