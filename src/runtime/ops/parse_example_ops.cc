// ParseExample and ParseExampleV2: decode serialized tf.train.Example protos
// (proto/example.proto) into dense, sparse and ragged tensors, as TF's fast parser does.
//
// For a batch of B examples (V2 also takes a single scalar example, then there is no batch
// dimension in any output):
// - dense feature d of shape S: a [B] + S tensor; a missing feature takes dense_defaults[d]
//   (an empty default makes the feature required). A shape whose first dimension is
//   unknown is "variable length": [B, rows, S[1:]...] with rows the most any example has,
//   padded with the (single-element) default.
// - sparse feature: indices [N, 2] (example, position), values [N], dense shape
//   [B, most values of any example].
// - ragged feature (V2): values [N] and row splits [B + 1] (empty for a scalar example).
// A feature present but empty (no value list set) counts as missing, as in TF.
#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/logging.h"
#include "graph/attrs.h"
#include "proto/example.pb.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

struct DenseFeature {
  std::string key;
  DataType dtype = DataType::kInvalid;
  // The shape of one example's value; for a variable-length feature, of one row (the
  // declared shape without its unknown first dimension).
  Shape shape;
  bool variable_length = false;
  Tensor default_value;
};

struct SparseFeature {
  std::string key;
  DataType dtype = DataType::kInvalid;
};

struct RaggedFeature {
  std::string key;
  DataType dtype = DataType::kInvalid;
  DataType splits_dtype = DataType::kInvalid;
};

struct ParseSpec {
  std::vector<DenseFeature> dense;
  std::vector<SparseFeature> sparse;
  std::vector<RaggedFeature> ragged;
};

// The parsed examples of the `serialized` input.
struct ExampleBatch {
  std::string op;
  bool scalar = false;  // a single example given as a scalar (V2): no batch dimension
  std::vector<tensorflow::Example> examples;
  std::vector<std::string> names;  // empty, or one per example

  int64_t size() const { return static_cast<int64_t>(examples.size()); }
  // The batch dimensions every output starts with.
  Shape BatchShape() const { return scalar ? Shape{} : Shape{size()}; }
  // An InvalidArgument about example `index`: "ParseExampleV2: example 1 (name 'a'): ...".
  Status Error(int64_t index, const std::string& message) const {
    std::string where = "example " + std::to_string(index);
    if (!names.empty()) where += " (name '" + names[index] + "')";
    return Status::InvalidArgument(op + ": " + where + ": " + message);
  }
};

// ---- Reading features ----

// The feature `key` of `example`, or null if it is absent or holds no value list.
const tensorflow::Feature* FindFeature(const tensorflow::Example& example, const std::string& key) {
  const auto& features = example.features().feature();
  auto it = features.find(key);
  if (it == features.end() || it->second.kind_case() == tensorflow::Feature::KIND_NOT_SET) {
    return nullptr;
  }
  return &it->second;
}

DataType FeatureDtype(const tensorflow::Feature& feature) {
  switch (feature.kind_case()) {
    case tensorflow::Feature::kFloatList:
      return DataType::kFloat;
    case tensorflow::Feature::kInt64List:
      return DataType::kInt64;
    case tensorflow::Feature::kBytesList:
      return DataType::kString;
    default:
      return DataType::kInvalid;
  }
}

// The value list of a feature of element type T (float, int64_t or std::string).
template <typename T>
using ValueList = std::conditional_t<std::is_same_v<T, std::string>,
                                     google::protobuf::RepeatedPtrField<std::string>,
                                     google::protobuf::RepeatedField<T>>;

template <typename T>
const ValueList<T>& FeatureValues(const tensorflow::Feature& feature) {
  if constexpr (std::is_same_v<T, float>) {
    return feature.float_list().value();
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return feature.int64_list().value();
  } else {
    return feature.bytes_list().value();
  }
}

// The values of feature `key` in example `index`: null if missing, an error if it holds
// another type than T.
template <typename T>
StatusOr<const ValueList<T>*> FindValues(const ExampleBatch& batch, int64_t index,
                                         const std::string& key) {
  const tensorflow::Feature* feature = FindFeature(batch.examples[index], key);
  if (feature == nullptr) return nullptr;
  const DataType held = FeatureDtype(*feature);
  if (held != DataTypeOf<T>()) {
    return batch.Error(index, "feature '" + key + "' holds " + std::string(DataTypeName(held)) +
                                  " values, but " + std::string(DataTypeName(DataTypeOf<T>())) +
                                  " was requested");
  }
  return &FeatureValues<T>(*feature);
}

