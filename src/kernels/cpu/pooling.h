// Max and average pooling on NHWC images (TF's MaxPool, MaxPoolV2, AvgPool).
//
// Window positions that fall into the padding are skipped, not read as zeros: max
// pooling takes the maximum of the valid elements, average pooling divides by the number
// of valid elements (TF's SAME-padding semantics). Max pooling starts from the type's
// lowest finite value and keeps an element only if it is greater, so NaNs are ignored
// and a window of -inf yields the lowest finite value, exactly as TensorFlow's CPU
// kernel does.
//
// MaxPool2D / MaxPoolOverDepth: float, double, Half, BFloat16 and all the integer types.
// AvgPool2D: float, double, Half, BFloat16 (16-bit floats are averaged in float).
#ifndef TFTRT_KERNELS_CPU_POOLING_H_
#define TFTRT_KERNELS_CPU_POOLING_H_

#include <cstdint>

#include "kernels/cpu/window.h"

namespace tftrt {

struct Pool2DShape {
  int64_t batch = 0, in_rows = 0, in_cols = 0, depth = 0;
  Window2D window;  // dilations must be 1
};

// output[batch, out_rows, out_cols, depth]. Overwrite `output`.
template <typename T>
void MaxPool2D(const Pool2DShape& shape, const T* input, T* output);
template <typename T>
void AvgPool2D(const Pool2DShape& shape, const T* input, T* output);

// Max pooling across channels (TF's "depthwise max pooling": ksize = stride = window in
// the depth dimension only): output[o, j] = max(input[o, j * window .. (j+1) * window)).
// REQUIRES: depth % window == 0.
template <typename T>
void MaxPoolOverDepth(int64_t outer, int64_t depth, int64_t window, const T* input, T* output);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_POOLING_H_
