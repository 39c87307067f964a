// Combining two elements of one dtype the way TF's scatter and segment reduction kernels
// do (tensorflow/core/kernels/scatter_functor.h, segment_reduction_ops_impl.h): 16-bit
// floats are combined in float and rounded back after every step, as Eigen::half and
// Eigen::bfloat16 arithmetic does; max / min are std::max / std::min(new, current), so a
// NaN that arrives replaces the current value and a value that arrives after a NaN
// replaces it too (what TF's segment reductions give).
#ifndef TFTRT_KERNELS_CPU_COMBINE_H_
#define TFTRT_KERNELS_CPU_COMBINE_H_

#include <limits>

#include "kernels/cpu/elementwise.h"

namespace tftrt {

// The element types TF's scatter and segment reductions take on the CPU (real numbers).
using CombineTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                              uint8_t, uint16_t, uint32_t, uint64_t>;

enum class CombineKind { kSum, kProd, kMax, kMin };

template <typename T>
T CombineElements(CombineKind kind, T a, T b) {
  if constexpr (kIsFloat16<T>) {
    return FromFloat<T>(CombineElements(kind, ToFloat(a), ToFloat(b)));
  } else {
    switch (kind) {
      case CombineKind::kSum:
        return static_cast<T>(a + b);
      case CombineKind::kProd:
        return static_cast<T>(a * b);
      case CombineKind::kMax:  // std::max(new, current): a NaN arriving is kept
        return b < a ? a : b;
      case CombineKind::kMin:  // std::min(new, current)
        return a < b ? a : b;
    }
    return a;
  }
}

// The lowest and highest finite values of T (Eigen's NumTraits lowest() / highest()).
template <typename T>
T LowestFinite() {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{0xFBFF};  // -65504
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return BFloat16{0xFF7F};
  } else {
    return std::numeric_limits<T>::lowest();
  }
}
template <typename T>
T HighestFinite() {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{0x7BFF};  // 65504
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return BFloat16{0x7F7F};
  } else {
    return std::numeric_limits<T>::max();
  }
}

// The value an empty reduction yields: 0, 1, or the lowest / highest finite value.
template <typename T>
T CombineIdentity(CombineKind kind) {
  switch (kind) {
    case CombineKind::kSum:
      return FromFloat<T>(0.0f);
    case CombineKind::kProd:
      return FromFloat<T>(1.0f);
    case CombineKind::kMax:
      return LowestFinite<T>();
    case CombineKind::kMin:
      return HighestFinite<T>();
  }
  return FromFloat<T>(0.0f);
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_COMBINE_H_