// Calls fn.template operator()<T>() with the element type of a feature dtype.
template <typename Fn>
Status VisitFeatureType(DataType dtype, Fn&& fn) {
  switch (dtype) {
    case DataType::kFloat:
      return fn.template operator()<float>();
    case DataType::kInt64:
      return fn.template operator()<int64_t>();
    case DataType::kString:
      return fn.template operator()<std::string>();
    default:
      return Status::Internal("not a feature dtype: " + std::string(DataTypeName(dtype)));
  }
}

// ---- Outputs ----

template <typename T>
StatusOr<Tensor> ParseDense(const ExampleBatch& batch, const DenseFeature& feature) {
  const int64_t row_size = NumElements(feature.shape);
  const int64_t fixed_size = feature.variable_length ? 0 : row_size;
  const T* default_values = feature.default_value.flat<T>();
  std::vector<const ValueList<T>*> found(batch.size());
  int64_t max_rows = 0;
  for (int64_t i = 0; i < batch.size(); ++i) {
    TFTRT_ASSIGN_OR_RETURN(found[i], FindValues<T>(batch, i, feature.key));
    if (found[i] == nullptr) {
      if (!feature.variable_length && feature.default_value.NumElements() == 0) {
        return batch.Error(i, "feature '" + feature.key + "' (" +
                                  std::string(DataTypeName(feature.dtype)) +
                                  ") is required but could not be found");
      }
      continue;
    }
    const int64_t count = found[i]->size();
    if (feature.variable_length) {
      if (row_size == 0 ? count != 0 : count % row_size != 0) {
        return batch.Error(i, "feature '" + feature.key + "' has " + std::to_string(count) +
                                  " values, not a multiple of its row shape " +
                                  ShapeToString(feature.shape));
      }
      if (row_size != 0) max_rows = std::max(max_rows, count / row_size);
    } else if (count != fixed_size) {
      return batch.Error(i, "feature '" + feature.key + "' has " + std::to_string(count) +
                                " values, but its shape " + ShapeToString(feature.shape) +
                                " needs " + std::to_string(fixed_size));
    }
  }

  Shape shape = batch.BatchShape();
  if (feature.variable_length) shape.push_back(max_rows);
  shape.insert(shape.end(), feature.shape.begin(), feature.shape.end());
  const int64_t example_size = feature.variable_length ? max_rows * row_size : fixed_size;
  Tensor out(feature.dtype, shape);
  T* data = out.flat<T>();
  for (int64_t i = 0; i < batch.size(); ++i) {
    T* dst = data + i * example_size;
    T* const end = dst + example_size;
    if (found[i] != nullptr) {
      dst = std::copy(found[i]->begin(), found[i]->end(), dst);
    } else if (!feature.variable_length) {
      dst = std::copy(default_values, default_values + fixed_size, dst);
    }
    // The rest of a variable-length example is padding: the default's single element.
    if (feature.variable_length) std::fill(dst, end, default_values[0]);
  }
  return out;
}

// The values of a sparse or ragged feature in every example, concatenated.
struct ConcatenatedValues {
  Tensor values;
  std::vector<int64_t> row_splits;  // size + 1 entries: example i is [splits[i], splits[i+1])
};

template <typename T>
StatusOr<ConcatenatedValues> Concatenate(const ExampleBatch& batch, const std::string& key,
                                         DataType dtype) {
  ConcatenatedValues result;
  result.row_splits.push_back(0);
  std::vector<const ValueList<T>*> found(batch.size());
  for (int64_t i = 0; i < batch.size(); ++i) {
    TFTRT_ASSIGN_OR_RETURN(found[i], FindValues<T>(batch, i, key));
    result.row_splits.push_back(result.row_splits.back() + (found[i] ? found[i]->size() : 0));
  }
  result.values = Tensor(dtype, {result.row_splits.back()});
  T* data = result.values.flat<T>();
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (found[i] != nullptr) {
      std::copy(found[i]->begin(), found[i]->end(), data + result.row_splits[i]);
    }
  }
  return result;
}

