#include "kernels/cpu/softmax.h"

#include <cmath>
#include <vector>

#include "kernels/cpu/nn_numeric.h"
#include "tftrt/tensor.h"

namespace tftrt {
namespace {

// Fills shifted[j] = x[j] - max(x) for one row and returns sum(exp(shifted)); when
// `exponentiate`, shifted[j] is replaced by exp(shifted[j]).
template <typename T, typename C = WideType<T>>
C ShiftRow(const T* logits, int64_t classes, bool exponentiate, C* shifted) {
  C max_value = Widen(logits[0]);
  for (int64_t j = 1; j < classes; ++j) {
    const C value = Widen(logits[j]);
    // A NaN anywhere makes sum NaN below, so the whole row is NaN whatever max we pick.
    if (value > max_value) max_value = value;
  }
  C sum = 0;
  for (int64_t j = 0; j < classes; ++j) {
    shifted[j] = Widen(logits[j]) - max_value;
    const C e = std::exp(shifted[j]);
    if (exponentiate) shifted[j] = e;
    sum += e;
  }
  return sum;
}

}  // namespace

template <typename T>
void Softmax(int64_t rows, int64_t classes, const T* logits, T* output) {
  using C = WideType<T>;
  if (classes == 0) return;
  std::vector<C> row(classes);
  for (int64_t r = 0; r < rows; ++r) {
    const C sum = ShiftRow<T>(logits + r * classes, classes, /*exponentiate=*/true, row.data());
    const C inverse = C{1} / sum;  // TF multiplies by the inverse of the sum
    T* out = output + r * classes;
    for (int64_t j = 0; j < classes; ++j) out[j] = Narrow<T>(row[j] * inverse);
  }
}

template <typename T>
void LogSoftmax(int64_t rows, int64_t classes, const T* logits, T* output) {
  using C = WideType<T>;
  if (classes == 0) return;
  std::vector<C> row(classes);
  for (int64_t r = 0; r < rows; ++r) {
    const C log_sum =
        std::log(ShiftRow<T>(logits + r * classes, classes, /*exponentiate=*/false, row.data()));
    T* out = output + r * classes;
    for (int64_t j = 0; j < classes; ++j) out[j] = Narrow<T>(row[j] - log_sum);
  }
}

#define TFTRT_INSTANTIATE_SOFTMAX_(T)                       \
  template void Softmax<T>(int64_t, int64_t, const T*, T*); \
  template void LogSoftmax<T>(int64_t, int64_t, const T*, T*);
TFTRT_INSTANTIATE_SOFTMAX_(float)
TFTRT_INSTANTIATE_SOFTMAX_(double)
TFTRT_INSTANTIATE_SOFTMAX_(Half)
TFTRT_INSTANTIATE_SOFTMAX_(BFloat16)
#undef TFTRT_INSTANTIATE_SOFTMAX_

}  // namespace tftrt
