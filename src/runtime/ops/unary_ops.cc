// Elementwise unary math: Neg, Abs, Exp, Tanh, Relu, IsNan, LogicalNot, ...
//
// Neg, Square, Reciprocal, Exp, Log, Sqrt, Tanh, Sin and Cos also take complex64 /
// complex128, computed as std::complex.
//
// Each op is one table line: the element type classes it takes and a generic lambda for
// one element. Results keep the input's dtype (bool for predicates such as IsNan); half
// and bfloat16 are computed through float, as TF's Eigen does, and ops that TF computes
// in several rounded steps take the element type as a tag (see RoundTo).
#include <cmath>
#include <limits>
#include <type_traits>

#include "graph/attrs.h"
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
using type_class::kSignedInts;

// `op` applied to every element of `x`, computing in T; S is x's element type (T, or a
// 16-bit float that x holds widened to float).
template <typename T, typename S, typename Op>
Tensor MapAs(const Tensor& x, const Op& op) {
  using Out = std::conditional_t<std::is_same_v<decltype(ApplyOp<S>(op, T{})), bool>, bool, T>;
  Tensor result(DataTypeOf<Out>(), x.shape());
  UnaryMap(x.flat<T>(), result.flat<Out>(), x.NumElements(),
           [&op](T value) { return static_cast<Out>(ApplyOp<S>(op, value)); });
  return result;
}

// `op` applied to every element of `x`: a tensor of x's dtype, or of bool when `op`
// returns bool. An invalid Tensor when `kTypes` does not include x's dtype.
template <unsigned kTypes, typename Op>
Tensor MapElements(const Tensor& x, const Op& op) {
  Tensor result;
  if (IsComplex(x.dtype())) {
    if constexpr ((kTypes & kComplex) != 0) {
      VisitType(ComplexTypes{}, x.dtype(), [&]<typename C>() {
        using Z = StdComplexOf<C>;
        result = Tensor(x.dtype(), x.shape());
        UnaryMap(AsStdComplex<C>(x), AsStdComplex<C>(result), x.NumElements(),
                 [&op](const Z& z) { return static_cast<Z>(ApplyOp<Z>(op, z)); });
      });
    }
    return result;
  }
  if (IsFloat16(x.dtype())) {
    if constexpr ((kTypes & kFloats) != 0) {
      VisitType(TypeList<Half, BFloat16>{}, x.dtype(), [&]<typename S>() {
        result = MapAs<float, S>(WidenToFloat(x), op);
        if (result.dtype() == DataType::kFloat) result = NarrowFromFloat(result, x.dtype());
      });
    }
    return result;
  }
  VisitType(ComputeTypes{}, x.dtype(), [&]<typename T>() {
    if constexpr ((kTypes & TypeClassOf<T>()) != 0) result = MapAs<T, T>(x, op);
  });
  return result;
}

template <unsigned kTypes, typename Op>
Status RunUnary(OpKernelContext& ctx, const Op& op) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  Tensor result = MapElements<kTypes>(ctx.input(0), op);
  if (!result.is_valid()) return UnsupportedDtype(ctx.node().op, ctx.input(0).dtype());
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

// The kernel of an op without attributes: kOp is a captureless generic lambda.
template <unsigned kTypes, auto kOp>
Status UnaryKernel(OpKernelContext& ctx) {
  return RunUnary<kTypes>(ctx, kOp);
}

Status LeakyReluKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const float alpha, GetFloatAttrOr(ctx.node(), "alpha", 0.2f));
  return RunUnary<kFloats>(ctx, [alpha](auto x, auto storage) {
    using T = decltype(x);
    return x > T{0} ? x : x * RoundTo<TagType<decltype(storage)>>(static_cast<T>(alpha));
  });
}

// ---- Ops with more than one line; the rest are lambdas in the table below. ----

constexpr auto kAbs = [](auto x) {
  if constexpr (std::is_floating_point_v<decltype(x)>) {
    return std::abs(x);
  } else {
    return IsNegative(x) ? WrappingNeg(x) : x;  // Abs(INT_MIN) wraps to INT_MIN, as in TF
  }
};

constexpr auto kSign = [](auto x) {
  using T = decltype(x);
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return x;
  }
  return x > T{0} ? T{1} : (IsNegative(x) ? static_cast<T>(-1) : T{0});
};

