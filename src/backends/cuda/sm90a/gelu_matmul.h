// A matmul with its bias and TF's exact GELU in one kernel, for Hopper: D = gelu(A · B + bias)
// with A [M, K], B [K, N] and D [M, N] row-major fp16, fp32 accumulation and epilogue math,
// bias [N] float32, gelu TF's (0.5 * x) * erfc((-x) * 1/sqrt(2)). cuBLASLt's GELU epilogue is
// the tanh approximation, so without this a transformer's FFN pays a separate pass over its
// widest activation (BERT-base at batch 128: 0.12 ms per block after a 0.12 ms matmul).
// The kernels are CUTLASS 3's warp-specialized sm90a GEMMs (wgmma, TMA) with the GELU in
// their epilogue; several tile configurations are compiled in and timed by the caller.
// Built only where CUTLASS's headers were found and sm_90 is a target
// (TFTRT_HAVE_SM90A_KERNELS); otherwise there are no configurations.
#ifndef TFTRT_BACKENDS_CUDA_SM90A_GELU_MATMUL_H_
#define TFTRT_BACKENDS_CUDA_SM90A_GELU_MATMUL_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "tftrt/status.h"

namespace tftrt::cuda {

struct GeluMatMulShape {
  int64_t m = 0, n = 0, k = 0;
};

// How many tile configurations this build has (0: none, see above).
int GeluMatMulConfigs();
// "cutlass sm90 128x256x64 cooperative", for logs and the timing cache.
std::string GeluMatMulConfigName(int config);
// Whether the kernels take `shape`: positive sizes, K and N multiples of 8 (16-byte rows for
// TMA), and the device is compute capability 9.0.
bool GeluMatMulSupports(const GeluMatMulShape& shape);
// The scratch memory configuration `config` needs for `shape`.
StatusOr<size_t> GeluMatMulWorkspaceBytes(int config, const GeluMatMulShape& shape);
// Enqueues D = gelu(A · B + bias) on `stream`. All pointers device memory, 16-byte aligned;
// workspace: GeluMatMulWorkspaceBytes of it (null when 0).
Status GeluMatMul(int config, const GeluMatMulShape& shape, const void* a, const void* b,
                  const float* bias, void* d, void* workspace, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_SM90A_GELU_MATMUL_H_
