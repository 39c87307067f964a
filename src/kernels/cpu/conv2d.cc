#include "kernels/cpu/conv2d.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/nn_numeric.h"

namespace tftrt {
namespace {

// The im2col buffer holds about this many elements (16 MiB of float): large enough for
// GEMMs of a few thousand rows, small enough to stay cache- and memory-friendly.
constexpr int64_t kColumnBufferElements = int64_t{1} << 22;

// A per-thread buffer reused across calls, so a network's convolutions do not allocate
// (and page-fault) a fresh im2col matrix each time. Contents are garbage on return.
template <typename T>
T* ColumnBuffer(int64_t elements) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < elements) buffer.resize(elements);
  return buffer.data();
}

// 1x1 window, stride 1, no padding: the image itself is the im2col matrix.
bool IsPointwise(const Conv2DShape& shape) {
  const Window2D& w = shape.window;
  return w.filter_rows == 1 && w.filter_cols == 1 && w.stride_rows == 1 && w.stride_cols == 1 &&
         w.pad_top == 0 && w.pad_left == 0 && w.out_rows == shape.in_rows &&
         w.out_cols == shape.in_cols;
}

// Walks the im2col matrix of output pixels [first_pixel, first_pixel + pixels) (pixels
// flattened over batch, out_rows, out_cols) restricted to input channels
// [channel_offset, channel_offset + channels). For each run of consecutive matrix
// entries it calls visit(column_entry, image_entry, length), with image_entry null where
// the window lies in the padding. Both im2col (copy) and col2im (scatter-add) use it.
template <typename ColumnT, typename ImageT, typename Visit>
void ForEachWindowRun(const Conv2DShape& shape, ImageT* image, int64_t first_pixel, int64_t pixels,
                      int64_t channel_offset, int64_t channels, ColumnT* columns, Visit visit) {
  const Window2D& w = shape.window;
  const int64_t row_length = w.filter_rows * w.filter_cols * channels;
  // A whole filter row is one run when it is dense in the image and fully inside.
  const bool dense_rows = w.dilation_cols == 1 && channels == shape.in_depth;
  int64_t out_col = first_pixel % w.out_cols;
  int64_t out_row = (first_pixel / w.out_cols) % w.out_rows;
  int64_t image_index = first_pixel / (w.out_cols * w.out_rows);
  for (int64_t p = 0; p < pixels; ++p) {
    ColumnT* column = columns + p * row_length;
    const int64_t row0 = out_row * w.stride_rows - w.pad_top;
    const int64_t col0 = out_col * w.stride_cols - w.pad_left;
    for (int64_t fr = 0; fr < w.filter_rows; ++fr) {
      ColumnT* run = column + fr * w.filter_cols * channels;
      const int64_t in_row = row0 + fr * w.dilation_rows;
      if (in_row < 0 || in_row >= shape.in_rows) {
        visit(run, static_cast<ImageT*>(nullptr), w.filter_cols * channels);
        continue;
      }
      ImageT* image_row = image +
                          (image_index * shape.in_rows + in_row) * shape.in_cols * shape.in_depth +
                          channel_offset;
      if (dense_rows && col0 >= 0 && col0 + w.filter_cols <= shape.in_cols) {
        visit(run, image_row + col0 * shape.in_depth, w.filter_cols * channels);
        continue;
      }
      for (int64_t fc = 0; fc < w.filter_cols; ++fc) {
        const int64_t in_col = col0 + fc * w.dilation_cols;
        const bool inside = in_col >= 0 && in_col < shape.in_cols;
        visit(run + fc * channels, inside ? image_row + in_col * shape.in_depth : nullptr,
              channels);
      }
    }
    if (++out_col == w.out_cols) {
      out_col = 0;
      if (++out_row == w.out_rows) {
        out_row = 0;
        ++image_index;
      }
    }
  }
}

template <typename T>
void Im2Col(const Conv2DShape& shape, const T* input, int64_t first_pixel, int64_t pixels,
            int64_t channel_offset, int64_t channels, T* columns) {
  ForEachWindowRun(shape, input, first_pixel, pixels, channel_offset, channels, columns,
                   [](T* column, const T* image, int64_t length) {
                     if (image == nullptr) {
                       std::fill_n(column, length, T{});
                     } else {
                       std::copy_n(image, length, column);
                     }
                   });
}

template <typename T>
void Col2ImAdd(const Conv2DShape& shape, const T* columns, int64_t first_pixel, int64_t pixels,
               int64_t channel_offset, int64_t channels, T* image) {
  ForEachWindowRun(shape, image, first_pixel, pixels, channel_offset, channels, columns,
                   [](const T* column, T* image_entry, int64_t length) {
                     if (image_entry == nullptr) return;
                     for (int64_t i = 0; i < length; ++i) {
                       image_entry[i] = WrappingAdd(image_entry[i], column[i]);
                     }
                   });
}

// Pixels per chunk so that the im2col chunk fits kColumnBufferElements.
int64_t PixelsPerChunk(int64_t columns, int64_t pixels) {
  return std::clamp<int64_t>(kColumnBufferElements / std::max<int64_t>(columns, 1), 1,
                             std::max<int64_t>(pixels, 1));
}

