// Building blocks of the elementwise cpu kernels (unary and binary math, casts,
// selection): dispatch from a DataType to a C++ element type, the map loops over plain
// and broadcast operands, and the float stand-in for 16-bit floats.
//
// 16-bit floats (half, bfloat16) are computed as TF's Eigen computes them: each operation
// converts to float, computes in float and rounds the result back. Kernels therefore widen
// such tensors to float32 (WidenToFloat), run their float code, and narrow the result
// (NarrowFromFloat), instead of instantiating every operation for them; ops that TF
// computes in several steps round between the steps (RoundTo).
#ifndef TFTRT_KERNELS_CPU_ELEMENTWISE_H_
#define TFTRT_KERNELS_CPU_ELEMENTWISE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "kernels/cpu/broadcast.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// ---- Element type dispatch ----

template <typename... Ts>
struct TypeList {};

// Every numeric type a kernel computes on directly, plus bool (16-bit floats go through
// float, see above).
using ComputeTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                              uint32_t, uint64_t, bool>;

template <typename T>
inline constexpr bool kIsFloat16 = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
inline bool IsFloat16(DataType dtype) {
  return dtype == DataType::kHalf || dtype == DataType::kBFloat16;
}

// Element type classes as bits of a set: which dtypes an op takes.
namespace type_class {
inline constexpr unsigned kFloats = 1;  // float, double, and half/bfloat16 through float
inline constexpr unsigned kSignedInts = 2;
inline constexpr unsigned kUnsignedInts = 4;
inline constexpr unsigned kBools = 8;
inline constexpr unsigned kStrings = 16;
inline constexpr unsigned kComplex = 32;  // complex64, complex128 (kernels/cpu/complex.h)
inline constexpr unsigned kInts = kSignedInts | kUnsignedInts;
inline constexpr unsigned kRealNumbers = kFloats | kInts;
}  // namespace type_class

template <typename T>
constexpr unsigned TypeClassOf() {
  if constexpr (std::is_same_v<T, bool>) {
    return type_class::kBools;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return type_class::kStrings;
  } else if constexpr (std::is_floating_point_v<T> || kIsFloat16<T>) {
    return type_class::kFloats;
  } else if constexpr (std::is_signed_v<T>) {
    return type_class::kSignedInts;
  } else {
    return type_class::kUnsignedInts;
  }
}

// x < 0, without "always false" warnings for unsigned types.
template <typename T>
bool IsNegative(T x) {
  if constexpr (std::is_unsigned_v<T>) {
    return false;
  } else {
    return x < T{0};
  }
}

// Calls `fn.template operator()<T>()` for the T of `types` whose DataType is `dtype`.
// Returns false (calling nothing) when no type matches.
template <typename... Ts, typename Fn>
bool VisitType(TypeList<Ts...>, DataType dtype, Fn&& fn) {
  return ((DataTypeOf<Ts>() == dtype && (fn.template operator()<Ts>(), true)) || ...);
}

// "Add: unsupported dtype string": the error for a dtype a kernel does not take.
Status UnsupportedDtype(std::string_view op, DataType dtype);

// ---- Maps ----

// out[i] = op(in[i]) for i < n.
template <typename In, typename Out, typename Op>
void UnaryMap(const In* in, Out* out, int64_t n, const Op& op) {
  for (int64_t i = 0; i < n; ++i) out[i] = op(in[i]);
}

// out = op(a, b) over a broadcast plan of two operands. The loop over each run is
// specialized on which operand moves, so same-shape, scalar and row-broadcast cases are
// plain vectorizable loops.
template <typename A, typename B, typename Out, typename Op>
void BinaryMap(const BroadcastPlan& plan, const A* a, const B* b, Out* out, const Op& op) {
  plan.ForEachRun([&](int64_t out_offset, const auto& offsets, const auto& steps, int64_t n) {
    const A* pa = a + offsets[0];
    const B* pb = b + offsets[1];
    Out* po = out + out_offset;
    if (steps[0] && steps[1]) {
      for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], pb[i]);
    } else if (steps[0]) {
      const B vb = *pb;
      for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], vb);
    } else if (steps[1]) {
      const A va = *pa;
      for (int64_t i = 0; i < n; ++i) po[i] = op(va, pb[i]);
    } else {
      const Out value = op(*pa, *pb);
      for (int64_t i = 0; i < n; ++i) po[i] = value;
    }
  });
}

