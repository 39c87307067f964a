#include "kernels/cpu/half_rounding.h"

#include "tftrt/tensor.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace tftrt {
namespace {

#if defined(__x86_64__)
// F16C is read from CPUID: clang 14's __builtin_cpu_supports does not know "f16c". The
// "avx" check also covers the OS saving the YMM registers.
bool HasF16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __builtin_cpu_supports("avx") && __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 &&
         (ecx & bit_F16C) != 0;
}

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
  static const bool has_f16c = HasF16c();
  if (has_f16c) {
    RoundToHalfF16c(data, n);
    return;
  }
#endif
  RoundToHalfPrecisionPortable(data, n);
}

}  // namespace tftrt
