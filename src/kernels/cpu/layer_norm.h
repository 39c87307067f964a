// Layer normalization over the last axis of a [rows, cols] array, as Keras'
// LayerNormalization computes it in a TF graph (engine/layer_norm_folding.h):
//     m = mean(x)   v = mean((x - m)^2)   s = rsqrt(v + epsilon) * gamma
//     y = x * s + ((-m) * s + beta)
// gamma and beta have `cols` float values. Computed in float (double for double); the
// means accumulate in double, as the Mean kernel does.
#ifndef TFTRT_KERNELS_CPU_LAYER_NORM_H_
#define TFTRT_KERNELS_CPU_LAYER_NORM_H_

#include <cstdint>

namespace tftrt {

// Instantiated for float, double, Half and BFloat16 (the last two computed in float).
template <typename T>
void LayerNorm(int64_t rows, int64_t cols, const T* x, const float* gamma, const float* beta,
               float epsilon, T* y);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_LAYER_NORM_H_
