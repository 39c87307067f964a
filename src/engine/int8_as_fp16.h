// INT8 layers run as FP16 layers with INT8's numbers, for a backend that has no INT8
// kernel for them (TensorRT runs such layers in FP16 inside the INT8 engine too): each
// tensor input goes through an _TftrtFakeQuantInt8 layer first (quantized with its range
// and dequantized, the values the INT8 layer would multiply), the int8 weights are
// dequantized (q x the output channel's scale, stored as half), and where the layer's
// output was stored as int8 values, a last epilogue step fake-quantizes it with its range
// (what int8 storage holds) and it is stored as half.
//
// _TftrtFakeQuantInt8(x) with attribute `scale` (amax / 127): q * scale with
// q = roundWithTiesToEven(clamp(x / scale, -128, 127)), NaN -> 0 (kernels/cpu/int8_quantize.h).
#ifndef TFTRT_ENGINE_INT8_AS_FP16_H_
#define TFTRT_ENGINE_INT8_AS_FP16_H_

#include "proto/engine.pb.h"

namespace tftrt {

inline constexpr char kFakeQuantInt8Op[] = "_TftrtFakeQuantInt8";

// `network` with every INT8 layer run as described above; the result's precision is FP16.
// A network of another precision is returned as it is.
EngineNetwork Int8LayersAsFp16(const EngineNetwork& network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_INT8_AS_FP16_H_
