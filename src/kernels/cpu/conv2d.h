// 2-D convolution on NHWC images with HWIO filters (TF's Conv2D layout), and its input
// gradient (Conv2DBackpropInput, i.e. the transposed convolution of Conv2DTranspose).
//
// Both lower to GEMM: the forward pass gathers each output pixel's receptive field into
// a row of an im2col matrix [pixels, filter_rows * filter_cols * in_depth / groups] and
// multiplies it by the filter seen as a matrix [that, out_depth / groups]; a 1x1,
// stride-1, unpadded convolution is a single GEMM on the input itself. The backward pass
// multiplies out_backprop by the transposed filter and scatter-adds the rows back into
// the image (col2im). Pixels are processed in chunks so the im2col buffer stays small
// (a few MiB) whatever the image size; the buffer is reused per thread.
//
// Grouped convolution (in_depth = groups * filter in_depth) runs one GEMM per group.
// Instantiated for float, double, int32_t, Half and BFloat16.
#ifndef TFTRT_KERNELS_CPU_CONV2D_H_
#define TFTRT_KERNELS_CPU_CONV2D_H_

#include <cstdint>

#include "kernels/cpu/window.h"
#include "tftrt/tensor.h"

namespace tftrt {

struct Conv2DShape {
  int64_t batch = 0, in_rows = 0, in_cols = 0, in_depth = 0;
  // The filter is [window.filter_rows, window.filter_cols, filter_depth, out_depth].
  int64_t filter_depth = 0, out_depth = 0;
  Window2D window;

  // REQUIRES: filter_depth > 0, in_depth % filter_depth == 0, out_depth % groups() == 0.
  int64_t groups() const { return in_depth / filter_depth; }
};

// output[batch, out_rows, out_cols, out_depth] = conv(input[batch, in_rows, in_cols,
// in_depth], filter). Padding contributes zeros. Overwrites `output`.
template <typename T>
void Conv2D(const Conv2DShape& shape, const T* input, const T* filter, T* output);

// in_backprop[batch, in_rows, in_cols, in_depth] = gradient of Conv2D with respect to its
// input, given out_backprop[batch, out_rows, out_cols, out_depth]. Overwrites
// `in_backprop`.
template <typename T>
void Conv2DBackpropInput(const Conv2DShape& shape, const T* out_backprop, const T* filter,
                         T* in_backprop);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_CONV2D_H_
