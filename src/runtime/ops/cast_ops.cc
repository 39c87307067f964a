// Cast between numeric, complex and bool dtypes, Select / SelectV2, and ClipByValue.
//
// Cast reproduces what TF's CPU kernel computes, including where C++ leaves the result
// undefined: TF's float-to-integer cast compiles to x86's truncating conversion, which
// gives the most negative integer for NaN and out-of-range values; narrower integer
// types take the low bits of the 32-bit result (uint32 of the 64-bit one).
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "graph/attrs.h"
#include "kernels/cpu/broadcast.h"
#include "kernels/cpu/complex.h"
#include "kernels/cpu/element_storage.h"
#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

using type_class::kRealNumbers;

// ---- Cast ----

using CastTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                           uint8_t, uint16_t, uint32_t, uint64_t, bool>;

template <typename T>
inline constexpr bool kIsFloating = std::is_floating_point_v<T> || kIsFloat16<T>;

// Significand bits (with the implicit one) of the floating types.
template <typename T>
constexpr int SignificandDigits() {
  if constexpr (std::is_same_v<T, Half>) {
    return 11;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return 8;
  } else {
    return std::numeric_limits<T>::digits;
  }
}

// x86's cvttsd2si: truncation, and the most negative integer for NaN and out of range.
int64_t X86TruncateToInt64(double x) {
  return (x >= -0x1p63 && x < 0x1p63) ? static_cast<int64_t>(x)
                                      : std::numeric_limits<int64_t>::min();
}
int32_t X86TruncateToInt32(double x) {
  return (x > -2147483649.0 && x < 2147483648.0) ? static_cast<int32_t>(x)
                                                 : std::numeric_limits<int32_t>::min();
}

template <typename To>
To FloatToInteger(double x) {
  if constexpr (std::is_same_v<To, uint64_t>) {
    // The compiled sequence: truncate x and x - 2^63, take the second where the first
    // overflowed into the sign bit.
    const int64_t low = X86TruncateToInt64(x);
    const int64_t high = X86TruncateToInt64(x - 0x1p63);
    return static_cast<uint64_t>(low | (high & (low >> 63)));
  } else if constexpr (sizeof(To) == 8 || std::is_same_v<To, uint32_t>) {
    return static_cast<To>(X86TruncateToInt64(x));
  } else {
    return static_cast<To>(X86TruncateToInt32(x));
  }
}

// The bit pattern of a floating type's value, and the pattern above which it is a NaN.
template <typename T>
auto BitsOf(T x) {
  if constexpr (kIsFloat16<T>) {
    return x.bits;
  } else {
    return std::bit_cast<std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>>(x);
  }
}
template <typename T>
constexpr auto InfinityBits() {
  if constexpr (std::is_same_v<T, Half>) {
    return uint16_t{0x7c00};
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return uint16_t{0x7f80};
  } else {
    return BitsOf(std::numeric_limits<T>::infinity());
  }
}

// Cast's Truncate attribute: clear the significand bits that narrowing would drop, so the
// rounding conversion that follows truncates instead (NaN is left alone). Works on bit
// patterns only: GCC 12 drops the masking when a floating-point NaN test guards it.
template <typename From, typename To>
From ClearDroppedBits(From x) {
  constexpr int kDropped = SignificandDigits<From>() - SignificandDigits<To>();
  const auto bits = BitsOf(x);
  using Bits = decltype(bits);
  constexpr Bits kAbsMask = std::numeric_limits<Bits>::max() >> 1;
  if ((bits & kAbsMask) > InfinityBits<From>()) return x;  // NaN
  const Bits cleared = static_cast<Bits>(bits & ~((Bits{1} << kDropped) - 1));
  if constexpr (kIsFloat16<From>) {
    return From{cleared};
  } else {
    return std::bit_cast<From>(cleared);
  }
}

template <typename From, typename To>
To ConvertElement(From x) {
  if constexpr (std::is_same_v<To, bool>) {
    if constexpr (kIsFloat16<From>) {
      return ToFloat(x) != 0.0f;
    } else {
      return x != From{0};
    }
  } else if constexpr (kIsFloat16<From>) {
    return ConvertElement<float, To>(ToFloat(x));
  } else if constexpr (kIsFloat16<To>) {
    // Through float, also from double (TF rounds twice there too).
    return FromFloat<To>(static_cast<float>(x));
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    return FloatToInteger<To>(static_cast<double>(x));
  } else {
    return static_cast<To>(x);
  }
}