// Round and Rint round halves to even: nearbyint in the default rounding mode. (TF 2.20's
// Round of integers returns zeros, a bug; tftrt returns the input.)
constexpr auto kRound = [](auto x) {
  if constexpr (std::is_floating_point_v<decltype(x)>) {
    return std::nearbyint(x);
  } else {
    return x;
  }
};

// A NaN passes through Relu and Relu6, as in TF: `x < 0` is false for it.
constexpr auto kRelu = [](auto x) { return IsNegative(x) ? decltype(x){0} : x; };
constexpr auto kRelu6 = [](auto x) {
  using T = decltype(x);
  return IsNegative(x) ? T{0} : (x > T{6} ? T{6} : x);
};

// TF computes 16-bit sigmoids as e / (1 + e), e = exp(x), in 16-bit steps.
constexpr auto kSigmoid = [](auto x, auto storage) {
  using T = decltype(x);
  using S = TagType<decltype(storage)>;
  if constexpr (kIsFloat16<S>) {
    const T e = RoundTo<S>(std::exp(x));
    return std::isinf(e) ? T{1} : e / RoundTo<S>(T{1} + e);
  } else {
    return T{1} / (T{1} + std::exp(-x));
  }
};

// exp(x) - 1 (TF's Elu and Selu use exp, not expm1).
template <typename S, typename T>
T ExpMinusOne(T x) {
  return RoundTo<S>(std::exp(x)) - T{1};
}

constexpr auto kElu = [](auto x, auto storage) {
  return x < decltype(x){0} ? ExpMinusOne<TagType<decltype(storage)>>(x) : x;
};

constexpr auto kSelu = [](auto x, auto storage) {
  using T = decltype(x);
  using S = TagType<decltype(storage)>;
  const T scale = RoundTo<S>(static_cast<T>(1.0507009873554804934193349852946));
  const T scale_alpha = RoundTo<S>(static_cast<T>(1.7580993408473768599402175208123));
  return x < T{0} ? scale_alpha * RoundTo<S>(ExpMinusOne<S>(x)) : scale * x;
};

template <typename S, typename T>
T Epsilon() {
  if constexpr (std::is_same_v<S, Half>) {
    return static_cast<T>(0x1p-10);
  } else if constexpr (std::is_same_v<S, BFloat16>) {
    return static_cast<T>(0x1p-7);
  } else {
    return std::numeric_limits<T>::epsilon();
  }
}

// Softplus as TF computes it: x or exp(x) where log1p(exp(x)) would lose precision.
template <typename S, typename T>
T Softplus(T x) {
  static const T threshold = RoundTo<S>(RoundTo<S>(std::log(Epsilon<S, T>())) + T{2});
  if (x > -threshold) return x;
  const T exp_x = RoundTo<S>(std::exp(x));
  return x < threshold ? exp_x : std::log1p(exp_x);
}
constexpr auto kSoftplus = [](auto x, auto storage) {
  return Softplus<TagType<decltype(storage)>>(x);
};

constexpr auto kSoftsign = [](auto x, auto storage) {
  return x / RoundTo<TagType<decltype(storage)>>(std::abs(x) + decltype(x){1});
};

constexpr auto kNeg = [](auto x) { return WrappingNeg(x); };
constexpr auto kSquare = [](auto x) { return WrappingMul(x, x); };
constexpr auto kReciprocal = [](auto x) { return decltype(x){1} / x; };
constexpr auto kRsqrt = [](auto x) { return kReciprocal(std::sqrt(x)); };
constexpr auto kInvert = [](auto x) { return static_cast<decltype(x)>(~x); };

}  // namespace

