// Elementwise binary math with broadcasting (Add, Mul, FloorDiv, Maximum, Less, Equal,
// LogicalAnd, ...), plus BiasAdd and AddN. Add, Sub, Mul and the divisions also take
// complex64 / complex128, computed as std::complex.
//
// Each broadcasting op is one table line: the element type classes it takes, a generic
// lambda for one pair of elements, and optionally a check of the second operand that
// TF makes for integers (division by zero, negative exponents). Integer arithmetic wraps
// as TF's does; half and bfloat16 are computed through float, and ops that TF computes in
// several rounded steps take the element type as a tag (see RoundTo).
#include <cmath>
#include <string>
#include <type_traits>

#include "graph/attrs.h"
#include "kernels/cpu/broadcast.h"
#include "kernels/cpu/complex.h"
#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

using type_class::kBools;
using type_class::kComplex;
using type_class::kFloats;
using type_class::kInts;
using type_class::kRealNumbers;
using type_class::kStrings;

using BinaryTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                             uint32_t, uint64_t, bool, std::string>;

// ---- Integer division as TF defines it. REQUIRES: b != 0 (checked up front). ----

// INT_MIN / -1 wraps to INT_MIN (TF's result; C++ leaves it undefined).
template <typename T>
T TruncatingDiv(T a, T b) {
  if constexpr (std::is_signed_v<T>) {
    if (b == T{-1}) return WrappingNeg(a);
  }
  return static_cast<T>(a / b);
}
template <typename T>
T TruncatingMod(T a, T b) {
  if constexpr (std::is_signed_v<T>) {
    if (b == T{-1}) return T{0};
  }
  return static_cast<T>(a % b);
}

// S: see RoundTo.
template <typename S, typename T>
T FlooringDiv(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::floor(RoundTo<S>(a / b));
  } else {
    T quotient = TruncatingDiv(a, b);
    if (TruncatingMod(a, b) != 0 && IsNegative(a) != IsNegative(b)) --quotient;
    return quotient;
  }
}

// The remainder takes the divisor's sign.
template <typename T>
T FlooringMod(T a, T b) {
  T remainder;
  if constexpr (std::is_floating_point_v<T>) {
    remainder = std::fmod(a, b);
  } else {
    remainder = TruncatingMod(a, b);
  }
  if (remainder != 0 && IsNegative(remainder) != IsNegative(b)) {
    remainder = static_cast<T>(remainder + b);
  }
  return remainder;
}

template <typename S, typename T>
T TruncatedDivision(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::trunc(RoundTo<S>(a / b));
  } else {
    return TruncatingDiv(a, b);
  }
}
template <typename T>
T TruncatedMod(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(a, b);
  } else {
    return TruncatingMod(a, b);
  }
}

// REQUIRES for integers: exponent >= 0 (checked up front).
template <typename T>
T Power(T base, T exponent) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(base, exponent);
  } else {
    T result = 1;
    for (; exponent != 0; exponent = static_cast<T>(exponent >> 1)) {
      if (exponent & 1) result = WrappingMul(result, base);
      base = WrappingMul(base, base);
    }
    return result;
  }
}

// Maximum and Minimum propagate NaN from either side, as TF does.
template <typename T>
T Max(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return a;
    if (std::isnan(b)) return b;
  }
  return a < b ? b : a;
}
template <typename T>
T Min(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return a;
    if (std::isnan(b)) return b;
  }
  return b < a ? b : a;
}

// Shift amounts are clamped to [0, bits - 1], as TF does.
template <typename T>
T ShiftAmount(T shift) {
  constexpr T kMaxShift = sizeof(T) * 8 - 1;
  if (IsNegative(shift)) return 0;
  return shift > kMaxShift ? kMaxShift : shift;
}
template <typename T>
T LeftShift(T a, T shift) {
  using Unsigned = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<Unsigned>(a) << ShiftAmount(shift));
}
template <typename T>
T RightShift(T a, T shift) {
  return static_cast<T>(a >> ShiftAmount(shift));
}

// ---- Checks of the second operand: a message, or null when every element is fine. ----

constexpr auto kNoCheck = [](const auto*, int64_t) -> const char* { return nullptr; };

