#include "kernels/cpu/half_rounding.h"

#include "tftrt/tensor.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tftrt {
namespace {

#if defined(__x86_64__)
// Eight floats at a time through the F16C conversions.
__attribute__((target("avx,f16c"))) void RoundToHalfF16c(float* data, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i half = _mm256_cvtps_ph(_mm256_loadu_ps(data + i), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_ps(data + i, _mm256_cvtph_ps(half));
  }
  RoundToHalfPrecisionPortable(data + i, n - i);
}
#endif

}  // namespace

void RoundToHalfPrecisionPortable(float* data, int64_t n) {
  for (int64_t i = 0; i < n; ++i) data[i] = HalfToFloat(FloatToHalf(data[i]));
}

void RoundToHalfPrecision(float* data, int64_t n) {
#if defined(__x86_64__)
  static const bool has_f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
  if (has_f16c) {
    RoundToHalfF16c(data, n);
    return;
  }
#endif
  RoundToHalfPrecisionPortable(data, n);
}

}  // namespace tftrt