// Sets the sparse feature's indices, values and dense shape.
template <typename T>
Status ParseSparse(const ExampleBatch& batch, const SparseFeature& feature, Tensor* indices,
                   Tensor* values, Tensor* dense_shape) {
  TFTRT_ASSIGN_OR_RETURN(ConcatenatedValues parsed,
                         Concatenate<T>(batch, feature.key, feature.dtype));
  const int64_t count = parsed.row_splits.back();
  const int64_t rank = batch.scalar ? 1 : 2;
  *indices = Tensor(DataType::kInt64, {count, rank});
  int64_t* index = indices->flat<int64_t>();
  int64_t max_count = 0;
  for (int64_t i = 0; i < batch.size(); ++i) {
    const int64_t begin = parsed.row_splits[i], end = parsed.row_splits[i + 1];
    max_count = std::max(max_count, end - begin);
    for (int64_t j = begin; j < end; ++j) {
      if (!batch.scalar) *index++ = i;
      *index++ = j - begin;
    }
  }
  *values = std::move(parsed.values);
  *dense_shape = batch.scalar ? Tensor::FromVector<int64_t>({max_count})
                              : Tensor::FromVector<int64_t>({batch.size(), max_count});
  return Status::Ok();
}

// Sets the ragged feature's values and row splits.
template <typename T>
Status ParseRagged(const ExampleBatch& batch, const RaggedFeature& feature, Tensor* values,
                   Tensor* row_splits) {
  TFTRT_ASSIGN_OR_RETURN(ConcatenatedValues parsed,
                         Concatenate<T>(batch, feature.key, feature.dtype));
  *values = std::move(parsed.values);
  // A single (scalar) example has no rows to split: TF returns no splits at all.
  if (batch.scalar) parsed.row_splits.clear();
  if (feature.splits_dtype == DataType::kInt32) {
    *row_splits = Tensor::FromVector(
        std::vector<int32_t>(parsed.row_splits.begin(), parsed.row_splits.end()));
  } else {
    *row_splits = Tensor::FromVector(parsed.row_splits);
  }
  return Status::Ok();
}

// ---- The op ----

Status CheckFeatureDtype(const OpKernelContext& ctx, DataType dtype, const std::string& what) {
  if (dtype != DataType::kFloat && dtype != DataType::kInt64 && dtype != DataType::kString) {
    return OpError(ctx, what + " has dtype " + std::string(DataTypeName(dtype)) +
                            "; features are float32, int64 or string");
  }
  return Status::Ok();
}

// The input, checked to be a string tensor.
StatusOr<const Tensor*> StringInput(const OpKernelContext& ctx, int index,
                                    const std::string& what) {
  if (index >= ctx.num_inputs()) {
    return OpError(ctx, "expected at least " + std::to_string(index + 1) + " inputs, got " +
                            std::to_string(ctx.num_inputs()));
  }
  const Tensor& tensor = ctx.input(index);
  if (tensor.dtype() != DataType::kString) {
    return OpError(ctx, what + " must be a string tensor, got " + tensor.DebugString());
  }
  return &tensor;
}

// Keys of V2 (one string vector per kind) or V1 (one scalar string input per key).
StatusOr<std::vector<std::string>> ReadKeys(const OpKernelContext& ctx, int first_input,
                                            int64_t count, bool one_input_per_key,
                                            const std::string& what) {
  std::vector<std::string> keys;
  if (one_input_per_key) {
    for (int64_t k = 0; k < count; ++k) {
      TFTRT_ASSIGN_OR_RETURN(const Tensor* key,
                             StringInput(ctx, first_input + static_cast<int>(k), what));
      if (key->NumElements() != 1) {
        return OpError(ctx, what + " must be scalars, got " + key->DebugString());
      }
      keys.push_back(key->flat<std::string>()[0]);
    }
    return keys;
  }
  TFTRT_ASSIGN_OR_RETURN(const Tensor* tensor, StringInput(ctx, first_input, what));
  if (tensor->NumElements() != count) {
    return OpError(
        ctx, "expected " + std::to_string(count) + " " + what + ", got " + tensor->ValuesString());
  }
  keys.assign(tensor->flat<std::string>(), tensor->flat<std::string>() + count);
  return keys;
}

