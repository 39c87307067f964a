// Array ops that pick elements by index or by value: GatherV2, Gather, GatherNd, Where,
// TopKV2, Unique.
#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "graph/attrs.h"
#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt::array_ops {
namespace {

// "[1,2]": the coordinates of flat element `index` of `shape` ("" for a scalar), as TF
// names a bad index ("indices[1,2] = 7 is not in [0, 5)").
std::string Coordinates(const Shape& shape, int64_t index) {
  if (shape.empty()) return "";
  std::vector<int64_t> coords(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    coords[d] = shape[d] == 0 ? 0 : index % shape[d];
    index = shape[d] == 0 ? 0 : index / shape[d];
  }
  return ValuesToString(coords);
}

// GatherV2(params, indices, axis) with batch_dims, and Gather(params, indices) (axis 0).
Status GatherImpl(OpKernelContext& ctx, bool has_axis_input) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, has_axis_input ? 3 : 2));
  const Tensor& params = ctx.input(0);
  const Tensor& indices_tensor = ctx.input(1);
  int64_t batch_dims = 0;
  if (HasAttr(ctx.node(), "batch_dims")) {
    TFTRT_ASSIGN_OR_RETURN(batch_dims, GetIntAttr(ctx.node(), "batch_dims"));
  }
  const int64_t params_rank = params.rank();
  const int64_t indices_rank = indices_tensor.rank();
  if (params_rank < 1) return OpError(ctx, "params must be at least 1 dimensional");
  if (params_rank < batch_dims) {
    return OpError(ctx, "params must have at least " + std::to_string(batch_dims) +
                            " (batch_dims) dimensions but it has shape " +
                            ShapeToString(params.shape()));
  }
  int64_t axis = 0;
  if (has_axis_input) {
    if (ctx.input(2).rank() != 0) return OpError(ctx, "axis must be scalar");
    TFTRT_ASSIGN_OR_RETURN(axis, ReadIndexScalar(ctx, 2, "axis"));
  }
  const int64_t min_params_rank = axis < 0 ? -axis : axis + 1;
  if (params_rank < min_params_rank) {
    return OpError(ctx, "Shape must be at least rank " + std::to_string(min_params_rank) +
                            " but is rank " + std::to_string(params_rank));
  }
  if (axis < 0) axis += params_rank;
  if (batch_dims != 0) {
    if (batch_dims < -indices_rank || batch_dims > indices_rank) {
      return OpError(ctx, "Expected batch_dims in the range [" + std::to_string(-indices_rank) +
                              ", " + std::to_string(indices_rank) + "], but got " +
                              std::to_string(batch_dims));
    }
    if (batch_dims < 0) batch_dims += indices_rank;
    if (!has_axis_input) axis = batch_dims;
    if (batch_dims >= params_rank) {
      return OpError(ctx, "batch_dims (" + std::to_string(batch_dims) +
                              ") must be less than rank(params) (" + std::to_string(params_rank) +
                              ").");
    }
    if (axis < batch_dims) {
      return OpError(ctx, "batch_dims (" + std::to_string(batch_dims) +
                              ") must be less than or equal to axis (" + std::to_string(axis) +
                              ").");
    }
    for (int i = 0; i < batch_dims; ++i) {
      if (params.dim(i) != indices_tensor.dim(i)) {
        return OpError(ctx, "params.shape[" + std::to_string(i) +
                                "]: " + std::to_string(params.dim(i)) +
                                " should be equal to indices.shape[" + std::to_string(i) +
                                "]: " + std::to_string(indices_tensor.dim(i)));
      }
    }
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexValues(ctx, 1, "indices"));

  // params: [batch, outer, limit, inner]; output: [batch, outer, indices per batch, inner].
  const Shape& pshape = params.shape();
  const int64_t batch = DimsProduct(pshape, 0, batch_dims);
  const int64_t outer = DimsProduct(pshape, batch_dims, axis);
  const int64_t limit = pshape[axis];
  const int64_t inner = DimsProduct(pshape, axis + 1, params_rank);
  Shape output_shape(pshape.begin(), pshape.begin() + axis);
  output_shape.insert(output_shape.end(), indices_tensor.shape().begin() + batch_dims,
                      indices_tensor.shape().end());
  output_shape.insert(output_shape.end(), pshape.begin() + axis + 1, pshape.end());
  Tensor output(params.dtype(), output_shape);
  if (output.NumElements() == 0) {  // nothing is read, so no index is checked (as TF)
    ctx.set_output(0, std::move(output));
    return Status::Ok();
  }
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] < 0 || indices[i] >= limit) {
      return OpError(ctx, "indices" + Coordinates(indices_tensor.shape(), i) + " = " +
                              std::to_string(indices[i]) + " is not in [0, " +
                              std::to_string(limit) + ")");
    }
  }
  const int64_t per_batch = static_cast<int64_t>(indices.size()) / batch;
  VisitElementStorage(params.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(params);
    S* out = StorageData<S>(output);
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t* batch_indices = indices.data() + b * per_batch;
      for (int64_t o = 0; o < outer; ++o) {
        const S* rows = in + (b * outer + o) * limit * inner;
        for (int64_t i = 0; i < per_batch; ++i) {
          out = std::copy_n(rows + batch_indices[i] * inner, inner, out);
        }
      }
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status GatherV2(OpKernelContext& ctx) { return GatherImpl(ctx, /*has_axis_input=*/true); }
Status Gather(OpKernelContext& ctx) { return GatherImpl(ctx, /*has_axis_input=*/false); }

Status GatherNd(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& params = ctx.input(0);
  const Tensor& indices_tensor = ctx.input(1);
  std::string policy;
  if (HasAttr(ctx.node(), "bad_indices_policy")) {
    TFTRT_ASSIGN_OR_RETURN(policy, GetStringAttr(ctx.node(), "bad_indices_policy"));
  }
  if (policy != "" && policy != "DEFAULT" && policy != "ERROR" && policy != "IGNORE") {
    return OpError(ctx, "unknown bad_indices_policy '" + policy + "'");
  }
  if (params.rank() < 1) return OpError(ctx, "params must be at least a vector");
  if (indices_tensor.rank() < 1) return OpError(ctx, "indices must be at least a vector");
  const int64_t depth = indices_tensor.dim(indices_tensor.rank() - 1);
  if (depth > params.rank()) {
    return OpError(ctx, "index innermost dimension length must be <= params rank; saw: " +
                            std::to_string(depth) + " vs. " + std::to_string(params.rank()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexValues(ctx, 1, "indices"));
  // Output: indices.shape[:-1] + params.shape[depth:]; each index row picks one slice.
  const Shape row_shape(indices_tensor.shape().begin(), indices_tensor.shape().end() - 1);
  Shape output_shape = row_shape;
  output_shape.insert(output_shape.end(), params.shape().begin() + depth, params.shape().end());
  const int64_t num_rows = NumElements(row_shape);
  const int64_t slice = DimsProduct(params.shape(), depth, params.rank());
  Tensor output(params.dtype(), output_shape);
  if (num_rows > 0 && params.NumElements() == 0) {
    return OpError(ctx, "Requested more than 0 entries, but params is empty.  Params shape: " +
                            ShapeToString(params.shape()));
  }
  std::vector<int64_t> offsets(num_rows);  // -1: out of range, to be zero-filled
  for (int64_t r = 0; r < num_rows; ++r) {
    int64_t offset = 0;
    bool in_range = true;
    for (int64_t j = 0; j < depth; ++j) {
      const int64_t index = indices[r * depth + j];
      in_range &= index >= 0 && index < params.dim(static_cast<int>(j));
      offset = offset * params.dim(static_cast<int>(j)) + index;
    }
    if (!in_range && policy != "IGNORE") {
      std::vector<int64_t> bad(indices.begin() + r * depth, indices.begin() + (r + 1) * depth);
      std::string joined;
      for (size_t j = 0; j < bad.size(); ++j) joined += (j ? ", " : "") + std::to_string(bad[j]);
      return OpError(ctx, "indices" + Coordinates(row_shape, r) + " = [" + joined +
                              "] does not index into param shape " + ShapeToString(params.shape()) +
                              ", node name: " + ctx.node().name);
    }
    offsets[r] = in_range ? offset * slice : -1;
  }
  VisitElementStorage(params.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(params);
    S* out = StorageData<S>(output);
    for (int64_t r = 0; r < num_rows; ++r) {
      if (offsets[r] >= 0) std::copy_n(in + offsets[r], slice, out + r * slice);
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status Where(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  if (input.rank() == 0) return OpError(ctx, "WhereOp : Unhandled input dimensions: 0");
  const int64_t n = input.NumElements();
  std::vector<int64_t> true_offsets;
  auto collect = [&](auto is_true) {
    for (int64_t i = 0; i < n; ++i) {
      if (is_true(i)) true_offsets.push_back(i);
    }
  };
  switch (input.dtype()) {
    case DataType::kFloat:
      collect([&](int64_t i) { return input.flat<float>()[i] != 0.0f; });
      break;
    case DataType::kDouble:
      collect([&](int64_t i) { return input.flat<double>()[i] != 0.0; });
      break;
    case DataType::kHalf:
      collect([&](int64_t i) { return (input.flat<Half>()[i].bits & 0x7fff) != 0; });
      break;
    case DataType::kBFloat16:
      collect([&](int64_t i) { return (input.flat<BFloat16>()[i].bits & 0x7fff) != 0; });
      break;
    case DataType::kComplex64:
      collect([&](int64_t i) {
        const Complex64& c = input.flat<Complex64>()[i];
        return c.re != 0.0f || c.im != 0.0f;
      });
      break;
    case DataType::kComplex128:
      collect([&](int64_t i) {
        const Complex128& c = input.flat<Complex128>()[i];
        return c.re != 0.0 || c.im != 0.0;
      });
      break;
    case DataType::kString:
    case DataType::kVariant:
    case DataType::kResource:
      return OpError(ctx, "unsupported type " + std::string(DataTypeName(input.dtype())));
    default:  // integers and bool: nonzero iff any bit is set
      VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
        if constexpr (std::is_integral_v<S>) {
          const S* values = StorageData<S>(input);
          collect([&](int64_t i) { return values[i] != 0; });
        }
      });
  }
  const int rank = input.rank();
  const int64_t num_true = static_cast<int64_t>(true_offsets.size());
  Tensor output(DataType::kInt64, {num_true, rank});
  int64_t* out = output.flat<int64_t>();
  for (int64_t t = 0; t < num_true; ++t) {
    int64_t offset = true_offsets[t];
    for (int d = rank - 1; d >= 0; --d) {
      out[t * rank + d] = offset % input.dim(d);
      offset /= input.dim(d);
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// The top k column indices of one row of `keys`, in TF's CPU order (topk_op.cc):
//  * k == 1: the first maximum;
//  * k == n: all columns by descending value, ties by ascending column;
//  * otherwise TF's gtl::TopN heap under that order: the first k + 1 columns are heapified
//    and the worst dropped, then each better column replaces the heap's worst. The result
//    is sorted (sorted=true) or left in heap order (sorted=false), which is what TF returns
//    unsorted; this sequence of heap operations reproduces it exactly.
template <typename K>
void TopKRow(const K* keys, int64_t n, int64_t k, bool sorted, int64_t* result) {
  auto greater = [keys](int64_t a, int64_t b) {
    if (keys[b] < keys[a]) return true;
    if (keys[b] > keys[a]) return false;
    return a < b;
  };
  if (k == 1) {
    int64_t best = 0;
    for (int64_t c = 1; c < n; ++c) {
      if (keys[c] > keys[best]) best = c;
    }
    result[0] = best;
    return;
  }
  if (k == n) {
    std::iota(result, result + n, int64_t{0});
    std::sort(result, result + n, greater);
    return;
  }
  // A min-heap (under `greater`) of the best k columns seen so far.
  std::vector<int64_t> heap(k + 1);
  std::iota(heap.begin(), heap.end(), int64_t{0});
  std::make_heap(heap.begin(), heap.end(), greater);
  std::pop_heap(heap.begin(), heap.end(), greater);
  heap.pop_back();
  for (int64_t c = k + 1; c < n; ++c) {
    if (greater(c, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), greater);
      heap.back() = c;
      std::push_heap(heap.begin(), heap.end(), greater);
    }
  }
  if (sorted) std::sort_heap(heap.begin(), heap.end(), greater);
  std::copy(heap.begin(), heap.end(), result);
}

// Runs TopKRow on every row, with the row's values converted to the comparison type K.
template <typename K, typename Convert>
std::vector<int64_t> TopKIndices(int64_t rows, int64_t n, int64_t k, bool sorted, Convert convert) {
  std::vector<int64_t> indices(rows * k);
  std::vector<K> keys(n);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < n; ++c) keys[c] = convert(r * n + c);
    TopKRow(keys.data(), n, k, sorted, indices.data() + r * k);
  }
  return indices;
}

Status TopKV2(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& input = ctx.input(0);
  if (ctx.input(1).rank() != 0) {
    return OpError(ctx, "k must be scalar, got shape " + ShapeToString(ctx.input(1).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t k, ReadIndexScalar(ctx, 1, "k"));
  TFTRT_ASSIGN_OR_RETURN(bool sorted, GetBoolAttr(ctx.node(), "sorted"));
  DataType index_type = DataType::kInt32;
  if (HasAttr(ctx.node(), "index_type")) {
    TFTRT_ASSIGN_OR_RETURN(index_type, GetTypeAttr(ctx.node(), "index_type"));
  }
  if (k < 0) return OpError(ctx, "Need k >= 0, got " + std::to_string(k));
  if (input.rank() < 1) {
    return OpError(ctx, "input must be >= 1-D, got shape " + ShapeToString(input.shape()));
  }
  const int64_t n = input.dim(input.rank() - 1);
  if (n < k) {
    return OpError(ctx, "input must have at least k columns. Had " + std::to_string(n) +
                            ", needed " + std::to_string(k));
  }
  const int64_t rows = n == 0 ? 0 : input.NumElements() / n;
  Shape output_shape = input.shape();
  output_shape.back() = k;
  std::vector<int64_t> indices;
  if (k > 0 && rows > 0) {
    auto as_double = [&](int64_t i) { return input.ElementAsDouble(i); };
    switch (input.dtype()) {
      case DataType::kFloat: {
        const float* v = input.flat<float>();
        indices = TopKIndices<float>(rows, n, k, sorted, [v](int64_t i) { return v[i]; });
        break;
      }
      case DataType::kDouble:
      case DataType::kHalf:
      case DataType::kBFloat16:
        indices = TopKIndices<double>(rows, n, k, sorted, as_double);
        break;
      case DataType::kInt8:
      case DataType::kUInt8:
      case DataType::kInt16:
      case DataType::kUInt16:
      case DataType::kInt32:
      case DataType::kUInt32:
      case DataType::kInt64:
        indices = TopKIndices<int64_t>(rows, n, k, sorted,
                                       [&](int64_t i) { return input.ElementAsInt64(i); });
        break;
      case DataType::kUInt64: {
        const uint64_t* v = input.flat<uint64_t>();
        indices = TopKIndices<uint64_t>(rows, n, k, sorted, [v](int64_t i) { return v[i]; });
        break;
      }
      default:
        return OpError(ctx, "unsupported type " + std::string(DataTypeName(input.dtype())));
    }
  }
  // Values: the input elements at the chosen columns, copied bit-exactly.
  std::vector<int64_t> offsets(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) offsets[i] = (i / k) * n + indices[i];
  Tensor values(input.dtype(), output_shape);
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(input);
    S* out = StorageData<S>(values);
    for (size_t i = 0; i < offsets.size(); ++i) out[i] = in[offsets[i]];
  });
  TFTRT_ASSIGN_OR_RETURN(Tensor index_tensor,
                         MakeIndexTensor(ctx, index_type, indices, output_shape, "indices"));
  ctx.set_output(0, std::move(values));
  ctx.set_output(1, std::move(index_tensor));
  return Status::Ok();
}

// Unique over values of C++ type T: y holds each distinct value once, in order of first
// appearance; idx maps each input element to its position in y. Values compare with ==
// (so 0.0 and -0.0 are one value and every NaN is distinct, as in TF).
template <typename T>
std::vector<int64_t> UniquePositions(const T* values, int64_t n, std::vector<int64_t>& firsts) {
  std::unordered_map<T, int64_t> position;
  std::vector<int64_t> idx(n);
  for (int64_t i = 0; i < n; ++i) {
    auto [it, inserted] = position.try_emplace(values[i], static_cast<int64_t>(firsts.size()));
    if (inserted) firsts.push_back(i);
    idx[i] = it->second;
  }
  return idx;
}

Status Unique(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  if (input.rank() != 1) {
    return OpError(ctx, "unique expects a 1D vector, got shape " + ShapeToString(input.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(DataType out_idx, GetTypeAttr(ctx.node(), "out_idx"));
  const int64_t n = input.NumElements();
  std::vector<int64_t> firsts;  // input position of each distinct value
  std::vector<int64_t> idx;
  switch (input.dtype()) {
    case DataType::kFloat:
      idx = UniquePositions(input.flat<float>(), n, firsts);
      break;
    case DataType::kDouble:
      idx = UniquePositions(input.flat<double>(), n, firsts);
      break;
    case DataType::kString:
      idx = UniquePositions(input.flat<std::string>(), n, firsts);
      break;
    case DataType::kHalf:
    case DataType::kBFloat16:
    case DataType::kComplex64:
    case DataType::kComplex128:
    case DataType::kVariant:
    case DataType::kResource:
      return OpError(ctx, "unsupported type " + std::string(DataTypeName(input.dtype())));
    default:  // integers and bool: equal values have equal bits
      VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
        if constexpr (std::is_integral_v<S>)
          idx = UniquePositions(StorageData<S>(input), n, firsts);
      });
  }
  Tensor y(input.dtype(), {static_cast<int64_t>(firsts.size())});
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(input);
    S* out = StorageData<S>(y);
    for (size_t i = 0; i < firsts.size(); ++i) out[i] = in[firsts[i]];
  });
  TFTRT_ASSIGN_OR_RETURN(Tensor idx_tensor, MakeIndexTensor(ctx, out_idx, idx, {n}, "idx"));
  ctx.set_output(0, std::move(y));
  ctx.set_output(1, std::move(idx_tensor));
  return Status::Ok();
}

}  // namespace

void RegisterGatherOps(KernelRegistry& registry) {
  registry.Register("GatherV2", GatherV2);
  registry.Register("Gather", Gather);
  registry.Register("GatherNd", GatherNd);
  registry.Register("Where", Where);
  registry.Register("TopKV2", TopKV2);
  registry.Register("Unique", Unique);
}

}  // namespace tftrt::array_ops
