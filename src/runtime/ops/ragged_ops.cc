// RaggedTensorToTensor: a ragged tensor (flat values + row partitions) made dense, as
// RaggedTensor.to_tensor(default_value, shape) computes it.
//
// Inputs: shape (the requested dense shape: -1 dims, or a scalar -1 / empty for none),
// values [nvals, inner...], default_value (broadcast to the inner shape), and the row
// partitions named by row_partition_types: ROW_SPLITS per ragged level, or FIRST_DIM_SIZE
// (a scalar) followed by VALUE_ROWIDS per level. Rows longer than the output are cut, short
// rows padded with the default.
#include <algorithm>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

// One ragged level: for each element of this level, the row (of the level above) it is in
// and its position in that row.
struct Level {
  std::vector<int64_t> row;
  std::vector<int64_t> position;
  int64_t widest = 0;
  int64_t rows = 0;  // rows of the level above
};

StatusOr<std::vector<int64_t>> IndexValues(const OpKernelContext& ctx, const Tensor& t) {
  if (t.dtype() != DataType::kInt64 && t.dtype() != DataType::kInt32) {
    return OpError(ctx, "row partitions must be int32 or int64, got " + t.DebugString());
  }
  std::vector<int64_t> values(t.NumElements());
  for (int64_t i = 0; i < t.NumElements(); ++i) values[i] = t.ElementAsInt64(i);
  return values;
}

StatusOr<Level> LevelFromSplits(const OpKernelContext& ctx, const Tensor& splits_tensor,
                                int64_t count) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> splits, IndexValues(ctx, splits_tensor));
  if (splits.empty() || splits[0] != 0 || splits.back() != count) {
    return OpError(ctx, "row_splits must start at 0 and end at the number of values (" +
                            std::to_string(count) + "), got " + splits_tensor.ValuesString());
  }
  Level level;
  level.rows = static_cast<int64_t>(splits.size()) - 1;
  level.row.resize(count);
  level.position.resize(count);
  for (int64_t r = 0; r < level.rows; ++r) {
    if (splits[r + 1] < splits[r]) return OpError(ctx, "row_splits must be sorted");
    level.widest = std::max(level.widest, splits[r + 1] - splits[r]);
    for (int64_t i = splits[r]; i < splits[r + 1]; ++i) {
      level.row[i] = r;
      level.position[i] = i - splits[r];
    }
  }
  return level;
}

StatusOr<Level> LevelFromRowIds(const OpKernelContext& ctx, const Tensor& ids_tensor, int64_t rows,
                                int64_t count) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> ids, IndexValues(ctx, ids_tensor));
  if (static_cast<int64_t>(ids.size()) != count) {
    return OpError(ctx, "value_rowids has " + std::to_string(ids.size()) +
                            " entries, but there are " + std::to_string(count) + " values");
  }
  Level level;
  level.rows = rows;
  level.row = ids;
  level.position.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    if (ids[i] < 0 || (i > 0 && ids[i] < ids[i - 1])) {
      return OpError(ctx, "value_rowids must be sorted and non-negative");
    }
    level.position[i] = i > 0 && ids[i] == ids[i - 1] ? level.position[i - 1] + 1 : 0;
    level.widest = std::max(level.widest, level.position[i] + 1);
  }
  return level;
}

// The requested output shape: dims (-1 = natural), or empty with unknown_rank.
StatusOr<PartialShape> RequestedShape(const OpKernelContext& ctx, const Tensor& shape) {
  if (shape.rank() == 0 || shape.NumElements() == 0) {
    if (shape.rank() == 0 && shape.NumElements() == 1 && shape.ElementAsInt64(0) != -1) {
      return OpError(ctx, "a scalar shape must be -1 (unknown rank)");
    }
    return PartialShape{};
  }
  if (shape.rank() != 1) return OpError(ctx, "shape must be a vector, got " + shape.DebugString());
  PartialShape result{.unknown_rank = false};
  for (int64_t i = 0; i < shape.NumElements(); ++i) result.dims.push_back(shape.ElementAsInt64(i));
  return result;
}