constexpr auto kNonZeroIntDivisor = [](const auto* divisor, int64_t n) -> const char* {
  using T = std::remove_cvref_t<decltype(*divisor)>;
  if constexpr (std::is_integral_v<T>) {
    for (int64_t i = 0; i < n; ++i) {
      if (divisor[i] == 0) return "Integer division by zero";
    }
  }
  return nullptr;
};

constexpr auto kNonNegativeIntExponent = [](const auto* exponent, int64_t n) -> const char* {
  using T = std::remove_cvref_t<decltype(*exponent)>;
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    for (int64_t i = 0; i < n; ++i) {
      if (exponent[i] < 0) return "Integers to negative integer powers are not allowed";
    }
  }
  return nullptr;
};

// ---- The broadcasting kernel ----

// op(a, b) over `plan`, computing in T; S is the element type of a and b (T, or a 16-bit
// float they hold widened to float). A tensor of T, or of bool when `op` returns bool.
template <typename T, typename S, typename Op, typename Check>
StatusOr<Tensor> MapPairsAs(const OpKernelContext& ctx, const Tensor& a, const Tensor& b,
                            const BroadcastPlan& plan, const Op& op, const Check& check) {
  if (const char* error = check(b.flat<T>(), b.NumElements())) return OpError(ctx, error);
  using Out = std::conditional_t<std::is_same_v<decltype(ApplyOp<S>(op, T{}, T{})), bool>, bool, T>;
  Tensor out(DataTypeOf<Out>(), plan.output_shape());
  BinaryMap(plan, a.flat<T>(), b.flat<T>(), out.flat<Out>(),
            [&op](const T& x, const T& y) { return static_cast<Out>(ApplyOp<S>(op, x, y)); });
  return out;
}

// op(a, b) over `plan` for complex a and b of element type C, computed as std::complex.
template <typename C, typename Op>
Tensor MapComplexPairs(const Tensor& a, const Tensor& b, const BroadcastPlan& plan, const Op& op) {
  using Z = StdComplexOf<C>;
  Tensor out(a.dtype(), plan.output_shape());
  BinaryMap(plan, AsStdComplex<C>(a), AsStdComplex<C>(b), AsStdComplex<C>(out),
            [&op](const Z& x, const Z& y) { return static_cast<Z>(op(x, y)); });
  return out;
}

// op(a, b) over `plan`: a tensor of a's dtype, or of bool when `op` returns bool.
template <unsigned kTypes, typename Op, typename Check>
StatusOr<Tensor> MapPairs(const OpKernelContext& ctx, const Tensor& a, const Tensor& b,
                          const BroadcastPlan& plan, const Op& op, const Check& check) {
  StatusOr<Tensor> result = UnsupportedDtype(ctx.node().op, a.dtype());
  if (IsComplex(a.dtype())) {
    if constexpr ((kTypes & kComplex) != 0) {
      VisitType(ComplexTypes{}, a.dtype(),
                [&]<typename C>() { result = MapComplexPairs<C>(a, b, plan, op); });
    }
    return result;
  }
  if (IsFloat16(a.dtype())) {
    if constexpr ((kTypes & kFloats) != 0) {
      VisitType(TypeList<Half, BFloat16>{}, a.dtype(), [&]<typename S>() {
        result = MapPairsAs<float, S>(ctx, WidenToFloat(a), WidenToFloat(b), plan, op, check);
        if (result.ok() && result->dtype() == DataType::kFloat) {
          result = NarrowFromFloat(*result, a.dtype());
        }
      });
    }
    return result;
  }
  VisitType(BinaryTypes{}, a.dtype(), [&]<typename T>() {
    if constexpr ((kTypes & TypeClassOf<T>()) != 0) {
      result = MapPairsAs<T, T>(ctx, a, b, plan, op, check);
    }
  });
  return result;
}

template <unsigned kTypes, typename Op, typename Check>
Status RunBinary(OpKernelContext& ctx, const Op& op, const Check& check) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  StatusOr<BroadcastPlan> plan = BroadcastPlan::Make(a.shape(), b.shape());
  if (!plan.ok()) return OpError(ctx, plan.status().message());
  TFTRT_ASSIGN_OR_RETURN(Tensor result, MapPairs<kTypes>(ctx, a, b, *plan, op, check));
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

Status CheckBinaryInputs(const OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  return CheckSameDtype(ctx, 0, 1);
}

