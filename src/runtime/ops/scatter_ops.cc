// Scatter by N-d indices into a fresh tensor: ScatterNd (into zeros, duplicates summed;
// bools or-ed, strings concatenated),
// TensorScatterUpdate (into a copy of `tensor`, later updates win) and TensorScatterAdd.
// Shape checks and the out-of-range error follow tensorflow/core/kernels/scatter_nd_op.cc
// (CPU: a bad index is an error, "indices[i] = [..] does not index into shape [..]").
#include <algorithm>
#include <string>
#include <vector>

#include "kernels/cpu/combine.h"
#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

using array_ops::DimsProduct;
using array_ops::ValuesToString;

// The geometry of a scatter: `num_updates` slices of `slice_size` elements, each written
// at the flat slice position its `depth` index components name in `shape`.
struct ScatterGeometry {
  Shape shape;
  int64_t depth = 0;
  int64_t num_updates = 0;
  int64_t slice_size = 1;
  std::vector<int64_t> slice_offsets;  // per update, in elements of the output
};

// TF's ValidateUpdateShape: updates.shape == indices.shape[:-1] + shape[depth:].
Status CheckUpdatesShape(const OpKernelContext& ctx, const Shape& shape, const Tensor& indices,
                         const Tensor& updates) {
  const int64_t batch_dims = std::max<int64_t>(indices.rank() - 1, 0);
  const int64_t depth = indices.rank() == 0 ? 1 : indices.dim(indices.rank() - 1);
  auto mismatch = [&] {
    return OpError(ctx, "Dimensions [0," + std::to_string(batch_dims) +
                            ") of indices[shape=" + ShapeToString(indices.shape()) +
                            "] = must match dimensions [0," + std::to_string(batch_dims) +
                            ") of updates[shape=" + ShapeToString(updates.shape()) +
                            "] and dimensions [" + std::to_string(depth) + "," +
                            std::to_string(shape.size()) +
                            ") of input[shape=" + ShapeToString(shape) + "]");
  };
  if (updates.rank() < batch_dims) return mismatch();
  for (int64_t d = 0; d < batch_dims; ++d) {
    if (updates.dim(d) != indices.dim(d)) return mismatch();
  }
  const int64_t slice_rank = static_cast<int64_t>(shape.size()) - depth;
  if (updates.rank() - batch_dims != slice_rank) return mismatch();
  for (int64_t d = 0; d < slice_rank; ++d) {
    if (updates.dim(batch_dims + d) != shape[depth + d]) return mismatch();
  }
  return Status::Ok();
}

StatusOr<ScatterGeometry> MakeScatterGeometry(const OpKernelContext& ctx, Shape shape,
                                              int indices_input, int updates_input) {
  const Tensor& indices = ctx.input(indices_input);
  const Tensor& updates = ctx.input(updates_input);
  if (indices.dtype() != DataType::kInt32 && indices.dtype() != DataType::kInt64 &&
      indices.dtype() != DataType::kInt16) {
    return OpError(ctx, "indices must be int16, int32 or int64");
  }
  if (shape.empty()) return OpError(ctx, "Output must be at least 1-D, got shape: []");
  if (indices.rank() < 1) {
    return OpError(
        ctx, "Indices shape must have rank at least one. Found:" + ShapeToString(indices.shape()));
  }
  ScatterGeometry g;
  g.depth = indices.dim(indices.rank() - 1);
  if (g.depth > static_cast<int64_t>(shape.size())) {
    return OpError(ctx, "Index innermost dimension length must be <= output rank; saw: " +
                            std::to_string(g.depth) +
                            " vs. output rank: " + std::to_string(shape.size()));
  }
  TFTRT_RETURN_IF_ERROR(CheckUpdatesShape(ctx, shape, indices, updates));
  if (NumElements(shape) == 0 && indices.NumElements() > 0) {
    return OpError(ctx, "Indices and updates specified for empty output shape");
  }
  g.num_updates = DimsProduct(indices.shape(), 0, indices.rank() - 1);
  g.slice_size = DimsProduct(shape, g.depth, static_cast<int64_t>(shape.size()));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> index_values,
                         array_ops::ReadIndexValues(ctx, indices_input, "indices"));
  g.slice_offsets.resize(g.num_updates);
  for (int64_t u = 0; u < g.num_updates; ++u) {
    const int64_t* index = index_values.data() + u * g.depth;
    int64_t offset = 0;
    bool inside = true;
    for (int64_t d = 0; d < g.depth; ++d) {
      inside = inside && index[d] >= 0 && index[d] < shape[d];
      offset = offset * shape[d] + index[d];
    }
    if (!inside) {
      std::vector<int64_t> bad(index, index + g.depth);
      std::vector<int64_t> position;
      for (int64_t d = indices.rank() - 1, rem = u; d-- > 0;) {
        position.insert(position.begin(), rem % indices.dim(d));
        rem /= indices.dim(d);
      }
      return OpError(ctx, "indices" + ValuesToString(position) + " = " + ValuesToString(bad) +
                              " does not index into shape " + ShapeToString(shape));
    }
    g.slice_offsets[u] = offset * g.slice_size;
  }
  g.shape = std::move(shape);
  return g;
}

