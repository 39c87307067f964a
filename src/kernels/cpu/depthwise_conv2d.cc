#include "kernels/cpu/depthwise_conv2d.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/nn_numeric.h"
#include "tftrt/tensor.h"

namespace tftrt {
namespace {

template <typename T>
void DepthwiseConv2DDirect(const DepthwiseConv2DShape& shape, const T* input, const T* filter,
                           T* output) {
  const Window2D& w = shape.window;
  const int64_t depth = shape.in_depth, multiplier = shape.depth_multiplier;
  const int64_t out_depth = shape.out_depth();
  T* out = output;
  for (int64_t n = 0; n < shape.batch; ++n) {
    const T* image = input + n * shape.in_rows * shape.in_cols * depth;
    for (int64_t out_row = 0; out_row < w.out_rows; ++out_row) {
      for (int64_t out_col = 0; out_col < w.out_cols; ++out_col, out += out_depth) {
        std::fill_n(out, out_depth, T{});
        for (int64_t fr = 0; fr < w.filter_rows; ++fr) {
          const int64_t in_row = out_row * w.stride_rows - w.pad_top + fr * w.dilation_rows;
          if (in_row < 0 || in_row >= shape.in_rows) continue;
          for (int64_t fc = 0; fc < w.filter_cols; ++fc) {
            const int64_t in_col = out_col * w.stride_cols - w.pad_left + fc * w.dilation_cols;
            if (in_col < 0 || in_col >= shape.in_cols) continue;
            const T* pixel = image + (in_row * shape.in_cols + in_col) * depth;
            const T* taps = filter + (fr * w.filter_cols + fc) * out_depth;
            if (multiplier == 1) {
              for (int64_t c = 0; c < depth; ++c) out[c] += pixel[c] * taps[c];
            } else {
              for (int64_t c = 0; c < depth; ++c) {
                const T value = pixel[c];
                T* out_c = out + c * multiplier;
                const T* taps_c = taps + c * multiplier;
                for (int64_t m = 0; m < multiplier; ++m) out_c[m] += value * taps_c[m];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace

template <typename T>
void DepthwiseConv2D(const DepthwiseConv2DShape& shape, const T* input, const T* filter,
                     T* output) {
  if constexpr (kIsFloat16<T>) {
    const Window2D& w = shape.window;
    std::vector<float> output32(shape.batch * w.out_rows * w.out_cols * shape.out_depth());
    DepthwiseConv2DDirect<float>(
        shape,
        WidenArray(input, shape.batch * shape.in_rows * shape.in_cols * shape.in_depth).data(),
        WidenArray(filter, w.filter_rows * w.filter_cols * shape.out_depth()).data(),
        output32.data());
    NarrowArray(output32, output);
  } else {
    DepthwiseConv2DDirect(shape, input, filter, output);
  }
}

template void DepthwiseConv2D<float>(const DepthwiseConv2DShape&, const float*, const float*,
                                     float*);
template void DepthwiseConv2D<double>(const DepthwiseConv2DShape&, const double*, const double*,
                                      double*);
template void DepthwiseConv2D<Half>(const DepthwiseConv2DShape&, const Half*, const Half*, Half*);
template void DepthwiseConv2D<BFloat16>(const DepthwiseConv2DShape&, const BFloat16*,
                                        const BFloat16*, BFloat16*);

}  // namespace tftrt