// The kernel of an op without attributes: kOp and kCheck are captureless generic lambdas.
template <unsigned kTypes, auto kOp, auto kCheck = kNoCheck>
Status BinaryKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckBinaryInputs(ctx));
  return RunBinary<kTypes>(ctx, kOp, kCheck);
}

// Equal and NotEqual: with incompatible_shape_error=false, shapes that do not broadcast
// give a scalar `kMismatch` instead of an error.
template <auto kOp, bool kMismatch>
Status EqualityKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckBinaryInputs(ctx));
  TFTRT_ASSIGN_OR_RETURN(const bool shape_error,
                         GetBoolAttrOr(ctx.node(), "incompatible_shape_error", true));
  if (!shape_error && !BroadcastShapes(ctx.input(0).shape(), ctx.input(1).shape()).ok()) {
    ctx.set_output(0, Tensor::Scalar<bool>(kMismatch));
    return Status::Ok();
  }
  return RunBinary<kRealNumbers | kBools | kStrings>(ctx, kOp, kNoCheck);
}

// ---- BiasAdd ----

// out[o, c, i] = value[o, c, i] + bias[c]: NHWC has inner == 1, NCHW outer == batch.
template <typename T>
void AddBias(const T* value, const T* bias, T* out, int64_t outer, int64_t channels,
             int64_t inner) {
  for (int64_t o = 0; o < outer; ++o) {
    if (inner == 1) {
      for (int64_t c = 0; c < channels; ++c) out[c] = WrappingAdd(value[c], bias[c]);
    } else {
      for (int64_t c = 0; c < channels; ++c) {
        const T b = bias[c];
        const T* v = value + c * inner;
        T* po = out + c * inner;
        for (int64_t i = 0; i < inner; ++i) po[i] = WrappingAdd(v[i], b);
      }
    }
    value += channels * inner;
    out += channels * inner;
  }
}

StatusOr<Tensor> BiasAdd(const OpKernelContext& ctx, const Tensor& value, const Tensor& bias,
                         bool channels_first) {
  if (IsFloat16(value.dtype())) {
    TFTRT_ASSIGN_OR_RETURN(Tensor result,
                           BiasAdd(ctx, WidenToFloat(value), WidenToFloat(bias), channels_first));
    return NarrowFromFloat(result, value.dtype());
  }
  if (value.rank() < 2) {
    return OpError(ctx, "Input tensor must be at least 2D: " + ShapeToString(value.shape()));
  }
  if (bias.rank() != 1) return OpError(ctx, "Biases must be 1D: " + ShapeToString(bias.shape()));
  const int channel_dim = channels_first ? 1 : value.rank() - 1;
  const int64_t channels = value.dim(channel_dim);
  if (bias.dim(0) != channels) {
    return OpError(ctx, std::string("Must provide as many biases as the ") +
                            (channels_first ? "channel" : "last") +
                            " dimension of the input tensor: " + ShapeToString(bias.shape()) +
                            " vs. " + ShapeToString(value.shape()));
  }
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < channel_dim; ++d) outer *= value.dim(d);
  for (int d = channel_dim + 1; d < value.rank(); ++d) inner *= value.dim(d);
  StatusOr<Tensor> result = UnsupportedDtype(ctx.node().op, value.dtype());
  VisitType(ComputeTypes{}, value.dtype(), [&]<typename T>() {
    if constexpr ((kRealNumbers & TypeClassOf<T>()) != 0) {
      Tensor out(value.dtype(), value.shape());
      AddBias(value.flat<T>(), bias.flat<T>(), out.flat<T>(), outer, channels, inner);
      result = std::move(out);
    }
  });
  return result;
}

Status BiasAddKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckBinaryInputs(ctx));
  TFTRT_ASSIGN_OR_RETURN(const std::string data_format,
                         GetStringAttrOr(ctx.node(), "data_format", "NHWC"));
  if (data_format != "NHWC" && data_format != "NCHW") {
    return OpError(ctx, "unsupported data_format '" + data_format + "'");
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor result,
                         BiasAdd(ctx, ctx.input(0), ctx.input(1), data_format == "NCHW"));
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

// ---- AddN ----

// Sums left to right, rounding after each addition for 16-bit floats, as TF's Eigen does.
template <typename T>
void Accumulate(T* sum, const T* addend, int64_t n) {
  if constexpr (kIsFloat16<T>) {
    for (int64_t i = 0; i < n; ++i) sum[i] = FromFloat<T>(ToFloat(sum[i]) + ToFloat(addend[i]));
  } else {
    for (int64_t i = 0; i < n; ++i) sum[i] = WrappingAdd(sum[i], addend[i]);
  }
}