// Writes every update slice into `output`: assigned (`combine` empty) or combined.
Status ApplyUpdates(const OpKernelContext& ctx, const ScatterGeometry& g, const Tensor& updates,
                    Tensor& output, std::optional<CombineKind> combine) {
  if (!combine.has_value()) {
    VisitElementStorage(updates.dtype(), [&]<typename S>(std::type_identity<S>) {
      const S* in = StorageData<S>(updates);
      S* out = StorageData<S>(output);
      for (int64_t u = 0; u < g.num_updates; ++u) {
        std::copy_n(in + u * g.slice_size, g.slice_size, out + g.slice_offsets[u]);
      }
    });
    return Status::Ok();
  }
  const bool visited = VisitType(CombineTypes{}, updates.dtype(), [&]<typename T>() {
    const T* in = updates.flat<T>();
    T* out = output.flat<T>();
    for (int64_t u = 0; u < g.num_updates; ++u) {
      T* slice = out + g.slice_offsets[u];
      for (int64_t i = 0; i < g.slice_size; ++i) {
        slice[i] = CombineElements(*combine, slice[i], in[u * g.slice_size + i]);
      }
    }
  });
  if (!visited) {
    return OpError(ctx, "unsupported dtype " + std::string(DataTypeName(updates.dtype())));
  }
  return Status::Ok();
}

// ScatterNd's sum for bool and string updates, in update order.
template <typename T, typename Add>
void SumNonNumericUpdates(const ScatterGeometry& g, const Tensor& updates, Tensor& output,
                          Add add) {
  T* out = output.flat<T>();
  const T* in = updates.flat<T>();
  for (int64_t u = 0; u < g.num_updates; ++u) {
    for (int64_t i = 0; i < g.slice_size; ++i) {
      out[g.slice_offsets[u] + i] = add(out[g.slice_offsets[u] + i], in[u * g.slice_size + i]);
    }
  }
}

Status ScatterNd(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& shape_tensor = ctx.input(2);
  if (shape_tensor.rank() != 1) {
    return OpError(ctx, "Shape must be a 1-D vector, got " + ShapeToString(shape_tensor.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> shape, array_ops::ReadIndexValues(ctx, 2, "shape"));
  for (int64_t dim : shape) {
    if (dim < 0) return OpError(ctx, "shape must not be negative: " + ValuesToString(shape));
  }
  const Tensor& updates = ctx.input(1);
  TFTRT_RETURN_IF_ERROR(array_ops::CheckAllocatable(ctx, updates.dtype(), shape));
  TFTRT_ASSIGN_OR_RETURN(ScatterGeometry g, MakeScatterGeometry(ctx, shape, 0, 1));
  Tensor output(updates.dtype(), g.shape);
  if (updates.dtype() == DataType::kBool) {  // TF sums booleans as logical or
    SumNonNumericUpdates<bool>(g, updates, output, [](bool a, bool b) { return a || b; });
  } else if (updates.dtype() == DataType::kString) {  // and strings by concatenation
    SumNonNumericUpdates<std::string>(
        g, updates, output, [](const std::string& a, const std::string& b) { return a + b; });
  } else {
    TFTRT_RETURN_IF_ERROR(ApplyUpdates(ctx, g, updates, output, CombineKind::kSum));
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// TensorScatterUpdate / TensorScatterAdd(tensor, indices, updates).
Status TensorScatter(OpKernelContext& ctx, std::optional<CombineKind> combine) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 0));
  if (ctx.input(0).dtype() != ctx.input(2).dtype()) {
    return OpError(ctx, "tensor and updates must have the same dtype");
  }
  TFTRT_ASSIGN_OR_RETURN(ScatterGeometry g, MakeScatterGeometry(ctx, ctx.input(0).shape(), 1, 2));
  Tensor output = ctx.input(0).Clone();
  TFTRT_RETURN_IF_ERROR(ApplyUpdates(ctx, g, ctx.input(2), output, combine));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status TensorScatterUpdate(OpKernelContext& ctx) { return TensorScatter(ctx, std::nullopt); }
Status TensorScatterAdd(OpKernelContext& ctx) { return TensorScatter(ctx, CombineKind::kSum); }

}  // namespace

void RegisterScatterOps(KernelRegistry& registry) {
  registry.Register("ScatterNd", ScatterNd);
  registry.Register("TensorScatterUpdate", TensorScatterUpdate);
  registry.Register("TensorScatterAdd", TensorScatterAdd);
}

}  // namespace tftrt
