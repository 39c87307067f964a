// The math of TF's quantization-simulation ops, value by value, as TF's CPU kernels compute
// it in float32 (the ranges and rounding of quantize_and_dequantize_op.h and
// fake_quant_ops_functor.h):
//
// FakeQuantWithMinMaxArgs / Vars quantize to [quant_min, quant_max] (0 or 1 .. 2^bits - 1)
// with an affine scale whose zero point is nudged to an integer, and back.
// QuantizeAndDequantizeV2/V3/V4 scale symmetric around 0 (signed: [-2^(bits-1) (+1 when
// narrow), 2^(bits-1) - 1]; unsigned [0, 2^bits - 1]), keeping the side of the range that
// decides the scale, round (half to even, or half up), and scale back.
//
// Thread safety: stateless.
#ifndef TFTRT_KERNELS_CPU_FAKE_QUANTIZE_H_
#define TFTRT_KERNELS_CPU_FAKE_QUANTIZE_H_

#include <algorithm>
#include <cmath>

namespace tftrt {

// ---- FakeQuantWithMinMaxArgs / FakeQuantWithMinMaxVars ----

struct FakeQuantRange {
  float nudged_min = 0, nudged_max = 0;
  float scale = 0, inverse_scale = 0;
  float quant_zero = 0;  // the nudged zero point
};

// TF's Nudge: the range [min, max] moved so that 0 is exactly representable.
FakeQuantRange NudgeFakeQuantRange(float min, float max, int quant_min, int quant_max);

// FakeQuantWithMinMaxArgs multiplies by the inverse scale...
inline float FakeQuantArgsValue(float x, const FakeQuantRange& r) {
  const float shifted = std::max(std::min(x, r.nudged_max), r.nudged_min) - r.nudged_min;
  return std::floor(shifted * r.inverse_scale - r.quant_zero + 0.5f) * r.scale;
}

// ...and FakeQuantWithMinMaxVars divides by the scale.
inline float FakeQuantVarsValue(float x, const FakeQuantRange& r) {
  const float shifted = std::max(std::min(x, r.nudged_max), r.nudged_min) - r.nudged_min;
  return std::floor(shifted / r.scale - r.quant_zero + 0.5f) * r.scale;
}

// ---- QuantizeAndDequantizeV2 / V3 / V4 ----

enum class QdqRoundMode { kHalfToEven, kHalfUp };

struct QdqRange {
  float min = 0, max = 0;  // adjusted so that the scale maps both ends into the integers
  float scale = 0, inverse_scale = 0;
};

// TF's ComputeQuantizationRange for the range [min, max].
QdqRange ComputeQdqRange(bool signed_input, int num_bits, bool narrow_range, float min, float max);

// One value; `clamp` when the range was given (TF clamps only then).
inline float QdqValue(float x, const QdqRange& r, bool clamp, QdqRoundMode round_mode) {
  if (clamp) x = std::max(std::min(x, r.max), r.min);
  const float scaled = x * r.scale;
  // rint rounds to nearest with ties to even in the default rounding mode.
  const float rounded =
      round_mode == QdqRoundMode::kHalfToEven ? std::rint(scaled) : std::floor(scaled + 0.5f);
  return rounded * r.inverse_scale;
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_FAKE_QUANTIZE_H_