Status AddNKernel(OpKernelContext& ctx) {
  if (ctx.num_inputs() < 1) return OpError(ctx, "expected at least 1 input");
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, ctx.num_inputs()));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, ctx.num_inputs() - 1));
  const Tensor& first = ctx.input(0);
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    if (ctx.input(i).shape() != first.shape()) {
      return OpError(ctx, "inputs must have the same shape, but input 0 is " +
                              ShapeToString(first.shape()) + " and input " + std::to_string(i) +
                              " is " + ShapeToString(ctx.input(i).shape()));
    }
  }
  using AddNTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                             uint8_t, uint16_t, uint32_t, uint64_t>;
  Tensor sum;
  VisitType(AddNTypes{}, first.dtype(), [&]<typename T>() {
    sum = first.Clone();
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      Accumulate(sum.flat<T>(), ctx.input(i).flat<T>(), sum.NumElements());
    }
  });
  if (!sum.is_valid()) return UnsupportedDtype(ctx.node().op, first.dtype());
  ctx.set_output(0, std::move(sum));
  return Status::Ok();
}

// ---- The ops ----

constexpr auto kAdd = [](auto a, auto b) { return WrappingAdd(a, b); };
constexpr auto kSub = [](auto a, auto b) { return WrappingSub(a, b); };
constexpr auto kMul = [](auto a, auto b) { return WrappingMul(a, b); };
constexpr auto kMulNoNan = [](auto a, auto b) { return b == 0 ? decltype(a){0} : a * b; };
constexpr auto kRealDiv = [](auto a, auto b) { return a / b; };
// Div: true division for floating point, truncating for integers.
constexpr auto kDiv = [](auto a, auto b) {
  if constexpr (std::is_integral_v<decltype(a)>) {
    return TruncatingDiv(a, b);
  } else {
    return a / b;
  }
};
constexpr auto kDivNoNan = [](auto a, auto b) { return b == 0 ? decltype(a){0} : a / b; };
constexpr auto kFloorDiv = [](auto a, auto b, auto storage) {
  return FlooringDiv<TagType<decltype(storage)>>(a, b);
};
constexpr auto kFloorMod = [](auto a, auto b) { return FlooringMod(a, b); };
constexpr auto kTruncateDiv = [](auto a, auto b, auto storage) {
  return TruncatedDivision<TagType<decltype(storage)>>(a, b);
};
constexpr auto kTruncateMod = [](auto a, auto b) { return TruncatedMod(a, b); };
constexpr auto kMaximum = [](auto a, auto b) { return Max(a, b); };
constexpr auto kMinimum = [](auto a, auto b) { return Min(a, b); };
constexpr auto kPow = [](auto a, auto b) { return Power(a, b); };
constexpr auto kSquaredDifference = [](auto a, auto b, auto storage) {
  const auto difference = RoundTo<TagType<decltype(storage)>>(WrappingSub(a, b));
  return WrappingMul(difference, difference);
};
constexpr auto kAtan2 = [](auto y, auto x) { return std::atan2(y, x); };
constexpr auto kXlogy = [](auto x, auto y, auto storage) {
  return x == 0 ? decltype(x){0} : x * RoundTo<TagType<decltype(storage)>>(std::log(y));
};
constexpr auto kXlog1py = [](auto x, auto y, auto storage) {
  return x == 0 ? decltype(x){0} : x * RoundTo<TagType<decltype(storage)>>(std::log1p(y));
};
constexpr auto kXdivy = [](auto x, auto y) { return x == 0 ? decltype(x){0} : x / y; };
constexpr auto kLess = [](const auto& a, const auto& b) { return a < b; };
constexpr auto kLessEqual = [](const auto& a, const auto& b) { return a <= b; };
constexpr auto kGreater = [](const auto& a, const auto& b) { return a > b; };
constexpr auto kGreaterEqual = [](const auto& a, const auto& b) { return a >= b; };
constexpr auto kEqual = [](const auto& a, const auto& b) { return a == b; };
constexpr auto kNotEqual = [](const auto& a, const auto& b) { return a != b; };
constexpr auto kLogicalAnd = [](bool a, bool b) { return a && b; };
constexpr auto kLogicalOr = [](bool a, bool b) { return a || b; };
constexpr auto kBitwiseAnd = [](auto a, auto b) { return static_cast<decltype(a)>(a & b); };
constexpr auto kBitwiseOr = [](auto a, auto b) { return static_cast<decltype(a)>(a | b); };
constexpr auto kBitwiseXor = [](auto a, auto b) { return static_cast<decltype(a)>(a ^ b); };
constexpr auto kLeftShift = [](auto a, auto b) { return LeftShift(a, b); };
constexpr auto kRightShift = [](auto a, auto b) { return RightShift(a, b); };

}  // namespace

