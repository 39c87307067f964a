// Rounding float32 values to the nearest half-precision value (IEEE round-to-nearest-even,
// subnormals kept, infinities and NaNs preserved) while keeping them as float32: how the
// cpu engine backend emulates fp16 storage between layers.
#ifndef TFTRT_KERNELS_CPU_HALF_ROUNDING_H_
#define TFTRT_KERNELS_CPU_HALF_ROUNDING_H_

#include <cstdint>

namespace tftrt {

// data[i] = float(half(data[i])) for i < n; uses the F16C instructions where the CPU has
// them, with results identical to the portable FloatToHalf / HalfToFloat.
void RoundToHalfPrecision(float* data, int64_t n);

// The portable version, for tests and CPUs without F16C.
void RoundToHalfPrecisionPortable(float* data, int64_t n);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_HALF_ROUNDING_H_