// Builds the dense features from their keys, declared shapes and default inputs.
Status AddDenseFeatures(const OpKernelContext& ctx, const std::vector<std::string>& keys,
                        int first_default_input, ParseSpec& spec) {
  const Node& node = ctx.node();
  const int64_t num_dense = static_cast<int64_t>(keys.size());
  std::vector<DataType> types;
  std::vector<PartialShape> shapes;
  if (num_dense > 0) {
    TFTRT_ASSIGN_OR_RETURN(types, GetTypeListAttr(node, "Tdense"));
    TFTRT_ASSIGN_OR_RETURN(shapes, GetShapeListAttr(node, "dense_shapes"));
  }
  if (static_cast<int64_t>(types.size()) != num_dense ||
      static_cast<int64_t>(shapes.size()) != num_dense) {
    return OpError(ctx, std::to_string(num_dense) + " dense keys, but " +
                            std::to_string(types.size()) + " Tdense and " +
                            std::to_string(shapes.size()) + " dense_shapes");
  }
  if (first_default_input + num_dense > ctx.num_inputs()) {
    return OpError(ctx, "expected " + std::to_string(num_dense) + " dense_defaults inputs");
  }
  for (int64_t d = 0; d < num_dense; ++d) {
    DenseFeature feature;
    feature.key = keys[d];
    feature.dtype = types[d];
    const std::string what = "dense feature '" + feature.key + "'";
    TFTRT_RETURN_IF_ERROR(CheckFeatureDtype(ctx, feature.dtype, what));
    const PartialShape& declared = shapes[d];
    feature.variable_length =
        !declared.unknown_rank && !declared.dims.empty() && declared.dims[0] == -1;
    feature.shape.assign(declared.dims.begin() + (feature.variable_length ? 1 : 0),
                         declared.dims.end());
    if (declared.unknown_rank ||
        std::any_of(feature.shape.begin(), feature.shape.end(), [](int64_t d) { return d < 0; })) {
      return OpError(ctx, what + " has shape " + declared.ToString() +
                              ": only its first dimension may be unknown");
    }
    feature.default_value = ctx.input(first_default_input + static_cast<int>(d));
    const Tensor& default_value = feature.default_value;
    if (default_value.dtype() != feature.dtype) {
      return OpError(ctx, what + " is " + std::string(DataTypeName(feature.dtype)) +
                              ", but its default is " + default_value.DebugString());
    }
    if (feature.variable_length && default_value.NumElements() != 1) {
      return OpError(ctx, what + " has variable length (shape " + declared.ToString() +
                              "): its default must be the single padding element, got " +
                              default_value.DebugString());
    }
    if (!feature.variable_length && default_value.NumElements() > 0 &&
        default_value.shape() != feature.shape) {
      return OpError(ctx, what + " has shape " + declared.ToString() + ", but its default is " +
                              default_value.DebugString());
    }
    spec.dense.push_back(std::move(feature));
  }
  return Status::Ok();
}

// Fails if a key is asked for twice (TF's parser cannot tell such features apart).
Status CheckUniqueKeys(const OpKernelContext& ctx, const ParseSpec& spec) {
  std::set<std::string> seen;
  auto check = [&](const std::string& key) {
    if (!seen.insert(key).second) {
      return OpError(ctx, "feature '" + key + "' is requested more than once");
    }
    return Status::Ok();
  };
  for (const auto& f : spec.dense) TFTRT_RETURN_IF_ERROR(check(f.key));
  for (const auto& f : spec.sparse) TFTRT_RETURN_IF_ERROR(check(f.key));
  for (const auto& f : spec.ragged) TFTRT_RETURN_IF_ERROR(check(f.key));
  return Status::Ok();
}

