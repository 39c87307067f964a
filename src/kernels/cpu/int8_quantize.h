// Symmetric int8 quantization as TensorRT defines it (Developer Guide, "Working with
// Quantized Types"): scale = amax / 127 and
//
//   q = roundWithTiesToEven(clamp(x / scale, -128, 127))
//
// so activations may take -128 (weights, quantized with their own max, stay in
// [-127, 127]). NaN quantizes to 0.
//
// Thread safety: stateless.
#ifndef TFTRT_KERNELS_CPU_INT8_QUANTIZE_H_
#define TFTRT_KERNELS_CPU_INT8_QUANTIZE_H_

#include <cstdint>

namespace tftrt {

inline constexpr float kInt8Max = 127.0f;

// amax / 127. REQUIRES: amax > 0.
inline float Int8Scale(float amax) { return amax / kInt8Max; }

int32_t QuantizeInt8(float x, float scale);

// q[i] = QuantizeInt8(x[i], scale).
void QuantizeInt8(const float* x, int64_t count, float scale, int32_t* q);

// x[i] = QuantizeInt8(x[i], scale) * scale: the values an int8 tensor of this scale holds.
void FakeQuantizeInt8(float* x, int64_t count, float scale);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_INT8_QUANTIZE_H_
