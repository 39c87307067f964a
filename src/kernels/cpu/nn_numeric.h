// Numeric helpers of the nn kernels (conv, pooling, softmax, batch norm, einsum) on raw
// arrays, built on kernels/cpu/elementwise.h (16-bit float conversions, wrap-around
// integer arithmetic).
//
// Half and bfloat16: these kernels compute in float and round once per output element
// (TensorFlow's CPU kernels also widen for the arithmetic that matters, e.g. batch norm
// and matmul accumulation), so their results can differ from TF's in the last bit.
#ifndef TFTRT_KERNELS_CPU_NN_NUMERIC_H_
#define TFTRT_KERNELS_CPU_NN_NUMERIC_H_

#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/cpu/elementwise.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The type arithmetic on T is done in: float for Half/BFloat16, T itself otherwise.
template <typename T>
using WideType = std::conditional_t<kIsFloat16<T>, float, T>;

template <typename T>
WideType<T> Widen(T value) {
  if constexpr (kIsFloat16<T>) {
    return ToFloat(value);
  } else {
    return value;
  }
}

template <typename T>
T Narrow(WideType<T> value) {
  if constexpr (kIsFloat16<T>) {
    return FromFloat<T>(value);
  } else {
    return value;
  }
}

// `count` elements of a 16-bit float array, widened.
template <typename T>
std::vector<float> WidenArray(const T* values, int64_t count) {
  std::vector<float> wide(count);
  for (int64_t i = 0; i < count; ++i) wide[i] = ToFloat(values[i]);
  return wide;
}

// Rounds `wide` into `values`.
template <typename T>
void NarrowArray(const std::vector<float>& wide, T* values) {
  for (size_t i = 0; i < wide.size(); ++i) values[i] = FromFloat<T>(wide[i]);
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_NN_NUMERIC_H_
