// tftrt's depthwise convolution kernel: TF's DepthwiseConv2dNative with channel multiplier 1
// on dense NHWC tensors, float32 (fp32 math) and float16 (half I/O, fp32 accumulation), with an
// epilogue (epilogue.h) applied in registers before the single rounding store.
//
//   y[n, p, q, c] = epilogue(sum over r < R, s < S of
//                   x[n, p * stride_h - pad_top + r * dilation_h,
//                        q * stride_w - pad_left + s * dilation_w, c] * filter[r, s, c])
//
// The geometry is conv_kernel_args.h's with K = C. The filter is TF's [R, S, C, 1] (that is
// [R, S, C]) in the I/O dtype.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_DEPTHWISE_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_DEPTHWISE_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backends/cuda/kernels/conv_kernel_args.h"
#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// Enqueues y = epilogue(depthwise_conv(x, filter)) on `stream`. dtype: kFloat32 or kFloat16
// (x, filter, y and the residual). Channel vectors of 8 halves / 4 floats are moved as one
// 16-byte load or store where C and every pointer allow it (cudaMalloc's pointers do), single
// elements otherwise. y must not overlap x, the filter or the residual. Nothing is launched for
// an empty output. InvalidArgument as ValidateConvKernelArgs, or for out_channels != channels.
Status DepthwiseConv2D(const Conv2DKernelParams& params, const void* x, const void* filter,
                       DType dtype, const KernelEpilogue& epilogue, void* y, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_DEPTHWISE_H_
