#include "kernels/cpu/int8_quantize.h"

#include <algorithm>
#include <cmath>

namespace tftrt {

int32_t QuantizeInt8(float x, float scale) {
  const float scaled = x / scale;
  if (std::isnan(scaled)) return 0;
  // nearbyint rounds in the default mode, to nearest with ties to even.
  return static_cast<int32_t>(std::nearbyint(std::clamp(scaled, -128.0f, 127.0f)));
}

void QuantizeInt8(const float* x, int64_t count, float scale, int32_t* q) {
  for (int64_t i = 0; i < count; ++i) q[i] = QuantizeInt8(x[i], scale);
}

void FakeQuantizeInt8(float* x, int64_t count, float scale) {
  for (int64_t i = 0; i < count; ++i) x[i] = static_cast<float>(QuantizeInt8(x[i], scale)) * scale;
}

}  // namespace tftrt