// out = op(a, b, c) over a broadcast plan of three operands (Select, ClipByValue).
template <typename A, typename B, typename C, typename Out, typename Op>
void TernaryMap(const BroadcastPlan& plan, const A* a, const B* b, const C* c, Out* out,
                const Op& op) {
  plan.ForEachRun([&](int64_t out_offset, const auto& offsets, const auto& steps, int64_t n) {
    const A* pa = a + offsets[0];
    const B* pb = b + offsets[1];
    const C* pc = c + offsets[2];
    Out* po = out + out_offset;
    if (steps[0] && steps[1] && steps[2]) {
      for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], pb[i], pc[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) {
        po[i] = op(pa[i * steps[0]], pb[i * steps[1]], pc[i * steps[2]]);
      }
    }
  });
}

// ---- 16-bit floats ----

// A float32 copy of a half or bfloat16 tensor.
Tensor WidenToFloat(const Tensor& tensor);
// A half or bfloat16 (`dtype`) copy of a float32 tensor, rounding to nearest even.
Tensor NarrowFromFloat(const Tensor& tensor, DataType dtype);

// Element conversions between float and 16-bit floats.
template <typename T>
float ToFloat(T value) {
  if constexpr (std::is_same_v<T, Half>) {
    return HalfToFloat(value);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return BFloat16ToFloat(value);
  } else {
    return static_cast<float>(value);
  }
}
template <typename T>
T FromFloat(float value) {
  if constexpr (std::is_same_v<T, Half>) {
    return FloatToHalf(value);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return FloatToBFloat16(value);
  } else {
    return static_cast<T>(value);
  }
}

// Rounding of intermediate results. TF computes a 16-bit float op that is several Eigen
// operations (Elu is exp(x) - 1) one operation at a time, rounding each result to 16 bits.
// Ops written in steps call RoundTo<S> between steps, S being the tensor's element type
// (identity unless S is half or bfloat16), and take their element type as a second,
// tag argument: `[](auto x, auto storage) { using S = TagType<decltype(storage)>; ... }`.
template <typename S, typename T>
T RoundTo(T value) {
  if constexpr (kIsFloat16<S>) {
    return static_cast<T>(ToFloat(FromFloat<S>(static_cast<float>(value))));
  } else {
    return value;
  }
}

// The element type S that a tag argument names.
template <typename Tag>
using TagType = typename Tag::type;

// op(args...), or op(args..., std::type_identity<S>{}) for ops that take the tag.
template <typename S, typename Op, typename... Args>
auto ApplyOp(const Op& op, const Args&... args) {
  if constexpr (std::is_invocable_v<const Op&, const Args&..., std::type_identity<S>>) {
    return op(args..., std::type_identity<S>{});
  } else {
    return op(args...);
  }
}

// ---- Arithmetic that wraps around for integers, as TF's does (signed overflow is UB in
// C++); plain arithmetic for floating point ----

template <typename T>
using WideUnsigned = std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>;

template <typename T>
T WrappingAdd(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WideUnsigned<T>>(a) + static_cast<WideUnsigned<T>>(b));
  } else {
    return a + b;
  }
}
template <typename T>
T WrappingSub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WideUnsigned<T>>(a) - static_cast<WideUnsigned<T>>(b));
  } else {
    return a - b;
  }
}
template <typename T>
T WrappingMul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WideUnsigned<T>>(a) * static_cast<WideUnsigned<T>>(b));
  } else {
    return a * b;
  }
}
template <typename T>
T WrappingNeg(T a) {
  if constexpr (std::is_integral_v<T>) {
    return WrappingSub(T{0}, a);
  } else {
    return -a;
  }
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_ELEMENTWISE_H_
