#include "kernels/cpu/batch_norm.h"

#include <cmath>
#include <vector>

#include "kernels/cpu/nn_numeric.h"
#include "tftrt/tensor.h"

namespace tftrt {
namespace {

// y = (x - mean[c]) * factor[c] + offset[c] over the [outer, channels, inner] layout, with
// factor = rsqrt(variance + epsilon) * scale: TF's order of operations.
template <typename T>
void Normalize(const BatchNormShape& shape, const T* x, const float* scale, const float* offset,
               const float* mean, const float* variance, float epsilon, T* y) {
  std::vector<float> factors(shape.channels);
  for (int64_t c = 0; c < shape.channels; ++c) {
    factors[c] = (1.0f / std::sqrt(variance[c] + epsilon)) * scale[c];
  }
  if (shape.inner == 1) {  // channels last (NHWC): a vectorizable loop over channels
    for (int64_t o = 0; o < shape.outer; ++o) {
      const T* x_row = x + o * shape.channels;
      T* y_row = y + o * shape.channels;
      for (int64_t c = 0; c < shape.channels; ++c) {
        y_row[c] = Narrow<T>((Widen(x_row[c]) - mean[c]) * factors[c] + offset[c]);
      }
    }
    return;
  }
  for (int64_t o = 0; o < shape.outer; ++o) {
    for (int64_t c = 0; c < shape.channels; ++c) {
      const int64_t base = (o * shape.channels + c) * shape.inner;
      const float factor = factors[c], m = mean[c], shift = offset[c];
      for (int64_t i = 0; i < shape.inner; ++i) {
        y[base + i] = Narrow<T>((Widen(x[base + i]) - m) * factor + shift);
      }
    }
  }
}

}  // namespace

template <typename T>
void BatchNormInference(const BatchNormShape& shape, const T* x, const float* scale,
                        const float* offset, const float* mean, const float* variance,
                        float epsilon, T* y) {
  Normalize(shape, x, scale, offset, mean, variance, epsilon, y);
}

template <typename T>
void BatchNormTraining(const BatchNormShape& shape, const T* x, const float* scale,
                       const float* offset, float epsilon, T* y, float* batch_mean,
                       float* batch_variance) {
  const int64_t channels = shape.channels;
  const double count = static_cast<double>(shape.outer * shape.inner);
  // Two passes (mean, then squared deviations) in double: as accurate as TF's reduction
  // trees without depending on their order.
  std::vector<double> sum(channels, 0.0), squares(channels, 0.0);
  auto for_each = [&](auto visit) {
    for (int64_t o = 0; o < shape.outer; ++o) {
      for (int64_t c = 0; c < channels; ++c) {
        const T* row = x + (o * channels + c) * shape.inner;
        for (int64_t i = 0; i < shape.inner; ++i) visit(c, Widen(row[i]));
      }
    }
  };
  for_each([&](int64_t c, float value) { sum[c] += value; });
  for (int64_t c = 0; c < channels; ++c) batch_mean[c] = static_cast<float>(sum[c] / count);
  for_each([&](int64_t c, float value) {
    const double centered = static_cast<double>(value) - batch_mean[c];
    squares[c] += centered * centered;
  });
  for (int64_t c = 0; c < channels; ++c) {
    batch_variance[c] = static_cast<float>(squares[c] / count);
  }
  Normalize(shape, x, scale, offset, batch_mean, batch_variance, epsilon, y);
}

#define TFTRT_INSTANTIATE_BATCH_NORM_(T)                                                           \
  template void BatchNormInference<T>(const BatchNormShape&, const T*, const float*, const float*, \
                                      const float*, const float*, float, T*);                      \
  template void BatchNormTraining<T>(const BatchNormShape&, const T*, const float*, const float*,  \
                                     float, T*, float*, float*);
TFTRT_INSTANTIATE_BATCH_NORM_(float)
TFTRT_INSTANTIATE_BATCH_NORM_(Half)
TFTRT_INSTANTIATE_BATCH_NORM_(BFloat16)
#undef TFTRT_INSTANTIATE_BATCH_NORM_

}  // namespace tftrt