Status RaggedTensorToTensorKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> types_attr,
                         [&]() -> StatusOr<std::vector<std::string>> {
                           const auto it = ctx.node().attrs.find("row_partition_types");
                           if (it == ctx.node().attrs.end()) {
                             return OpError(ctx, "missing attribute row_partition_types");
                           }
                           const auto& list = it->second.list().s();
                           return std::vector<std::string>(list.begin(), list.end());
                         }());
  const int partitions = static_cast<int>(types_attr.size());
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3 + partitions));
  if (partitions == 0) return OpError(ctx, "no row partitions given");
  const Tensor& values = ctx.input(1);
  const Tensor& default_value = ctx.input(2);
  if (values.rank() == 0) return OpError(ctx, "values must have rank >= 1");
  if (default_value.dtype() != values.dtype()) {
    return OpError(ctx, "default_value " + default_value.DebugString() +
                            " must have the dtype of values " + values.DebugString());
  }
  const Shape inner(values.shape().begin() + 1, values.shape().end());
  // The default is a scalar or a trailing part of the inner shape (repeated over the rest).
  if (default_value.rank() > static_cast<int>(inner.size()) ||
      !std::equal(default_value.shape().rbegin(), default_value.shape().rend(), inner.rbegin(),
                  [](int64_t d, int64_t v) { return d == v; })) {
    return OpError(ctx, "default_value.shape=" + ShapeToString(default_value.shape()) +
                            " and rt_input.flat_values.shape=" + ShapeToString(values.shape()) +
                            " are incompatible: default_value must broadcast to the inner shape");
  }

  // The levels, outermost first; level k maps its elements to rows of level k-1.
  std::vector<Level> levels;
  int64_t first_dim = 0;
  int first_ragged = 0;
  if (types_attr[0] == "FIRST_DIM_SIZE") {
    const Tensor& size = ctx.input(3);
    if (size.NumElements() != 1) return OpError(ctx, "FIRST_DIM_SIZE must be a scalar");
    first_dim = size.ElementAsInt64(0);
    first_ragged = 1;
  } else if (types_attr[0] != "ROW_SPLITS") {
    return OpUnimplemented(ctx, "unsupported first row partition type " + types_attr[0]);
  }
  const int ragged_rank = partitions - first_ragged;
  if (ragged_rank == 0) return OpError(ctx, "no ragged row partition given");
  // Element counts per level are only known from the innermost out (values), so partitions
  // are read outermost first with the count each one implies.
  int64_t rows = first_dim;
  for (int k = first_ragged; k < partitions; ++k) {
    const Tensor& partition = ctx.input(3 + k);
    const std::string& type = types_attr[k];
    // Elements of this level: the next level's rows, or the values for the innermost one.
    int64_t count = values.dim(0);
    if (k + 1 < partitions) {
      if (types_attr[k + 1] == "ROW_SPLITS") {
        count = ctx.input(3 + k + 1).NumElements() - 1;
      } else if (types_attr[k + 1] == "VALUE_ROWIDS") {
        // The next level's rows are this level's elements: given by this level's ids.
        count = partition.NumElements();
      }
    }
    if (type == "ROW_SPLITS") {
      if (partition.rank() != 1 || partition.NumElements() < 1) {
        return OpError(ctx, "row_splits must be a non-empty vector");
      }
      TFTRT_ASSIGN_OR_RETURN(Level level, LevelFromSplits(ctx, partition, count));
      if (k == first_ragged) rows = level.rows;
      levels.push_back(std::move(level));
    } else if (type == "VALUE_ROWIDS") {
      if (k == 0) return OpError(ctx, "VALUE_ROWIDS needs FIRST_DIM_SIZE before it");
      TFTRT_ASSIGN_OR_RETURN(Level level,
                             LevelFromRowIds(ctx, partition, rows, partition.NumElements()));
      for (int64_t id : level.row) {
        if (id >= rows) {
          return OpError(ctx, "value_rowids " + std::to_string(id) + " out of range for " +
                                  std::to_string(rows) + " rows");
        }
      }
      levels.push_back(std::move(level));
    } else {
      return OpUnimplemented(ctx, "unsupported row partition type " + type);
    }
    rows = static_cast<int64_t>(levels.back().row.size());
  }
  if (static_cast<int64_t>(levels.back().row.size()) != values.dim(0)) {
    return OpError(ctx, "the innermost row partition covers " +
                            std::to_string(levels.back().row.size()) + " values, but there are " +
                            std::to_string(values.dim(0)));
  }

  // The natural dense shape, then the requested one over it.
  Shape natural{levels[0].rows};
  for (const Level& level : levels) natural.push_back(level.widest);
  natural.insert(natural.end(), inner.begin(), inner.end());
  TFTRT_ASSIGN_OR_RETURN(PartialShape requested, RequestedShape(ctx, ctx.input(0)));
  Shape out_shape = natural;
  if (!requested.unknown_rank) {
    if (requested.dims.size() != natural.size()) {
      return OpError(ctx, "shape " + requested.ToString() + " must have rank " +
                              std::to_string(natural.size()));
    }
    for (size_t i = 0; i < natural.size(); ++i) {
      if (requested.dims[i] < 0) continue;
      if (i > static_cast<size_t>(ragged_rank) && requested.dims[i] != natural[i]) {
        return OpError(ctx, "shape " + requested.ToString() +
                                " does not match the inner shape of values " +
                                ShapeToString(values.shape()));
      }
      out_shape[i] = requested.dims[i];
    }
  }

  // Each element's output offset (in units of inner elements), level by level; -1: cut.
  std::vector<int64_t> offset(levels[0].rows);
  for (int64_t r = 0; r < levels[0].rows; ++r) offset[r] = r < out_shape[0] ? r : -1;
  for (size_t k = 0; k < levels.size(); ++k) {
    const Level& level = levels[k];
    const int64_t width = out_shape[k + 1];
    std::vector<int64_t> next(level.row.size());
    for (size_t i = 0; i < level.row.size(); ++i) {
      const int64_t parent = offset[level.row[i]];
      next[i] = parent < 0 || level.position[i] >= width ? -1 : parent * width + level.position[i];
    }
    offset = std::move(next);
  }

  const int64_t inner_size = NumElements(inner);
  Tensor out(values.dtype(), out_shape);
  const int64_t slots = out.NumElements() / std::max<int64_t>(inner_size, 1);
  // Fills with the default, then copies each kept value's inner block.
  auto fill = [&]<typename T>() {
    T* dst = out.flat<T>();
    const T* src = values.flat<T>();
    const T* def = default_value.flat<T>();
    const int64_t def_size = default_value.NumElements();
    for (int64_t s = 0; s < slots; ++s) {
      for (int64_t j = 0; j < inner_size; ++j) dst[s * inner_size + j] = def[j % def_size];
    }
    for (size_t i = 0; i < offset.size(); ++i) {
      if (offset[i] < 0) continue;
      std::copy(src + i * inner_size, src + (i + 1) * inner_size, dst + offset[i] * inner_size);
    }
  };
  switch (values.dtype()) {
    case DataType::kString:
      fill.template operator()<std::string>();
      break;
    case DataType::kFloat:
      fill.template operator()<float>();
      break;
    case DataType::kDouble:
      fill.template operator()<double>();
      break;
    case DataType::kInt32:
      fill.template operator()<int32_t>();
      break;
    case DataType::kInt64:
      fill.template operator()<int64_t>();
      break;
    case DataType::kBool:
      fill.template operator()<bool>();
      break;
    default:
      return OpUnimplemented(ctx, "values of " + values.DebugString() + " are not supported");
  }
  ctx.set_output(0, std::move(out));
  return Status::Ok();
}

}  // namespace

void RegisterRaggedOps(KernelRegistry& registry) {
  registry.Register("RaggedTensorToTensor", RaggedTensorToTensorKernel);
}

}  // namespace tftrt
