// Softmax and log-softmax over the last axis of a [rows, classes] array (TF's Softmax,
// LogSoftmax), numerically stable: the row maximum is subtracted before exponentiating,
// as TensorFlow does. A row containing NaN or +inf, or made only of -inf, yields NaN, as
// in TF.
//
// Instantiated for float, double, Half and BFloat16 (the last two computed in float).
#ifndef TFTRT_KERNELS_CPU_SOFTMAX_H_
#define TFTRT_KERNELS_CPU_SOFTMAX_H_

#include <cstdint>

namespace tftrt {

// output[r, :] = exp(x - max) / sum(exp(x - max)) for each row r of logits.
template <typename T>
void Softmax(int64_t rows, int64_t classes, const T* logits, T* output);

// output[r, :] = (x - max) - log(sum(exp(x - max))).
template <typename T>
void LogSoftmax(int64_t rows, int64_t classes, const T* logits, T* output);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_SOFTMAX_H_
