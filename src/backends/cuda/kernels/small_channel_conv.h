// tftrt's direct convolution for few input channels: TF's Conv2D (one group) with C <= 4
// input channels, as in the first layer of most vision models (an image's 3 channels), on
// dense NHWC tensors, float32 (fp32 math) and float16 (half I/O, fp32 accumulation), with
// the epilogue applied in registers before the single rounding store.
//
//   y[n, p, q, k] = epilogue(sum over r < R, s < S, c < C of
//                   x[n, p * stride_h - pad_top + r * dilation_h,
//                        q * stride_w - pad_left + s * dilation_w, c] * filter[r, s, c, k])
//
// cuDNN's tensor-core convolutions need C a multiple of 8 (half) or 4 (TF32); with 3 channels
// cuDNN runs slow non-tensor-core kernels (MobileNetV2's 3x3 first layer took 1.02 of the
// network's 3.26 ms at batch 128 on an H100), and padding C to 8 multiplies the work by 8/3.
// With so few channels the convolution is cheap in plain fp32 FMAs: each thread computes a
// few neighbouring output pixels of one vector of output channels, from the filter staged in
// shared memory. The geometry is conv_kernel_args.h's; the filter is TF's [R, S, C, K] in the
// I/O dtype.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_SMALL_CHANNEL_CONV_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_SMALL_CHANNEL_CONV_H_

#include <cuda_runtime_api.h>

#include "backends/cuda/kernels/conv_kernel_args.h"
#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

inline constexpr int64_t kSmallConvMaxChannels = 4;

// Whether SmallChannelConv2D takes `p`: 1 <= C <= kSmallConvMaxChannels, the filter as
// float32 fits in 48 KiB of shared memory, and every offset into x and y fits in 32 bits.
bool SmallChannelConv2DSupports(const Conv2DKernelParams& p);

// Enqueues y = epilogue(conv(x, filter)) on `stream`. dtype: kFloat32 or kFloat16 (x, filter,
// y and the residual). Output channel vectors of 16 bytes are stored as one access where K
// and every pointer allow it (cudaMalloc's pointers do), single elements otherwise. y must not
// overlap x, the filter or the residual. Nothing is launched for an empty output.
// InvalidArgument as ValidateConvKernelArgs, or where SmallChannelConv2DSupports is false.
Status SmallChannelConv2D(const Conv2DKernelParams& params, const void* x, const void* filter,
                          DType dtype, const KernelEpilogue& epilogue, void* y,
                          cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_SMALL_CHANNEL_CONV_H_
