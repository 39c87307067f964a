#include "kernels/cpu/layer_norm.h"

#include <cmath>

#include "kernels/cpu/nn_numeric.h"

namespace tftrt {

template <typename T>
void LayerNorm(int64_t rows, int64_t cols, const T* x, const float* gamma, const float* beta,
               float epsilon, T* y) {
  using C = WideType<T>;
  if (cols == 0) return;
  for (int64_t r = 0; r < rows; ++r) {
    const T* in = x + r * cols;
    double sum = 0;
    for (int64_t j = 0; j < cols; ++j) sum += static_cast<double>(Widen(in[j]));
    const C mean = static_cast<C>(sum / static_cast<double>(cols));
    double squares = 0;
    for (int64_t j = 0; j < cols; ++j) {
      const C d = Widen(in[j]) - mean;
      squares += static_cast<double>(d * d);
    }
    const C variance = static_cast<C>(squares / static_cast<double>(cols));
    const C inverse = C{1} / std::sqrt(variance + static_cast<C>(epsilon));
    T* out = y + r * cols;
    for (int64_t j = 0; j < cols; ++j) {
      const C s = inverse * static_cast<C>(gamma[j]);
      out[j] = Narrow<T>(Widen(in[j]) * s + ((-mean) * s + static_cast<C>(beta[j])));
    }
  }
}

template void LayerNorm<float>(int64_t, int64_t, const float*, const float*, const float*, float,
                               float*);
template void LayerNorm<double>(int64_t, int64_t, const double*, const float*, const float*, float,
                                double*);
template void LayerNorm<Half>(int64_t, int64_t, const Half*, const float*, const float*, float,
                              Half*);
template void LayerNorm<BFloat16>(int64_t, int64_t, const BFloat16*, const float*, const float*,
                                  float, BFloat16*);

}  // namespace tftrt
