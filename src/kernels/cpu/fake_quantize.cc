#include "kernels/cpu/fake_quantize.h"

#include <cstdint>
#include <limits>

namespace tftrt {

FakeQuantRange NudgeFakeQuantRange(float min, float max, int quant_min, int quant_max) {
  const float quant_min_float = static_cast<float>(quant_min);
  const float quant_max_float = static_cast<float>(quant_max);
  FakeQuantRange r;
  r.scale = (max - min) / (quant_max_float - quant_min_float);
  // TF computes the inverse from the range, not as 1 / scale, to keep its precision.
  r.inverse_scale = (quant_max_float - quant_min_float) / (max - min);
  const float zero_point_from_min = quant_min_float - min / r.scale;
  uint16_t nudged_zero_point;
  if (zero_point_from_min < quant_min_float) {
    nudged_zero_point = static_cast<uint16_t>(quant_min);
  } else if (zero_point_from_min > quant_max_float) {
    nudged_zero_point = static_cast<uint16_t>(quant_max);
  } else {
    nudged_zero_point = static_cast<uint16_t>(std::round(zero_point_from_min));
  }
  r.nudged_min = (quant_min_float - nudged_zero_point) * r.scale;
  r.nudged_max = (quant_max_float - nudged_zero_point) * r.scale;
  r.quant_zero = std::floor(-r.nudged_min * r.inverse_scale + 0.5f);
  return r;
}

QdqRange ComputeQdqRange(bool signed_input, int num_bits, bool narrow_range, float min, float max) {
  const int64_t half = int64_t{1} << (num_bits - 1);
  const int64_t min_quantized = signed_input ? (narrow_range ? -half + 1 : -half) : 0;
  const int64_t max_quantized = signed_input ? half - 1 : (int64_t{1} << num_bits) - 1;
  const float min_q = static_cast<float>(min_quantized);
  const float max_q = static_cast<float>(max_quantized);
  // The largest scale that keeps both ends within the integers and 0 at 0; the side that
  // decides it keeps its value.
  const float scale_from_min = min_q * min > 0 ? min_q / min : std::numeric_limits<float>::max();
  const float scale_from_max = max_q * max > 0 ? max_q / max : std::numeric_limits<float>::max();
  QdqRange r{min, max, 0, 0};
  if (scale_from_min < scale_from_max) {
    r.scale = scale_from_min;
    r.inverse_scale = min / min_q;
    r.max = max_q * r.inverse_scale;
  } else {
    r.scale = scale_from_max;
    r.inverse_scale = max / max_q;
    r.min = min_q * r.inverse_scale;
  }
  return r;
}

}  // namespace tftrt
