// Softmax and LogSoftmax over the last axis (TF's Softmax, LogSoftmax) of a [rows,
// classes] tensor, float32 or float16 (computed in float32, rounded once on store).
//
// Numerically stable as TF: the row maximum is subtracted before exponentiating; Softmax
// multiplies by the inverse of the sum, LogSoftmax subtracts log(sum). A row holding NaN
// or +inf, or only -inf, yields NaN. One warp per row up to 2048 classes, one block per
// longer row.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_SOFTMAX_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_SOFTMAX_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// out[r, :] = softmax(in[r, :]) (log_softmax when `log`). in and out may be the same
// buffer. rows >= 0, classes >= 0 (nothing is launched for an empty tensor).
Status Softmax(const void* in, int64_t rows, int64_t classes, DType dtype, bool log, void* out,
               cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_SOFTMAX_H_
