// An fp16 matmul with a bias and a clamp in its epilogue, on CUTLASS 2's tensor-core GEMMs
// (mma.sync, cp.async; compiled for sm_80 and sm_90, so it runs on every GPU of compute
// capability 8.0 or later):
//   D = clamp(A · B + bias, lower, upper)        (bias_clamp.h)
// with A [M, K], B [K, N] and D [M, N] row-major float16.
//
// For 1x1 convolutions of few input channels (pointwise_convolution.h): MobileNetV2's
// expand layers (16 or 24 channels to 96 or 144 at 112x112 and 56x56) are a GEMM of depth
// 16-24 whose time is the writing of D, and cuDNN's plans wrote it at 30-46% of the memory
// bandwidth at batch 128 on an H100 (0.5 ms of the network's 2.4). Several tile
// configurations are compiled in and timed by the caller. Built only where CUTLASS's
// headers were found (TFTRT_HAVE_CUTLASS); otherwise there are no configurations.
#ifndef TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_MATMUL_H_
#define TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_MATMUL_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "backends/cuda/bias_clamp.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct BiasClampMatMulShape {
  int64_t m = 0, n = 0, k = 0;
};

// How many tile configurations this build has (0: none, see above).
int BiasClampMatMulConfigs();
// "cutlass sm80 128x64x32", for logs and the timing cache.
std::string BiasClampMatMulConfigName(int config);
// Whether configuration `config` takes `shape`: positive sizes, K and N multiples of 8
// (16-byte rows), every operand under 2^31 elements, and the current device of compute
// capability 8.0 or later.
bool BiasClampMatMulSupports(int config, const BiasClampMatMulShape& shape);
// Enqueues D = clamp(A · B + bias) on `stream`. Pointers: device memory, 16-byte aligned
// (cudaMalloc's are). InvalidArgument where BiasClampMatMulSupports is false; Internal when
// the launch fails.
Status BiasClampMatMul(int config, const BiasClampMatMulShape& shape, const void* a, const void* b,
                       const BiasClamp& epilogue, void* d, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_MATMUL_H_
