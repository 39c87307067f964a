// tftrt's depthwise convolution kernel: TF's DepthwiseConv2dNative with channel multiplier 1
// on dense NHWC tensors, float32 (fp32 math) and float16 (half I/O, fp32 accumulation), with an
// epilogue (epilogue.h) applied in registers before the single rounding store.
//
//   y[n, p, q, c] = epilogue(sum over r < R, s < S of
//                   x[n, p * stride_h - pad_top + r * dilation_h,
//                        q * stride_w - pad_left + s * dilation_w, c] * filter[r, s, c])
//
// Window positions in the padding read zeros (TF's explicit and SAME pads); the pads after the
// image are implied by the output size. The filter is TF's [R, S, C, 1] (that is [R, S, C]) in
// the I/O dtype.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_DEPTHWISE_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_DEPTHWISE_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backends/cuda/epilogue.h"
#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct DepthwiseConv2DParams {
  int64_t batch = 0, in_height = 0, in_width = 0, channels = 0;  // x [N, H, W, C]
  int64_t out_height = 0, out_width = 0;                         // y [N, P, Q, C]
  int64_t filter_height = 1, filter_width = 1;                   // R, S
  int64_t stride_height = 1, stride_width = 1;
  int64_t dilation_height = 1, dilation_width = 1;
  int64_t pad_top = 0, pad_left = 0;
};

// The epilogue as the kernel reads it, passed by value at every launch: steps [0, num_steps)
// of `ops` in order, with their alphas (kLeakyRelu, kElu) and, for kBiasAdd / kChannelScale,
// device pointers to C float32 values each. `residual` (y's shape and dtype, device memory) is
// read by the kResidualAdd step, at most one. Semantics: epilogue.h.
struct DepthwiseEpilogue {
  int num_steps = 0;
  EpilogueOp ops[kMaxEpilogueSteps] = {};
  float alphas[kMaxEpilogueSteps] = {};
  const float* vectors[kMaxEpilogueSteps] = {};
  const void* residual = nullptr;
};

// Enqueues y = epilogue(depthwise_conv(x, filter)) on `stream`. dtype: kFloat32 or kFloat16
// (x, filter, y and the residual). Channel vectors of 8 halves / 4 floats are moved as one
// 16-byte load or store where C and every pointer allow it (cudaMalloc's pointers do), single
// elements otherwise. y must not overlap x, the filter or the residual. Nothing is launched for
// an empty output. InvalidArgument for non-positive filter sizes, strides or dilations,
// negative sizes or pads, another dtype, a step count out of range, or a missing vector or
// residual pointer.
Status DepthwiseConv2D(const DepthwiseConv2DParams& params, const void* x, const void* filter,
                       DType dtype, const DepthwiseEpilogue& epilogue, void* y,
                       cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_DEPTHWISE_H_
