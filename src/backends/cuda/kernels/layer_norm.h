// Layer normalization over the last axis of a [rows, cols] tensor (the engine-only
// _TftrtLayerNorm that engine/layer_norm_folding.h makes of Keras' LayerNormalization),
// float32 or float16 (computed in float32, rounded once on store):
//     m = mean(x)   v = mean((x - m)^2)   s = rsqrt(v + epsilon) * gamma
//     y = x * s + ((-m) * s + beta)
// One warp per row up to 2048 columns, one block per longer row; the row is read three
// times (mean, variance, output), the second and third from cache.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_LAYER_NORM_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_LAYER_NORM_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// y[r, :] = layer_norm(x[r, :]) with `cols` float32 gamma and beta values on the device.
// x and y may be the same buffer. Nothing is launched for an empty tensor.
Status LayerNorm(const void* x, int64_t rows, int64_t cols, const float* gamma, const float* beta,
                 float epsilon, DType dtype, void* y, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_LAYER_NORM_H_