template <typename T>
void Conv2DWithGemm(const Conv2DShape& shape, const T* input, const T* filter, T* output) {
  const Window2D& w = shape.window;
  const int64_t pixels = shape.batch * w.out_rows * w.out_cols;
  if (pixels == 0 || shape.out_depth == 0) return;
  const int64_t groups = shape.groups();
  const int64_t group_out = shape.out_depth / groups;
  if (groups == 1 && IsPointwise(shape)) {
    Gemm(false, false, pixels, shape.out_depth, shape.in_depth, input, shape.in_depth, filter,
         shape.out_depth, output, shape.out_depth);
    return;
  }
  const int64_t columns = w.filter_rows * w.filter_cols * shape.filter_depth;
  const int64_t chunk = PixelsPerChunk(columns, pixels);
  T* buffer = ColumnBuffer<T>(chunk * columns);
  for (int64_t first = 0; first < pixels; first += chunk) {
    const int64_t count = std::min(chunk, pixels - first);
    for (int64_t g = 0; g < groups; ++g) {
      Im2Col(shape, input, first, count, g * shape.filter_depth, shape.filter_depth, buffer);
      Gemm(false, false, count, group_out, columns, buffer, columns, filter + g * group_out,
           shape.out_depth, output + first * shape.out_depth + g * group_out, shape.out_depth);
    }
  }
}

template <typename T>
void Conv2DBackpropInputWithGemm(const Conv2DShape& shape, const T* out_backprop, const T* filter,
                                 T* in_backprop) {
  const Window2D& w = shape.window;
  std::fill_n(in_backprop, shape.batch * shape.in_rows * shape.in_cols * shape.in_depth, T{});
  const int64_t pixels = shape.batch * w.out_rows * w.out_cols;
  if (pixels == 0 || shape.in_depth == 0) return;
  const int64_t groups = shape.groups();
  const int64_t group_out = shape.out_depth / groups;
  if (groups == 1 && IsPointwise(shape)) {
    Gemm(false, true, pixels, shape.in_depth, shape.out_depth, out_backprop, shape.out_depth,
         filter, shape.out_depth, in_backprop, shape.in_depth);
    return;
  }
  const int64_t columns = w.filter_rows * w.filter_cols * shape.filter_depth;
  const int64_t chunk = PixelsPerChunk(columns, pixels);
  T* buffer = ColumnBuffer<T>(chunk * columns);
  for (int64_t first = 0; first < pixels; first += chunk) {
    const int64_t count = std::min(chunk, pixels - first);
    for (int64_t g = 0; g < groups; ++g) {
      // columns[pixel, tap] = sum over this group's output channels of
      // out_backprop[pixel, o] * filter[tap, o].
      Gemm(false, true, count, columns, group_out,
           out_backprop + first * shape.out_depth + g * group_out, shape.out_depth,
           filter + g * group_out, shape.out_depth, buffer, columns);
      Col2ImAdd(shape, buffer, first, count, g * shape.filter_depth, shape.filter_depth,
                in_backprop);
    }
  }
}

int64_t InputElements(const Conv2DShape& s) { return s.batch * s.in_rows * s.in_cols * s.in_depth; }
int64_t FilterElements(const Conv2DShape& s) {
  return s.window.filter_rows * s.window.filter_cols * s.filter_depth * s.out_depth;
}
int64_t OutputElements(const Conv2DShape& s) {
  return s.batch * s.window.out_rows * s.window.out_cols * s.out_depth;
}

}  // namespace

template <typename T>
void Conv2D(const Conv2DShape& shape, const T* input, const T* filter, T* output) {
  if constexpr (kIsFloat16<T>) {
    std::vector<float> output32(OutputElements(shape));
    Conv2DWithGemm<float>(shape, WidenArray(input, InputElements(shape)).data(),
                          WidenArray(filter, FilterElements(shape)).data(), output32.data());
    NarrowArray(output32, output);
  } else {
    Conv2DWithGemm(shape, input, filter, output);
  }
}

template <typename T>
void Conv2DBackpropInput(const Conv2DShape& shape, const T* out_backprop, const T* filter,
                         T* in_backprop) {
  if constexpr (kIsFloat16<T>) {
    std::vector<float> in_backprop32(InputElements(shape));
    Conv2DBackpropInputWithGemm<float>(
        shape, WidenArray(out_backprop, OutputElements(shape)).data(),
        WidenArray(filter, FilterElements(shape)).data(), in_backprop32.data());
    NarrowArray(in_backprop32, in_backprop);
  } else {
    Conv2DBackpropInputWithGemm(shape, out_backprop, filter, in_backprop);
  }
}

#define TFTRT_INSTANTIATE_CONV2D_(T)                                   \
  template void Conv2D<T>(const Conv2DShape&, const T*, const T*, T*); \
  template void Conv2DBackpropInput<T>(const Conv2DShape&, const T*, const T*, T*);
TFTRT_INSTANTIATE_CONV2D_(float)
TFTRT_INSTANTIATE_CONV2D_(double)
TFTRT_INSTANTIATE_CONV2D_(int32_t)
TFTRT_INSTANTIATE_CONV2D_(Half)
TFTRT_INSTANTIATE_CONV2D_(BFloat16)
#undef TFTRT_INSTANTIATE_CONV2D_

}  // namespace tftrt
