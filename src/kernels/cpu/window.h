// Sliding-window geometry shared by convolutions and pooling: TensorFlow's padding
// arithmetic (SAME / VALID / EXPLICIT) and the 2-D window description that the conv,
// depthwise-conv and pooling kernels take.
//
// The arithmetic is TF's GetWindowedOutputSizeVerbose: with an effective filter size of
// (filter - 1) * dilation + 1,
//   VALID:    out = (in - effective + stride) / stride, no padding;
//   SAME:     out = ceil(in / stride), padding (out - 1) * stride + effective - in (>= 0),
//             the smaller half before;
//   EXPLICIT: out = (in + before + after - effective + stride) / stride.
// C++ division truncates toward zero exactly as in TF, so borderline sizes agree.
#ifndef TFTRT_KERNELS_CPU_WINDOW_H_
#define TFTRT_KERNELS_CPU_WINDOW_H_

#include <cstdint>
#include <string_view>

#include "tftrt/status.h"

namespace tftrt {

enum class Padding { kValid, kSame, kExplicit };

// "VALID", "SAME" or "EXPLICIT" (TF's attribute values).
StatusOr<Padding> ParsePadding(std::string_view name);

// One spatial dimension of a window: output size and the padding actually applied.
struct WindowedSize {
  int64_t output = 0;
  int64_t pad_before = 0;
  int64_t pad_after = 0;
};

// Output size and padding of one spatial dimension. The explicit paddings are only read
// for Padding::kExplicit. Fails (as TF) on a non-positive stride or dilation, a negative
// explicit padding, or a window that does not fit (negative output size).
StatusOr<WindowedSize> ComputeWindowedSize(int64_t input, int64_t filter, int64_t dilation,
                                           int64_t stride, Padding padding,
                                           int64_t explicit_before = 0, int64_t explicit_after = 0);

// A 2-D window over the rows and columns of an NHWC image. Padded positions contribute
// nothing (zero for convolution, skipped for pooling). The kernels only read the padding
// before the image (the padding after it is implied by the output size); pad_bottom and
// pad_right are recorded for engine plans, whose backends take explicit pads.
struct Window2D {
  int64_t filter_rows = 1, filter_cols = 1;
  int64_t stride_rows = 1, stride_cols = 1;
  int64_t dilation_rows = 1, dilation_cols = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t out_rows = 0, out_cols = 0;
  int64_t pad_bottom = 0, pad_right = 0;
};

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_WINDOW_H_