template <typename From, typename To>
void ConvertElements(const From* in, To* out, int64_t n, bool truncate) {
  if constexpr (kIsFloating<From> && kIsFloating<To> &&
                SignificandDigits<From>() > SignificandDigits<To>()) {
    if (truncate) {
      for (int64_t i = 0; i < n; ++i)
        out[i] = ConvertElement<From, To>(ClearDroppedBits<From, To>(in[i]));
      return;
    }
  }
  for (int64_t i = 0; i < n; ++i) out[i] = ConvertElement<From, To>(in[i]);
}

// Casts to and from complex, as TF's: a complex value becomes its real part converted as
// that real number would be; a real value becomes (value, 0).
template <typename From, typename To>
void ConvertComplexElements(const From* in, To* out, int64_t n) {
  if constexpr (kIsComplex<From> && kIsComplex<To>) {
    for (int64_t i = 0; i < n; ++i) {
      out[i] = To{static_cast<RealOf<To>>(in[i].re), static_cast<RealOf<To>>(in[i].im)};
    }
  } else if constexpr (kIsComplex<From>) {
    for (int64_t i = 0; i < n; ++i) out[i] = ConvertElement<RealOf<From>, To>(in[i].re);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = To{ConvertElement<From, RealOf<To>>(in[i]), 0};
  }
}

// Cast where either side is complex; an invalid Tensor when neither is.
Tensor CastComplex(const Tensor& x, DataType dst_dtype) {
  using WithComplex = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                               uint8_t, uint16_t, uint32_t, uint64_t, bool, Complex64, Complex128>;
  Tensor result;
  if (!IsComplex(x.dtype()) && !IsComplex(dst_dtype)) return result;
  VisitType(WithComplex{}, x.dtype(), [&]<typename From>() {
    VisitType(WithComplex{}, dst_dtype, [&]<typename To>() {
      if constexpr (kIsComplex<From> || kIsComplex<To>) {
        result = Tensor(dst_dtype, x.shape());
        ConvertComplexElements(x.flat<From>(), result.flat<To>(), x.NumElements());
      }
    });
  });
  return result;
}

Status CastKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(const DataType dst_dtype, GetTypeAttr(ctx.node(), "DstT"));
  TFTRT_ASSIGN_OR_RETURN(const bool truncate, GetBoolAttrOr(ctx.node(), "Truncate", false));
  const Tensor& x = ctx.input(0);
  if (x.dtype() == dst_dtype) {
    ctx.set_output(0, ctx.TakeInput(0));
    return Status::Ok();
  }
  Tensor result;
  VisitType(CastTypes{}, x.dtype(), [&]<typename From>() {
    VisitType(CastTypes{}, dst_dtype, [&]<typename To>() {
      result = Tensor(dst_dtype, x.shape());
      ConvertElements(x.flat<From>(), result.flat<To>(), x.NumElements(), truncate);
    });
  });
  if (!result.is_valid()) result = CastComplex(x, dst_dtype);
  if (!result.is_valid()) {
    return Status::Unimplemented("Cast " + std::string(DataTypeName(x.dtype())) + " to " +
                                 std::string(DataTypeName(dst_dtype)) + " is not supported");
  }
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

// ---- Select ----

// out = cond ? then : else over a plan of (cond, then, else), for any element type.
Tensor SelectElements(const BroadcastPlan& plan, const Tensor& cond, const Tensor& then_value,
                      const Tensor& else_value) {
  Tensor out(then_value.dtype(), plan.output_shape());
  VisitElementStorage(then_value.dtype(), [&]<typename S>(std::type_identity<S>) {
    TernaryMap(plan, cond.flat<bool>(), StorageData<S>(then_value), StorageData<S>(else_value),
               StorageData<S>(out),
               [](bool c, const S& t, const S& e) -> const S& { return c ? t : e; });
  });
  return out;
}

Status CheckSelectInputs(const OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  if (ctx.input(0).dtype() != DataType::kBool) {
    return OpError(
        ctx, "condition must be bool, got " + std::string(DataTypeName(ctx.input(0).dtype())));
  }
  return CheckSameDtype(ctx, 1, 2);
}

