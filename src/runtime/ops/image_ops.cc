// Image resize ops on NHWC batches: ResizeBilinear, ResizeNearestNeighbor, ResizeArea,
// with TF's CPU arithmetic (tensorflow/core/kernels/image/resize_*_op.cc and
// util/image_resizer_state.h): the same float32 scale and source-coordinate formulas, the
// same clamping and the same order of float operations, so results match bit for bit.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/element_storage.h"
#include "runtime/kernel.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {


// The validated geometry of a resize (TF's ImageResizerState).
struct ResizeGeometry {
  int64_t batch = 0, in_height = 0, in_width = 0, channels = 0;
  int64_t out_height = 0, out_width = 0;
  float height_scale = 0, width_scale = 0;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// in_size / out_size, or (in_size - 1) / (out_size - 1) when aligning corners. A single
// input pixel keeps the unaligned scale: TF's ResizeArea behaves so (a zero scale would
// divide by zero), and for bilinear and nearest both scales pick that one pixel.
float ResizeScale(int64_t in_size, int64_t out_size, bool align_corners) {
  return (align_corners && out_size > 1 && in_size > 1)
             ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
             : static_cast<float>(in_size) / static_cast<float>(out_size);
}

StatusOr<ResizeGeometry> ValidateResize(const OpKernelContext& ctx, bool has_half_pixel_attr) {
  if (ctx.num_inputs() < 2 || !ctx.input(0).is_valid() || !ctx.input(1).is_valid()) {
    return OpError(ctx, "expects 2 inputs (images, size)");
  }
  ResizeGeometry g;
  TFTRT_ASSIGN_OR_RETURN(g.align_corners, GetBoolAttr(ctx.node(), "align_corners"));
  if (has_half_pixel_attr) {
    TFTRT_ASSIGN_OR_RETURN(g.half_pixel_centers,
                           GetBoolAttrOr(ctx.node(), "half_pixel_centers", false));
  }
  if (g.half_pixel_centers && g.align_corners) {
    return OpError(ctx, "If half_pixel_centers is True, align_corners must be False.");
  }
  const Tensor& images = ctx.input(0);
  if (images.rank() != 4) {
    return OpError(ctx, "input must be 4-dimensional" + ShapeToString(images.shape()));
  }
  g.batch = images.dim(0);
  g.in_height = images.dim(1);
  g.in_width = images.dim(2);
  g.channels = images.dim(3);
  if (g.channels <= 0) return OpError(ctx, "image must have at least one channel");
  if (g.in_height <= 0 || g.in_width <= 0) {
    return OpError(ctx, "input image must be of non-zero size");
  }
  if (g.in_height >= std::numeric_limits<int32_t>::max() ||
      g.in_width >= std::numeric_limits<int32_t>::max()) {
    return OpError(ctx, "input sizes must be between 0 and max int32");
  }
  const Tensor& size = ctx.input(1);
  if (size.rank() != 1) {
    return OpError(ctx, "shape_t must be 1-dimensional" + ShapeToString(size.shape()));
  }
  if (size.NumElements() != 2) {
    return OpError(ctx, "shape_t must have two elements" + ShapeToString(size.shape()));
  }
  if (size.dtype() != DataType::kInt32) return OpError(ctx, "size must be int32");
  g.out_height = size.flat<int32_t>()[0];
  g.out_width = size.flat<int32_t>()[1];
  if (g.out_height <= 0 || g.out_width <= 0) {
    return OpError(ctx, "output dimensions must be positive");
  }
  TFTRT_RETURN_IF_ERROR(array_ops::CheckAllocatable(
      ctx, images.dtype(), {g.batch, g.out_height, g.out_width, g.channels}));
  g.height_scale = ResizeScale(g.in_height, g.out_height, g.align_corners);
  g.width_scale = ResizeScale(g.in_width, g.out_width, g.align_corners);
  return g;
}

// The images as float32 (TF's kernels convert each element with static_cast<float>).
StatusOr<std::vector<float>> ImagesAsFloat(const OpKernelContext& ctx) {
  const Tensor& images = ctx.input(0);
  const int64_t n = images.NumElements();
  std::vector<float> values(n);
  switch (images.dtype()) {
    case DataType::kFloat:
      std::copy_n(images.flat<float>(), n, values.begin());
      break;
    case DataType::kDouble:
    case DataType::kHalf:
    case DataType::kBFloat16:
      for (int64_t i = 0; i < n; ++i) values[i] = static_cast<float>(images.ElementAsDouble(i));
      break;
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kUInt16:
    case DataType::kInt32:
    case DataType::kInt64:
      for (int64_t i = 0; i < n; ++i) values[i] = static_cast<float>(images.ElementAsInt64(i));
      break;
    default:
      return OpError(ctx, "unsupported image type " + std::string(DataTypeName(images.dtype())));
  }
  return values;
}

// Bilinear: per output coordinate, the two source rows/columns and the weight of the upper.
struct Interpolation {
  int64_t lower;
  int64_t upper;
  float lerp;
};

std::vector<Interpolation> BilinearWeights(int64_t out_size, int64_t in_size, float scale,
                                           bool half_pixel_centers) {
  std::vector<Interpolation> weights(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    const float in = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale - 0.5f
                                        : static_cast<float>(i) * scale;
    const float in_floor = std::floor(in);
    weights[i].lower = std::max(static_cast<int64_t>(in_floor), int64_t{0});
    weights[i].upper = std::min(static_cast<int64_t>(std::ceil(in)), in_size - 1);
    weights[i].lerp = in - in_floor;
  }
  return weights;
}

Status ResizeBilinear(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(ResizeGeometry g, ValidateResize(ctx, /*has_half_pixel_attr=*/true));
  TFTRT_ASSIGN_OR_RETURN(std::vector<float> in, ImagesAsFloat(ctx));
  Tensor output(DataType::kFloat, {g.batch, g.out_height, g.out_width, g.channels});
  if (g.out_height == g.in_height && g.out_width == g.in_width) {
    // TF copies a same-size resize (which keeps infinities that interpolating would not).
    std::copy(in.begin(), in.end(), output.flat<float>());
    ctx.set_output(0, std::move(output));
    return Status::Ok();
  }
  const std::vector<Interpolation> ys =
      BilinearWeights(g.out_height, g.in_height, g.height_scale, g.half_pixel_centers);
  const std::vector<Interpolation> xs =
      BilinearWeights(g.out_width, g.in_width, g.width_scale, g.half_pixel_centers);
  const int64_t channels = g.channels;
  const int64_t in_row = g.in_width * channels;
  float* out = output.flat<float>();
  for (int64_t b = 0; b < g.batch; ++b) {
    const float* image = in.data() + b * g.in_height * in_row;
    for (int64_t y = 0; y < g.out_height; ++y) {
      const float* top_row = image + ys[y].lower * in_row;
      const float* bottom_row = image + ys[y].upper * in_row;
      const float y_lerp = ys[y].lerp;
      for (int64_t x = 0; x < g.out_width; ++x) {
        const float* top_left = top_row + xs[x].lower * channels;
        const float* top_right = top_row + xs[x].upper * channels;
        const float* bottom_left = bottom_row + xs[x].lower * channels;
        const float* bottom_right = bottom_row + xs[x].upper * channels;
        const float x_lerp = xs[x].lerp;
        for (int64_t c = 0; c < channels; ++c) {
          const float top = top_left[c] + (top_right[c] - top_left[c]) * x_lerp;
          const float bottom = bottom_left[c] + (bottom_right[c] - bottom_left[c]) * x_lerp;
          *out++ = top + (bottom - top) * y_lerp;
        }
      }
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// Nearest neighbour: the source row/column of each output coordinate.
std::vector<int64_t> NearestIndices(int64_t out_size, int64_t in_size, float scale,
                                    const ResizeGeometry& g) {
  std::vector<int64_t> indices(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    // With half-pixel centers the +0.5 is applied but the -0.5 is folded into floor().
    const float in = g.half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale
                                          : static_cast<float>(i) * scale;
    int64_t index = g.align_corners ? static_cast<int64_t>(std::round(in))
                                    : static_cast<int64_t>(std::floor(in));
    index = std::min(index, in_size - 1);
    if (g.half_pixel_centers) index = std::max(index, int64_t{0});
    indices[i] = index;
  }
  return indices;
}

Status ResizeNearestNeighbor(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(ResizeGeometry g, ValidateResize(ctx, /*has_half_pixel_attr=*/true));
  if (g.in_height >= (1 << 24) || g.in_width >= (1 << 24)) {
    return OpError(ctx, "nearest neighbor requires max height & width of 2^24");
  }
  const Tensor& images = ctx.input(0);
  if (!IsPodDataType(images.dtype())) {
    return OpError(ctx, "unsupported image type " + std::string(DataTypeName(images.dtype())));
  }
  const std::vector<int64_t> ys = NearestIndices(g.out_height, g.in_height, g.height_scale, g);
  const std::vector<int64_t> xs = NearestIndices(g.out_width, g.in_width, g.width_scale, g);
  Tensor output(images.dtype(), {g.batch, g.out_height, g.out_width, g.channels});
  VisitElementStorage(images.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(images);
    S* out = StorageData<S>(output);
    for (int64_t b = 0; b < g.batch; ++b) {
      const S* image = in + b * g.in_height * g.in_width * g.channels;
      for (int64_t y = 0; y < g.out_height; ++y) {
        const S* row = image + ys[y] * g.in_width * g.channels;
        for (int64_t x = 0; x < g.out_width; ++x) {
          out = std::copy_n(row + xs[x] * g.channels, g.channels, out);
        }
      }
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// Area: each output pixel averages the source cells its footprint covers, partial cells
// weighted by the covered fraction.
struct AreaSpan {
  int64_t start;
  int64_t end;  // exclusive
  float start_scale;
  float end_minus_one_scale;
};

// The weight of source cell v in the footprint [in, in1) of one output cell.
float CellWeight(int64_t v, float in, float in1, float scale) {
  const float v_f = static_cast<float>(v);
  const float v1_f = static_cast<float>(v + 1);
  return v_f < in ? (v1_f > in1 ? scale : v1_f - in) : (v1_f > in1 ? in1 - v_f : 1.0f);
}

std::vector<AreaSpan> AreaSpans(int64_t out_size, float scale) {
  std::vector<AreaSpan> spans(out_size);
  for (int64_t x = 0; x < out_size; ++x) {
    const float in = static_cast<float>(x) * scale;
    const float in1 = static_cast<float>(x + 1) * scale;
    AreaSpan& span = spans[x];
    span.start = static_cast<int64_t>(std::floor(in));
    span.start_scale = CellWeight(span.start, in, in1, scale);
    span.end = static_cast<int64_t>(std::ceil(in1));
    span.end_minus_one_scale = CellWeight(span.end - 1, in, in1, scale);
  }
  return spans;
}

Status ResizeArea(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(ResizeGeometry g, ValidateResize(ctx, /*has_half_pixel_attr=*/false));
  TFTRT_ASSIGN_OR_RETURN(std::vector<float> in, ImagesAsFloat(ctx));
  Tensor output(DataType::kFloat, {g.batch, g.out_height, g.out_width, g.channels});
  const std::vector<AreaSpan> xs = AreaSpans(g.out_width, g.width_scale);
  const std::vector<AreaSpan> ys = AreaSpans(g.out_height, g.height_scale);
  auto bound = [](int64_t v, int64_t limit) {
    return std::min(limit - 1, std::max(int64_t{0}, v));
  };
  const float scale = static_cast<float>(1.0 / (g.height_scale * g.width_scale));
  const int64_t channels = g.channels;
  float* out = output.flat<float>();
  std::vector<const float*> row_ptrs;
  std::vector<float> row_scales;
  for (int64_t b = 0; b < g.batch; ++b) {
    const float* image = in.data() + b * g.in_height * g.in_width * channels;
    for (int64_t y = 0; y < g.out_height; ++y) {
      const float in_y = static_cast<float>(y) * g.height_scale;
      const float in_y1 = static_cast<float>(y + 1) * g.height_scale;
      row_ptrs.clear();
      row_scales.clear();
      for (int64_t i = ys[y].start; i < ys[y].end; ++i) {
        row_scales.push_back(CellWeight(i, in_y, in_y1, g.height_scale));
        row_ptrs.push_back(image + bound(i, g.in_height) * g.in_width * channels);
      }
      for (int64_t x = 0; x < g.out_width; ++x) {
        const AreaSpan& span = xs[x];
        for (int64_t c = 0; c < channels; ++c) {
          float sum = 0;
          for (size_t r = 0; r < row_ptrs.size(); ++r) {
            const float* row = row_ptrs[r];
            auto at = [&](int64_t col) { return row[bound(col, g.in_width) * channels + c]; };
            float row_sum = at(span.start) * span.start_scale;
            if (span.start + 1 != span.end) {
              for (int64_t col = span.start + 1; col < span.end - 1; ++col) row_sum += at(col);
              row_sum += at(span.end - 1) * span.end_minus_one_scale;
            }
            sum += row_sum * row_scales[r];
          }
          *out++ = sum * scale;
        }
      }
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterImageOps(KernelRegistry& registry) {
  registry.Register("ResizeBilinear", ResizeBilinear);
  registry.Register("ResizeNearestNeighbor", ResizeNearestNeighbor);
  registry.Register("ResizeArea", ResizeArea);
}

}  // namespace tftrt
