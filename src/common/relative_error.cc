#include "common/relative_error.h"

#include <cmath>

namespace tftrt {

double RelativeError(const Tensor& actual, const Tensor& expected) {
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < expected.NumElements(); ++i) {
    const double a = actual.ElementAsDouble(i), b = expected.ElementAsDouble(i);
    if (!std::isfinite(b)) continue;
    diff += (a - b) * (a - b);
    norm += b * b;
  }
  return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

}  // namespace tftrt
