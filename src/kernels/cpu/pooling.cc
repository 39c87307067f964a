#include "kernels/cpu/pooling.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/cpu/nn_numeric.h"
#include "tftrt/tensor.h"

namespace tftrt {
namespace {

// The lowest finite value of T, as its compute type (where max pooling starts).
template <typename T>
WideType<T> Lowest() {
  if constexpr (std::is_same_v<T, Half>) {
    return -65504.0f;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return BFloat16ToFloat(BFloat16{0xFF7F});
  } else {
    return std::numeric_limits<T>::lowest();
  }
}

// Input rows (or columns) [begin, end) that output position `out` reads.
struct TapRange {
  int64_t begin, end;
};
TapRange ValidTaps(int64_t out, int64_t stride, int64_t pad, int64_t filter, int64_t size) {
  const int64_t start = out * stride - pad;
  return {std::max<int64_t>(start, 0), std::min(start + filter, size)};
}

// Runs reduce(accumulator_row, input_pixel) over every valid input pixel of each output
// pixel's window, then finish(accumulator_row, valid_pixel_count, output_pixel).
template <typename T, typename Acc, typename Reduce, typename Finish>
void PoolWindows(const Pool2DShape& shape, const T* input, T* output, Acc init, Reduce reduce,
                 Finish finish) {
  const Window2D& w = shape.window;
  std::vector<Acc> acc(shape.depth);
  T* out = output;
  for (int64_t n = 0; n < shape.batch; ++n) {
    const T* image = input + n * shape.in_rows * shape.in_cols * shape.depth;
    for (int64_t out_row = 0; out_row < w.out_rows; ++out_row) {
      const TapRange rows =
          ValidTaps(out_row, w.stride_rows, w.pad_top, w.filter_rows, shape.in_rows);
      for (int64_t out_col = 0; out_col < w.out_cols; ++out_col, out += shape.depth) {
        const TapRange cols =
            ValidTaps(out_col, w.stride_cols, w.pad_left, w.filter_cols, shape.in_cols);
        std::fill(acc.begin(), acc.end(), init);
        for (int64_t r = rows.begin; r < rows.end; ++r) {
          for (int64_t c = cols.begin; c < cols.end; ++c) {
            reduce(acc.data(), image + (r * shape.in_cols + c) * shape.depth);
          }
        }
        const int64_t count = std::max<int64_t>(rows.end - rows.begin, 0) *
                              std::max<int64_t>(cols.end - cols.begin, 0);
        finish(acc.data(), count, out);
      }
    }
  }
}

}  // namespace

template <typename T>
void MaxPool2D(const Pool2DShape& shape, const T* input, T* output) {
  using C = WideType<T>;
  const int64_t depth = shape.depth;
  PoolWindows(
      shape, input, output, Lowest<T>(),
      [depth](C* best, const T* pixel) {
        for (int64_t d = 0; d < depth; ++d) {
          const C value = Widen(pixel[d]);
          if (value > best[d]) best[d] = value;
        }
      },
      [depth](const C* best, int64_t, T* out) {
        for (int64_t d = 0; d < depth; ++d) out[d] = Narrow<T>(best[d]);
      });
}

template <typename T>
void AvgPool2D(const Pool2DShape& shape, const T* input, T* output) {
  using C = WideType<T>;
  const int64_t depth = shape.depth;
  PoolWindows(
      shape, input, output, C{0},
      [depth](C* sum, const T* pixel) {
        for (int64_t d = 0; d < depth; ++d) sum[d] += Widen(pixel[d]);
      },
      [depth](const C* sum, int64_t count, T* out) {
        // count is 0 only for an empty window (out of the image): TF yields 0/0 = NaN.
        const C divisor = static_cast<C>(count);
        for (int64_t d = 0; d < depth; ++d) out[d] = Narrow<T>(sum[d] / divisor);
      });
}

template <typename T>
void MaxPoolOverDepth(int64_t outer, int64_t depth, int64_t window, const T* input, T* output) {
  using C = WideType<T>;
  const int64_t out_depth = depth / window;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < out_depth; ++j) {
      C best = Lowest<T>();
      const T* group = input + o * depth + j * window;
      for (int64_t i = 0; i < window; ++i) {
        const C value = Widen(group[i]);
        if (value > best) best = value;
      }
      output[o * out_depth + j] = Narrow<T>(best);
    }
  }
}

#define TFTRT_INSTANTIATE_MAX_POOL_(T)                          \
  template void MaxPool2D<T>(const Pool2DShape&, const T*, T*); \
  template void MaxPoolOverDepth<T>(int64_t, int64_t, int64_t, const T*, T*);
TFTRT_INSTANTIATE_MAX_POOL_(float)
TFTRT_INSTANTIATE_MAX_POOL_(double)
TFTRT_INSTANTIATE_MAX_POOL_(Half)
TFTRT_INSTANTIATE_MAX_POOL_(BFloat16)
TFTRT_INSTANTIATE_MAX_POOL_(int8_t)
TFTRT_INSTANTIATE_MAX_POOL_(uint8_t)
TFTRT_INSTANTIATE_MAX_POOL_(int16_t)
TFTRT_INSTANTIATE_MAX_POOL_(uint16_t)
TFTRT_INSTANTIATE_MAX_POOL_(int32_t)
TFTRT_INSTANTIATE_MAX_POOL_(uint32_t)
TFTRT_INSTANTIATE_MAX_POOL_(int64_t)
TFTRT_INSTANTIATE_MAX_POOL_(uint64_t)
#undef TFTRT_INSTANTIATE_MAX_POOL_

template void AvgPool2D<float>(const Pool2DShape&, const float*, float*);
template void AvgPool2D<double>(const Pool2DShape&, const double*, double*);
template void AvgPool2D<Half>(const Pool2DShape&, const Half*, Half*);
template void AvgPool2D<BFloat16>(const Pool2DShape&, const BFloat16*, BFloat16*);

}  // namespace tftrt
