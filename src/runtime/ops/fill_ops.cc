// Array ops that create tensors from values and shapes: Fill, ZerosLike, OnesLike, Empty,
// Range, OneHot.
#include <cmath>
#include <limits>

#include "graph/attrs.h"
#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt::array_ops {
namespace {

// Reads a shape input (int32/int64 vector of non-negative dims).
StatusOr<Shape> ReadShapeInput(const OpKernelContext& ctx, int index, std::string_view what) {
  if (ctx.input(index).rank() != 1) {
    return OpError(ctx, std::string(what) + " must be a vector, got shape " +
                            ShapeToString(ctx.input(index).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(Shape shape, ReadIndexValues(ctx, index, what));
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] < 0) {
      return OpError(ctx, "Dimension " + std::to_string(shape[d]) + " must be >= 0");
    }
  }
  return shape;
}

// A tensor of `shape` with every element a copy of `value`'s single element.
Tensor Filled(const Tensor& value, const Shape& shape) {
  Tensor output(value.dtype(), shape);
  VisitElementStorage(value.dtype(), [&]<typename S>(std::type_identity<S>) {
    std::fill_n(StorageData<S>(output), output.NumElements(), StorageData<S>(value)[0]);
  });
  return output;
}

Status Fill(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(Shape shape, ReadShapeInput(ctx, 0, "dims"));
  const Tensor& value = ctx.input(1);
  if (value.rank() > 1 || value.NumElements() != 1) {
    return OpError(ctx, "value must be a scalar, got shape " + ShapeToString(value.shape()));
  }
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, value.dtype(), shape));
  ctx.set_output(0, Filled(value, shape));
  return Status::Ok();
}

Status CheckHoldsValues(const OpKernelContext& ctx, DataType dtype) {
  if (dtype == DataType::kVariant || dtype == DataType::kResource) {
    return OpError(ctx, "not supported for " + std::string(DataTypeName(dtype)) + " tensors");
  }
  return Status::Ok();
}

Status ZerosLike(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  TFTRT_RETURN_IF_ERROR(CheckHoldsValues(ctx, input.dtype()));
  ctx.set_output(0, Tensor(input.dtype(), input.shape()));  // zero-filled
  return Status::Ok();
}

// The scalar 1 of a numeric or bool dtype.
StatusOr<Tensor> One(const OpKernelContext& ctx, DataType dtype) {
  switch (dtype) {
    case DataType::kFloat:
      return Tensor::Scalar<float>(1);
    case DataType::kDouble:
      return Tensor::Scalar<double>(1);
    case DataType::kHalf:
      return Tensor::Scalar(FloatToHalf(1));
    case DataType::kBFloat16:
      return Tensor::Scalar(FloatToBFloat16(1));
    case DataType::kInt8:
      return Tensor::Scalar<int8_t>(1);
    case DataType::kUInt8:
      return Tensor::Scalar<uint8_t>(1);
    case DataType::kInt16:
      return Tensor::Scalar<int16_t>(1);
    case DataType::kUInt16:
      return Tensor::Scalar<uint16_t>(1);
    case DataType::kInt32:
      return Tensor::Scalar<int32_t>(1);
    case DataType::kUInt32:
      return Tensor::Scalar<uint32_t>(1);
    case DataType::kInt64:
      return Tensor::Scalar<int64_t>(1);
    case DataType::kUInt64:
      return Tensor::Scalar<uint64_t>(1);
    case DataType::kBool:
      return Tensor::Scalar<bool>(true);
    case DataType::kComplex64:
      return Tensor::Scalar(Complex64{1, 0});
    case DataType::kComplex128:
      return Tensor::Scalar(Complex128{1, 0});
    default:
      return OpError(ctx, "not supported for " + std::string(DataTypeName(dtype)) + " tensors");
  }
}

Status OnesLike(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(Tensor one, One(ctx, input.dtype()));
  ctx.set_output(0, Filled(one, input.shape()));
  return Status::Ok();
}

// Empty's elements are unspecified in TF; tftrt always zero-fills them.
Status Empty(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(DataType dtype, GetTypeAttr(ctx.node(), "dtype"));
  TFTRT_RETURN_IF_ERROR(CheckHoldsValues(ctx, dtype));
  TFTRT_ASSIGN_OR_RETURN(Shape shape, ReadShapeInput(ctx, 0, "shape"));
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, dtype, shape));
  ctx.set_output(0, Tensor(dtype, shape));
  return Status::Ok();
}

template <typename T>
bool IsNegative(T value) {
  if constexpr (std::is_signed_v<T>) {
    return value < 0;
  } else {
    return false;
  }
}