// V2 inputs: serialized, names, sparse_keys, dense_keys, ragged_keys, dense_defaults...
StatusOr<ParseSpec> SpecV2(const OpKernelContext& ctx) {
  const Node& node = ctx.node();
  ParseSpec spec;
  TFTRT_ASSIGN_OR_RETURN(int64_t num_sparse, GetIntAttr(node, "num_sparse"));
  TFTRT_ASSIGN_OR_RETURN(auto sparse_types, GetTypeListAttr(node, "sparse_types"));
  TFTRT_ASSIGN_OR_RETURN(auto ragged_types, GetTypeListAttr(node, "ragged_value_types"));
  TFTRT_ASSIGN_OR_RETURN(auto split_types, GetTypeListAttr(node, "ragged_split_types"));
  if (static_cast<int64_t>(sparse_types.size()) != num_sparse) {
    return OpError(ctx, "num_sparse is " + std::to_string(num_sparse) + " but there are " +
                            std::to_string(sparse_types.size()) + " sparse_types");
  }
  if (ragged_types.size() != split_types.size()) {
    return OpError(ctx, std::to_string(ragged_types.size()) + " ragged_value_types but " +
                            std::to_string(split_types.size()) + " ragged_split_types");
  }
  TFTRT_ASSIGN_OR_RETURN(auto sparse_keys, ReadKeys(ctx, 2, num_sparse, false, "sparse_keys"));
  TFTRT_ASSIGN_OR_RETURN(auto ragged_keys,
                         ReadKeys(ctx, 4, ragged_types.size(), false, "ragged_keys"));
  TFTRT_ASSIGN_OR_RETURN(const Tensor* dense_keys_tensor, StringInput(ctx, 3, "dense_keys"));
  TFTRT_ASSIGN_OR_RETURN(auto dense_keys,
                         ReadKeys(ctx, 3, dense_keys_tensor->NumElements(), false, "dense_keys"));
  for (int64_t s = 0; s < num_sparse; ++s) {
    TFTRT_RETURN_IF_ERROR(
        CheckFeatureDtype(ctx, sparse_types[s], "sparse feature '" + sparse_keys[s] + "'"));
    spec.sparse.push_back({sparse_keys[s], sparse_types[s]});
  }
  for (size_t r = 0; r < ragged_types.size(); ++r) {
    const std::string what = "ragged feature '" + ragged_keys[r] + "'";
    TFTRT_RETURN_IF_ERROR(CheckFeatureDtype(ctx, ragged_types[r], what));
    if (split_types[r] != DataType::kInt32 && split_types[r] != DataType::kInt64) {
      return OpError(ctx, what + " has row splits of " + std::string(DataTypeName(split_types[r])) +
                              "; they must be int32 or int64");
    }
    spec.ragged.push_back({ragged_keys[r], ragged_types[r], split_types[r]});
  }
  TFTRT_RETURN_IF_ERROR(AddDenseFeatures(ctx, dense_keys, 5, spec));
  return spec;
}

// V1 inputs: serialized, names, sparse_keys (Nsparse scalars), dense_keys (Ndense
// scalars), dense_defaults...
StatusOr<ParseSpec> SpecV1(const OpKernelContext& ctx) {
  const Node& node = ctx.node();
  ParseSpec spec;
  TFTRT_ASSIGN_OR_RETURN(int64_t num_sparse, GetIntAttr(node, "Nsparse"));
  TFTRT_ASSIGN_OR_RETURN(int64_t num_dense, GetIntAttr(node, "Ndense"));
  std::vector<DataType> sparse_types;
  if (num_sparse > 0) {
    TFTRT_ASSIGN_OR_RETURN(sparse_types, GetTypeListAttr(node, "sparse_types"));
  }
  if (static_cast<int64_t>(sparse_types.size()) != num_sparse) {
    return OpError(ctx, "Nsparse is " + std::to_string(num_sparse) + " but there are " +
                            std::to_string(sparse_types.size()) + " sparse_types");
  }
  TFTRT_ASSIGN_OR_RETURN(auto sparse_keys, ReadKeys(ctx, 2, num_sparse, true, "sparse_keys"));
  const int first_dense_key = 2 + static_cast<int>(num_sparse);
  TFTRT_ASSIGN_OR_RETURN(auto dense_keys,
                         ReadKeys(ctx, first_dense_key, num_dense, true, "dense_keys"));
  for (int64_t s = 0; s < num_sparse; ++s) {
    TFTRT_RETURN_IF_ERROR(
        CheckFeatureDtype(ctx, sparse_types[s], "sparse feature '" + sparse_keys[s] + "'"));
    spec.sparse.push_back({sparse_keys[s], sparse_types[s]});
  }
  TFTRT_RETURN_IF_ERROR(
      AddDenseFeatures(ctx, dense_keys, first_dense_key + static_cast<int>(num_dense), spec));
  return spec;
}