void RegisterBinaryOps(KernelRegistry& registry) {
  registry.Register("Add", &BinaryKernel<kRealNumbers | kStrings | kComplex, kAdd>);
  registry.Register("AddV2", &BinaryKernel<kRealNumbers | kComplex, kAdd>);
  registry.Register("Sub", &BinaryKernel<kRealNumbers | kComplex, kSub>);
  registry.Register("Mul", &BinaryKernel<kRealNumbers | kComplex, kMul>);
  registry.Register("MulNoNan", &BinaryKernel<kFloats, kMulNoNan>);
  registry.Register("RealDiv", &BinaryKernel<kFloats | kComplex, kRealDiv>);
  registry.Register("Div", &BinaryKernel<kRealNumbers | kComplex, kDiv, kNonZeroIntDivisor>);
  registry.Register("DivNoNan", &BinaryKernel<kFloats, kDivNoNan>);
  registry.Register("FloorDiv", &BinaryKernel<kRealNumbers, kFloorDiv, kNonZeroIntDivisor>);
  registry.Register("FloorMod", &BinaryKernel<kRealNumbers, kFloorMod, kNonZeroIntDivisor>);
  registry.Register("TruncateDiv", &BinaryKernel<kRealNumbers, kTruncateDiv, kNonZeroIntDivisor>);
  registry.Register("TruncateMod", &BinaryKernel<kRealNumbers, kTruncateMod, kNonZeroIntDivisor>);
  registry.Register("Mod", &BinaryKernel<kRealNumbers, kTruncateMod, kNonZeroIntDivisor>);
  registry.Register("Maximum", &BinaryKernel<kRealNumbers, kMaximum>);
  registry.Register("Minimum", &BinaryKernel<kRealNumbers, kMinimum>);
  registry.Register("Pow", &BinaryKernel<kRealNumbers, kPow, kNonNegativeIntExponent>);
  registry.Register("SquaredDifference", &BinaryKernel<kRealNumbers, kSquaredDifference>);
  registry.Register("Atan2", &BinaryKernel<kFloats, kAtan2>);
  registry.Register("Xlogy", &BinaryKernel<kFloats, kXlogy>);
  registry.Register("Xlog1py", &BinaryKernel<kFloats, kXlog1py>);
  registry.Register("Xdivy", &BinaryKernel<kFloats, kXdivy>);
  registry.Register("Less", &BinaryKernel<kRealNumbers, kLess>);
  registry.Register("LessEqual", &BinaryKernel<kRealNumbers, kLessEqual>);
  registry.Register("Greater", &BinaryKernel<kRealNumbers, kGreater>);
  registry.Register("GreaterEqual", &BinaryKernel<kRealNumbers, kGreaterEqual>);
  registry.Register("Equal", &EqualityKernel<kEqual, false>);
  registry.Register("NotEqual", &EqualityKernel<kNotEqual, true>);
  registry.Register("LogicalAnd", &BinaryKernel<kBools, kLogicalAnd>);
  registry.Register("LogicalOr", &BinaryKernel<kBools, kLogicalOr>);
  registry.Register("BitwiseAnd", &BinaryKernel<kInts, kBitwiseAnd>);
  registry.Register("BitwiseOr", &BinaryKernel<kInts, kBitwiseOr>);
  registry.Register("BitwiseXor", &BinaryKernel<kInts, kBitwiseXor>);
  registry.Register("LeftShift", &BinaryKernel<kInts, kLeftShift>);
  registry.Register("RightShift", &BinaryKernel<kInts, kRightShift>);
  registry.Register("BiasAdd", &BiasAddKernel);
  registry.Register("BiasAddV1", &BiasAddKernel);
  registry.Register("AddN", &AddNKernel);
}

}  // namespace tftrt