template <typename T>
Status RangeOf(OpKernelContext& ctx) {
  const T start = ctx.input(0).flat<T>()[0];
  const T limit = ctx.input(1).flat<T>()[0];
  const T delta = ctx.input(2).flat<T>()[0];
  auto str = [](T v) { return std::to_string(v); };
  if (delta == 0) return OpError(ctx, "Requires delta != 0: " + str(delta));
  if (!IsNegative(delta) && start > limit) {
    return OpError(ctx, "Requires start <= limit when delta > 0: " + str(start) + "/" + str(limit));
  }
  if (IsNegative(delta) && start < limit) {
    return OpError(ctx, "Requires start >= limit when delta < 0: " + str(start) + "/" + str(limit));
  }
  int64_t size;
  if constexpr (std::is_integral_v<T>) {
    // Integer sizes round up: ceil(|limit - start| / |delta|), computed without overflow.
    const uint64_t span = start <= limit
                              ? static_cast<uint64_t>(limit) - static_cast<uint64_t>(start)
                              : static_cast<uint64_t>(start) - static_cast<uint64_t>(limit);
    const uint64_t step =
        IsNegative(delta) ? 0 - static_cast<uint64_t>(delta) : static_cast<uint64_t>(delta);
    size = static_cast<int64_t>(span / step + (span % step != 0 ? 1 : 0));
  } else {
    // TF divides in T, so float32 ranges get float32 rounding of the size.
    const T size_real = std::ceil(std::abs((limit - start) / delta));
    if (!(size_real <= static_cast<T>(std::numeric_limits<int64_t>::max()))) {
      return OpError(ctx, "Requires ((limit - start) / delta) <= " +
                              std::to_string(std::numeric_limits<int64_t>::max()));
    }
    size = static_cast<int64_t>(size_real);
  }
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, DataTypeOf<T>(), {size}));
  Tensor output(DataTypeOf<T>(), {size});
  T* out = output.flat<T>();
  // start + i * delta in T, as TF's CPU kernel computes it (accumulating would round
  // differently). Integers use wrapping unsigned arithmetic: every result is in range,
  // but i * delta alone may not be.
  for (int64_t i = 0; i < size; ++i) {
    if constexpr (std::is_integral_v<T>) {
      out[i] = static_cast<T>(static_cast<uint64_t>(start) +
                              static_cast<uint64_t>(i) * static_cast<uint64_t>(delta));
    } else {
      out[i] = start + static_cast<T>(i) * delta;
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status Range(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const char* names[] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.rank() > 1 || t.NumElements() != 1) {
      return OpError(
          ctx, std::string(names[i]) + " must be a scalar, not shape " + ShapeToString(t.shape()));
    }
    if (t.dtype() != ctx.input(0).dtype()) {
      return OpError(ctx, "start, limit and delta must have one type");
    }
  }
  switch (ctx.input(0).dtype()) {
    case DataType::kFloat:
      return RangeOf<float>(ctx);
    case DataType::kDouble:
      return RangeOf<double>(ctx);
    case DataType::kInt32:
      return RangeOf<int32_t>(ctx);
    case DataType::kInt64:
      return RangeOf<int64_t>(ctx);
    default:
      return OpError(ctx, "unsupported type " + std::string(DataTypeName(ctx.input(0).dtype())));
  }
}

Status OneHot(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 4));
  const Tensor& indices = ctx.input(0);
  const Tensor& on_value = ctx.input(2);
  const Tensor& off_value = ctx.input(3);
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, GetIntAttr(ctx.node(), "axis"));
  const int64_t output_rank = indices.rank() + 1;
  if (axis != -1 && (axis < 0 || axis >= output_rank)) {
    return OpError(ctx, "Expected axis to be -1 or between [0, " + std::to_string(output_rank) +
                            ").  But received: " + std::to_string(axis));
  }
  const char* names[] = {"depth", "on_value", "off_value"};
  for (int i = 1; i < 4; ++i) {
    if (ctx.input(i).rank() != 0) {
      return OpError(ctx, std::string(names[i - 1]) +
                              " must be a scalar, but got: " + ShapeToString(ctx.input(i).shape()));
    }
  }
  if (ctx.input(1).dtype() != DataType::kInt32) return OpError(ctx, "depth must be int32");
  if (on_value.dtype() != off_value.dtype()) {
    return OpError(ctx, "on_value and off_value must have one type");
  }
  const int64_t depth = ctx.input(1).flat<int32_t>()[0];
  if (depth < 0) return OpError(ctx, "depth must be non-negative, got: " + std::to_string(depth));
  // Negative indices never match a depth position: their rows are all off_value.
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> index_values, ReadIndexValues(ctx, 0, "indices"));

  if (axis == -1) axis = indices.rank();
  Shape output_shape = indices.shape();
  output_shape.insert(output_shape.begin() + axis, depth);
  // The output is [prefix, depth, suffix]; indices are [prefix, suffix].
  const int64_t prefix = DimsProduct(indices.shape(), 0, axis);
  const int64_t suffix = DimsProduct(indices.shape(), axis, indices.rank());
  TFTRT_RETURN_IF_ERROR(CheckAllocatable(ctx, on_value.dtype(), output_shape));
  Tensor output(on_value.dtype(), output_shape);
  VisitElementStorage(on_value.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S& on = StorageData<S>(on_value)[0];
    const S& off = StorageData<S>(off_value)[0];
    S* out = StorageData<S>(output);
    for (int64_t p = 0; p < prefix; ++p) {
      for (int64_t d = 0; d < depth; ++d) {
        const int64_t* row = index_values.data() + p * suffix;
        for (int64_t s = 0; s < suffix; ++s) *out++ = row[s] == d ? on : off;
      }
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterFillOps(KernelRegistry& registry) {
  registry.Register("Fill", Fill);
  registry.Register("ZerosLike", ZerosLike);
  registry.Register("OnesLike", OnesLike);
  registry.Register("Empty", Empty);
  registry.Register("Range", Range);
  registry.Register("OneHot", OneHot);
}

}  // namespace tftrt::array_ops