void RegisterUnaryOps(KernelRegistry& registry) {
  registry.Register("Neg", &UnaryKernel<kFloats | kSignedInts | kComplex, kNeg>);
  registry.Register("Abs", &UnaryKernel<kFloats | kSignedInts, kAbs>);
  registry.Register("Sign", &UnaryKernel<kFloats | kSignedInts, kSign>);
  registry.Register("Square", &UnaryKernel<kRealNumbers | kComplex, kSquare>);
  registry.Register("Reciprocal", &UnaryKernel<kFloats | kComplex, kReciprocal>);
  registry.Register("Inv", &UnaryKernel<kFloats | kComplex, kReciprocal>);
  registry.Register("Exp", &UnaryKernel<kFloats | kComplex, [](auto x) { return std::exp(x); }>);
  registry.Register("Expm1", &UnaryKernel<kFloats, [](auto x) { return std::expm1(x); }>);
  registry.Register("Log", &UnaryKernel<kFloats | kComplex, [](auto x) { return std::log(x); }>);
  registry.Register("Log1p", &UnaryKernel<kFloats, [](auto x) { return std::log1p(x); }>);
  registry.Register("Sqrt", &UnaryKernel<kFloats | kComplex, [](auto x) { return std::sqrt(x); }>);
  registry.Register("Rsqrt", &UnaryKernel<kFloats, kRsqrt>);
  registry.Register("Tanh", &UnaryKernel<kFloats | kComplex, [](auto x) { return std::tanh(x); }>);
  registry.Register("Sigmoid", &UnaryKernel<kFloats, kSigmoid>);
  registry.Register("Erf", &UnaryKernel<kFloats, [](auto x) { return std::erf(x); }>);
  registry.Register("Erfc", &UnaryKernel<kFloats, [](auto x) { return std::erfc(x); }>);
  registry.Register("Sin", &UnaryKernel<kFloats | kComplex, [](auto x) { return std::sin(x); }>);
  registry.Register("Cos", &UnaryKernel<kFloats | kComplex, [](auto x) { return std::cos(x); }>);
  registry.Register("Tan", &UnaryKernel<kFloats, [](auto x) { return std::tan(x); }>);
  registry.Register("Asin", &UnaryKernel<kFloats, [](auto x) { return std::asin(x); }>);
  registry.Register("Acos", &UnaryKernel<kFloats, [](auto x) { return std::acos(x); }>);
  registry.Register("Atan", &UnaryKernel<kFloats, [](auto x) { return std::atan(x); }>);
  registry.Register("Sinh", &UnaryKernel<kFloats, [](auto x) { return std::sinh(x); }>);
  registry.Register("Cosh", &UnaryKernel<kFloats, [](auto x) { return std::cosh(x); }>);
  registry.Register("Asinh", &UnaryKernel<kFloats, [](auto x) { return std::asinh(x); }>);
  registry.Register("Acosh", &UnaryKernel<kFloats, [](auto x) { return std::acosh(x); }>);
  registry.Register("Atanh", &UnaryKernel<kFloats, [](auto x) { return std::atanh(x); }>);
  registry.Register("Floor", &UnaryKernel<kFloats, [](auto x) { return std::floor(x); }>);
  registry.Register("Ceil", &UnaryKernel<kFloats, [](auto x) { return std::ceil(x); }>);
  registry.Register("Round", &UnaryKernel<kFloats | kInts, kRound>);
  registry.Register("Rint", &UnaryKernel<kFloats, kRound>);
  registry.Register("Relu", &UnaryKernel<kRealNumbers, kRelu>);
  registry.Register("Relu6", &UnaryKernel<kRealNumbers, kRelu6>);
  registry.Register("Elu", &UnaryKernel<kFloats, kElu>);
  registry.Register("Selu", &UnaryKernel<kFloats, kSelu>);
  registry.Register("Softplus", &UnaryKernel<kFloats, kSoftplus>);
  registry.Register("Softsign", &UnaryKernel<kFloats, kSoftsign>);
  registry.Register("LeakyRelu", &LeakyReluKernel);
  // Engine-only (engine/gelu_folding.h): tf.nn.gelu's five ops as one, same order.
  registry.Register("_TftrtGelu", &UnaryKernel<kFloats, [](auto x) {
                      using T = decltype(x);
                      return (T(0.5) * x) * std::erfc((-x) * T(0.7071067811865476));
                    }>);
  registry.Register("IsNan", &UnaryKernel<kFloats, [](auto x) { return std::isnan(x); }>);
  registry.Register("IsInf", &UnaryKernel<kFloats, [](auto x) { return std::isinf(x); }>);
  registry.Register("IsFinite", &UnaryKernel<kFloats, [](auto x) { return std::isfinite(x); }>);
  registry.Register("LogicalNot", &UnaryKernel<kBools, [](bool x) { return !x; }>);
  registry.Register("Invert", &UnaryKernel<kInts, kInvert>);
}

}  // namespace tftrt