Status RunSelect(OpKernelContext& ctx, const Shape& cond_shape) {
  const Shape shapes[] = {cond_shape, ctx.input(1).shape(), ctx.input(2).shape()};
  StatusOr<BroadcastPlan> plan = BroadcastPlan::Make(shapes);
  if (!plan.ok()) {
    return OpError(ctx, "condition " + ShapeToString(shapes[0]) + ", then " +
                            ShapeToString(shapes[1]) + ", and else " + ShapeToString(shapes[2]) +
                            " must be broadcastable");
  }
  ctx.set_output(0, SelectElements(*plan, ctx.input(0), ctx.input(1), ctx.input(2)));
  return Status::Ok();
}

// Select (v1): a scalar condition picks a whole tensor, a vector condition picks rows of
// `then` / `else` (rank >= 2), otherwise all three have one shape.
Status SelectKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckSelectInputs(ctx));
  const Shape& cond_shape = ctx.input(0).shape();
  const Shape& then_shape = ctx.input(1).shape();
  if (then_shape != ctx.input(2).shape()) {
    return OpError(ctx, "'then' and 'else' must have the same size.  but received: " +
                            ShapeToString(then_shape) + " vs. " +
                            ShapeToString(ctx.input(2).shape()));
  }
  if (cond_shape.empty()) return RunSelect(ctx, cond_shape);
  if (cond_shape.size() == 1 && then_shape.size() > 1) {
    if (cond_shape[0] != then_shape[0]) {
      return OpError(ctx, "Number of batches of 'then' must match size of 'cond', but saw: " +
                              std::to_string(then_shape[0]) + " vs. " +
                              std::to_string(cond_shape[0]));
    }
    Shape rows(then_shape.size(), 1);
    rows[0] = cond_shape[0];
    return RunSelect(ctx, rows);
  }
  if (cond_shape != then_shape) {
    return OpError(ctx, "condition and 'then' must have the same shape, got " +
                            ShapeToString(cond_shape) + " vs. " + ShapeToString(then_shape));
  }
  return RunSelect(ctx, cond_shape);
}

Status SelectV2Kernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckSelectInputs(ctx));
  return RunSelect(ctx, ctx.input(0).shape());
}

// ---- ClipByValue ----

Status ClipByValueKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
  Tensor t = ctx.input(0), low = ctx.input(1), high = ctx.input(2);
  for (const Tensor* bound : {&low, &high}) {
    if (bound->rank() != 0 && bound->shape() != t.shape()) {
      return OpError(ctx,
                     "clip_value_min and clip_value_max must be either of the same shape as "
                     "input, or a scalar. input shape: " +
                         ShapeToString(t.shape()) +
                         " clip_value_min shape: " + ShapeToString(low.shape()) +
                         " clip_value_max shape: " + ShapeToString(high.shape()));
    }
  }
  const DataType dtype = t.dtype();
  if (IsFloat16(dtype)) {  // exact through float: clipping only compares
    t = WidenToFloat(t);
    low = WidenToFloat(low);
    high = WidenToFloat(high);
  }
  const Shape shapes[] = {t.shape(), low.shape(), high.shape()};
  TFTRT_ASSIGN_OR_RETURN(const BroadcastPlan plan, BroadcastPlan::Make(shapes));
  Tensor result;
  VisitType(ComputeTypes{}, t.dtype(), [&]<typename T>() {
    if constexpr ((kRealNumbers & TypeClassOf<T>()) != 0) {
      result = Tensor(t.dtype(), t.shape());
      // max(min(x, high), low) as Eigen's cwiseMin / cwiseMax: NaN passes through, and
      // low wins where low > high.
      TernaryMap(plan, t.flat<T>(), low.flat<T>(), high.flat<T>(), result.flat<T>(),
                 [](T x, T lo, T hi) {
                   const T upper_clipped = hi < x ? hi : x;
                   return upper_clipped < lo ? lo : upper_clipped;
                 });
    }
  });
  if (!result.is_valid()) return UnsupportedDtype(ctx.node().op, dtype);
  ctx.set_output(0, IsFloat16(dtype) ? NarrowFromFloat(result, dtype) : std::move(result));
  return Status::Ok();
}

}  // namespace

void RegisterCastOps(KernelRegistry& registry) {
  registry.Register("Cast", &CastKernel);
  registry.Register("Select", &SelectKernel);
  registry.Register("SelectV2", &SelectV2Kernel);
  registry.Register("ClipByValue", &ClipByValueKernel);
}

}  // namespace tftrt
