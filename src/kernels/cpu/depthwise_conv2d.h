// Depthwise 2-D convolution on NHWC images (TF's DepthwiseConv2dNative): every input
// channel c is convolved with its own filters filter[:, :, c, 0..multiplier), giving
// output channels c * multiplier + m.
//
// A direct loop (no GEMM: each output channel sees only one input channel) whose inner
// loop runs over contiguous channels. Padding contributes zeros; strides and dilations
// may differ per dimension (more general than TF's CPU kernel, which rejects dilations).
// Instantiated for float, double, Half and BFloat16 (the last two computed in float).
#ifndef TFTRT_KERNELS_CPU_DEPTHWISE_CONV2D_H_
#define TFTRT_KERNELS_CPU_DEPTHWISE_CONV2D_H_

#include <cstdint>

#include "kernels/cpu/window.h"

namespace tftrt {

struct DepthwiseConv2DShape {
  int64_t batch = 0, in_rows = 0, in_cols = 0, in_depth = 0;
  int64_t depth_multiplier = 1;
  // The filter is [window.filter_rows, window.filter_cols, in_depth, depth_multiplier].
  Window2D window;

  int64_t out_depth() const { return in_depth * depth_multiplier; }
};

// output[batch, out_rows, out_cols, in_depth * depth_multiplier]. Overwrites `output`.
template <typename T>
void DepthwiseConv2D(const DepthwiseConv2DShape& shape, const T* input, const T* filter, T* output);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_DEPTHWISE_CONV2D_H_