StatusOr<ExampleBatch> ParseSerialized(const OpKernelContext& ctx, bool allow_scalar) {
  TFTRT_ASSIGN_OR_RETURN(const Tensor* serialized, StringInput(ctx, 0, "serialized"));
  TFTRT_ASSIGN_OR_RETURN(const Tensor* names, StringInput(ctx, 1, "names"));
  ExampleBatch batch;
  batch.op = ctx.node().op;
  batch.scalar = serialized->rank() == 0;
  if (serialized->rank() > 1 || (batch.scalar && !allow_scalar)) {
    return OpError(ctx, std::string("serialized must be a ") +
                            (allow_scalar ? "scalar or vector" : "vector") + ", got " +
                            serialized->DebugString());
  }
  if (names->NumElements() > 0) {
    if (names->shape() != serialized->shape()) {
      return OpError(ctx, "names must be empty or have the shape of serialized " +
                              ShapeToString(serialized->shape()) + ", got " + names->DebugString());
    }
    batch.names.assign(names->flat<std::string>(),
                       names->flat<std::string>() + names->NumElements());
  }
  RouteProtobufLogs();
  batch.examples.resize(serialized->NumElements());
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (!batch.examples[i].ParseFromString(serialized->flat<std::string>()[i])) {
      return batch.Error(i, "could not parse a serialized tf.train.Example");
    }
  }
  return batch;
}

template <int kVersion>
Status ParseExampleKernel(OpKernelContext& ctx) {
  constexpr bool kV2 = kVersion == 2;
  TFTRT_ASSIGN_OR_RETURN(ParseSpec spec, kV2 ? SpecV2(ctx) : SpecV1(ctx));
  TFTRT_RETURN_IF_ERROR(CheckUniqueKeys(ctx, spec));
  TFTRT_ASSIGN_OR_RETURN(ExampleBatch batch, ParseSerialized(ctx, /*allow_scalar=*/kV2));

  // Outputs: sparse_indices, sparse_values, sparse_shapes, dense_values, then (V2)
  // ragged_values and ragged_row_splits, each a list over its features.
  const int num_sparse = static_cast<int>(spec.sparse.size());
  const int num_dense = static_cast<int>(spec.dense.size());
  const int num_ragged = static_cast<int>(spec.ragged.size());
  for (int s = 0; s < num_sparse; ++s) {
    Tensor indices, values, shape;
    TFTRT_RETURN_IF_ERROR(VisitFeatureType(spec.sparse[s].dtype, [&]<typename T>() {
      return ParseSparse<T>(batch, spec.sparse[s], &indices, &values, &shape);
    }));
    ctx.set_output(s, std::move(indices));
    ctx.set_output(num_sparse + s, std::move(values));
    ctx.set_output(2 * num_sparse + s, std::move(shape));
  }
  const int first_dense = 3 * num_sparse;
  for (int d = 0; d < num_dense; ++d) {
    TFTRT_RETURN_IF_ERROR(VisitFeatureType(spec.dense[d].dtype, [&]<typename T>() {
      TFTRT_ASSIGN_OR_RETURN(Tensor values, ParseDense<T>(batch, spec.dense[d]));
      ctx.set_output(first_dense + d, std::move(values));
      return Status::Ok();
    }));
  }
  const int first_ragged = first_dense + num_dense;
  for (int r = 0; r < num_ragged; ++r) {
    Tensor values, row_splits;
    TFTRT_RETURN_IF_ERROR(VisitFeatureType(spec.ragged[r].dtype, [&]<typename T>() {
      return ParseRagged<T>(batch, spec.ragged[r], &values, &row_splits);
    }));
    ctx.set_output(first_ragged + r, std::move(values));
    ctx.set_output(first_ragged + num_ragged + r, std::move(row_splits));
  }
  return Status::Ok();
}

}  // namespace

void RegisterParsingOps(KernelRegistry& registry) {
  registry.Register("ParseExample", &ParseExampleKernel<1>);
  registry.Register("ParseExampleV2", &ParseExampleKernel<2>);
}

}  // namespace tftrt
