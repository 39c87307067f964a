// The arguments of tftrt's own convolution kernels (depthwise.h, small_channel_conv.h): the
// geometry of a 2-D convolution on dense NHWC tensors, and the epilogue (epilogue.h) as a
// fixed-size table passed by value at every launch, applied in registers before the single
// rounding store (device side: kernel_epilogue.cuh).
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_CONV_KERNEL_ARGS_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_CONV_KERNEL_ARGS_H_

#include <cstdint>

#include "backends/cuda/epilogue.h"
#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// x [N, H, W, C] -> y [N, P, Q, K] through an R x S window:
//   y[n, p, q, k] reads x[n, p * stride_height - pad_top + r * dilation_height,
//                         q * stride_width - pad_left + s * dilation_width, c]
// Window positions in the padding read zeros (TF's explicit and SAME pads); the pads after
// the image are implied by the output size.
struct Conv2DKernelParams {
  int64_t batch = 0, in_height = 0, in_width = 0, channels = 0;  // N, H, W, C
  int64_t out_height = 0, out_width = 0, out_channels = 0;       // P, Q, K
  int64_t filter_height = 1, filter_width = 1;                   // R, S
  int64_t stride_height = 1, stride_width = 1;
  int64_t dilation_height = 1, dilation_width = 1;
  int64_t pad_top = 0, pad_left = 0;
  // Tuning, not geometry: output columns per thread where a kernel tiles columns (0: its
  // default, 4; or 2, or 4). Wider tiles share more inputs between columns, narrower ones
  // need fewer registers, so more threads fit on an SM; which is faster depends on the
  // shape, so engines time both (dnn_layers.cc).
  int column_tile = 0;
};

// Steps [0, num_steps) of `ops` in order, with their alphas (kLeakyRelu, kElu) and, for
// kBiasAdd / kChannelScale, device pointers to one float32 value per output channel.
// `residual` (y's shape and dtype, device memory) is read by the kResidualAdd step, at most
// one.
struct KernelEpilogue {
  int num_steps = 0;
  EpilogueOp ops[kMaxEpilogueSteps] = {};
  float alphas[kMaxEpilogueSteps] = {};
  const float* vectors[kMaxEpilogueSteps] = {};
  const void* residual = nullptr;
};

// InvalidArgument, prefixed with `kernel` ("DepthwiseConv2D"), for non-positive filter sizes,
// strides or dilations, negative sizes or pads, a column tile other than 0, 2 and 4, a dtype other
// than kFloat32 / kFloat16, an epilogue step count out of range, a bias or scale step without
// values, or a residual step without the residual.
Status ValidateConvKernelArgs(const Conv2DKernelParams& p, DType dtype, const KernelEpilogue& e,
                              const char* kernel);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_CONV_KERNEL_ARGS_H_
