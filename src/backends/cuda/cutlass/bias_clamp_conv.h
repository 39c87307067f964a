// An fp16 2-D convolution with a bias and a clamp in its epilogue, on CUTLASS 2's
// implicit-GEMM tensor-core kernels (mma.sync, cp.async, the optimized NHWC iterators;
// compiled for sm_80 and sm_90, so it runs on every GPU of compute capability 8.0 or later):
//   y = clamp(conv(x, filter) + bias, lower, upper)        (bias_clamp.h)
// with x [N, H, W, C] and y [N, P, Q, K] dense NHWC float16, the filter [K, R, S, C] float16
// (CUTLASS's KRSC) and the geometry of conv_kernel_args.h (column_tile ignored).
//
// For the space-to-depth form of a first layer (channel_padding.h): cuDNN ran ResNet50's,
// a 4x4 convolution of 16 channels to 64 at 112x112, at about 120 TFLOP/s on its best plan
// (0.45 ms at batch 128 on an H100). Several tile configurations are compiled in and timed
// by the caller. Built only where CUTLASS's headers were found (TFTRT_HAVE_CUTLASS);
// otherwise there are no configurations.
#ifndef TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_CONV_H_
#define TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_CONV_H_

#include <cuda_runtime_api.h>

#include <string>

#include "backends/cuda/bias_clamp.h"
#include "backends/cuda/kernels/conv_kernel_args.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// How many tile configurations this build has (0: none, see above).
int BiasClampConvConfigs();
// "cutlass sm80 conv 128x64x32", for logs and the timing cache.
std::string BiasClampConvConfigName(int config);
// Whether configuration `config` takes `p`: positive sizes, C and K multiples of 8 (16-byte
// pixels), every tensor under 2 GiB, and the current device of compute capability 8.0 or
// later.
bool BiasClampConvSupports(int config, const Conv2DKernelParams& p);
// Enqueues y = clamp(conv(x, filter) + bias) on `stream`. Pointers: device memory, 16-byte
// aligned (cudaMalloc's are). InvalidArgument where BiasClampConvSupports is false; Internal
// when the launch fails.
Status BiasClampConv(int config, const Conv2DKernelParams& p, const void* x, const void* filter,
                     const BiasClamp& epilogue, void* y, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_CONV_H_
