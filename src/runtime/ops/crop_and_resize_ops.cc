// CropAndResize: crops boxes out of an NHWC batch and resizes each to crop_size
// (bilinear or nearest), as TF's CPU kernel does (kernels/image/crop_and_resize_op.cc):
// the same float coordinate arithmetic (a single-pixel crop takes the box centre, computed
// in double as TF's 0.5 * (...) is), extrapolation_value outside the image, float32 output.
#include <cmath>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

struct CropGeometry {
  int batch = 0, height = 0, width = 0, depth = 0;
  int num_boxes = 0, crop_height = 0, crop_width = 0;
};

StatusOr<CropGeometry> ValidateCropAndResize(const OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 4));
  const Tensor& image = ctx.input(0);
  const Tensor& boxes = ctx.input(1);
  const Tensor& box_index = ctx.input(2);
  const Tensor& crop_size = ctx.input(3);
  if (image.rank() != 4) {
    return OpError(ctx, "input image must be 4-D" + ShapeToString(image.shape()));
  }
  CropGeometry g;
  g.batch = static_cast<int>(image.dim(0));
  g.height = static_cast<int>(image.dim(1));
  g.width = static_cast<int>(image.dim(2));
  g.depth = static_cast<int>(image.dim(3));
  if (g.height <= 0 || g.width <= 0) return OpError(ctx, "image dimensions must be positive");
  if (boxes.rank() != 2) {
    return OpError(ctx, "boxes must be 2-D, got: " + ShapeToString(boxes.shape()));
  }
  if (box_index.rank() != 1) {
    return OpError(ctx,
                   "box_indices must be rank 1 but is shape " + ShapeToString(box_index.shape()));
  }
  if (boxes.NumElements() != 0 || box_index.NumElements() != 0) {
    if (boxes.dim(1) != 4) return OpError(ctx, "boxes must have 4 columns");
    if (box_index.dim(0) != boxes.dim(0)) {
      return OpError(ctx, "box_index has incompatible shape");
    }
    g.num_boxes = static_cast<int>(boxes.dim(0));
  }
  if (crop_size.rank() != 1) {
    return OpError(ctx, "crop_size must be 1-D" + ShapeToString(crop_size.shape()));
  }
  if (crop_size.dim(0) != 2) {
    return OpError(ctx, "crop_size must have two elements" + ShapeToString(crop_size.shape()));
  }
  if (boxes.dtype() != DataType::kFloat || box_index.dtype() != DataType::kInt32 ||
      crop_size.dtype() != DataType::kInt32) {
    return OpError(ctx, "boxes must be float32, box_ind and crop_size int32");
  }
  g.crop_height = crop_size.flat<int32_t>()[0];
  g.crop_width = crop_size.flat<int32_t>()[1];
  if (g.crop_height <= 0 || g.crop_width <= 0) {
    return OpError(ctx, "crop dimensions must be positive");
  }
  TFTRT_RETURN_IF_ERROR(array_ops::CheckAllocatable(
      ctx, DataType::kFloat, {g.num_boxes, g.crop_height, g.crop_width, g.depth}));
  for (int b = 0; b < g.num_boxes; ++b) {
    const int32_t index = box_index.flat<int32_t>()[b];
    if (index < 0 || index >= g.batch) {
      return Status::OutOfRange(ctx.node().op + ": box_index has values outside [0, batch_size)");
    }
  }
  const float* box_values = boxes.flat<float>();
  for (int64_t i = 0; i < boxes.NumElements(); ++i) {
    if (!std::isfinite(box_values[i])) {
      return OpError(ctx, "Boxes contains at least one element that is not finite");
    }
  }
  return g;
}

// The image as float32, each element converted as TF's static_cast<float> does.
StatusOr<std::vector<float>> ImageAsFloat(const OpKernelContext& ctx, const Tensor& image) {
  std::vector<float> values(image.NumElements());
  switch (image.dtype()) {
    case DataType::kFloat:
      std::copy_n(image.flat<float>(), values.size(), values.begin());
      break;
    case DataType::kDouble:
    case DataType::kHalf:
    case DataType::kBFloat16:
      for (size_t i = 0; i < values.size(); ++i) {
        values[i] = static_cast<float>(image.ElementAsDouble(static_cast<int64_t>(i)));
      }
      break;
    case DataType::kUInt8:
    case DataType::kUInt16:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
      for (size_t i = 0; i < values.size(); ++i) {
        values[i] = static_cast<float>(image.ElementAsInt64(static_cast<int64_t>(i)));
      }
      break;
    default:
      return OpError(ctx, "unsupported image type " + std::string(DataTypeName(image.dtype())));
  }
  return values;
}

// The source coordinate of crop row/column `i` of `size`, for a box side [lo, hi] on an
// image side of `extent` pixels.
float SourceCoordinate(int i, int size, float lo, float hi, int extent, float scale) {
  if (size > 1) return lo * static_cast<float>(extent - 1) + static_cast<float>(i) * scale;
  return static_cast<float>(0.5 * (lo + hi) * (extent - 1));
}

Status CropAndResize(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::string method, GetStringAttrOr(ctx.node(), "method", "bilinear"));
  if (method != "bilinear" && method != "nearest") {
    return OpError(ctx, "method must be 'bilinear' or 'nearest'" + method);
  }
  TFTRT_ASSIGN_OR_RETURN(float extrapolation,
                         GetFloatAttrOr(ctx.node(), "extrapolation_value", 0.0f));
  TFTRT_ASSIGN_OR_RETURN(CropGeometry g, ValidateCropAndResize(ctx));
  TFTRT_ASSIGN_OR_RETURN(std::vector<float> image, ImageAsFloat(ctx, ctx.input(0)));
  const bool bilinear = method == "bilinear";
  const float* boxes = ctx.input(1).flat<float>();
  const int32_t* box_index = ctx.input(2).flat<int32_t>();
  Tensor output(DataType::kFloat, {g.num_boxes, g.crop_height, g.crop_width, g.depth});
  float* out = output.flat<float>();
  const int64_t row = static_cast<int64_t>(g.width) * g.depth;
  for (int b = 0; b < g.num_boxes; ++b) {
    const float y1 = boxes[4 * b], x1 = boxes[4 * b + 1];
    const float y2 = boxes[4 * b + 2], x2 = boxes[4 * b + 3];
    const float* source = image.data() + box_index[b] * g.height * row;
    const float height_scale = g.crop_height > 1 ? (y2 - y1) * static_cast<float>(g.height - 1) /
                                                       static_cast<float>(g.crop_height - 1)
                                                 : 0.0f;
    const float width_scale = g.crop_width > 1 ? (x2 - x1) * static_cast<float>(g.width - 1) /
                                                     static_cast<float>(g.crop_width - 1)
                                               : 0.0f;
    for (int y = 0; y < g.crop_height; ++y) {
      const float in_y = SourceCoordinate(y, g.crop_height, y1, y2, g.height, height_scale);
      const bool y_inside = !(in_y < 0 || in_y > static_cast<float>(g.height - 1));
      for (int x = 0; x < g.crop_width; ++x, out += g.depth) {
        const float in_x = SourceCoordinate(x, g.crop_width, x1, x2, g.width, width_scale);
        if (!y_inside || in_x < 0 || in_x > static_cast<float>(g.width - 1)) {
          std::fill_n(out, g.depth, extrapolation);
          continue;
        }
        if (!bilinear) {
          const float* pixel = source + static_cast<int>(std::round(in_y)) * row +
                               static_cast<int>(std::round(in_x)) * g.depth;
          std::copy_n(pixel, g.depth, out);
          continue;
        }
        const int top = static_cast<int>(std::floor(in_y));
        const int bottom = static_cast<int>(std::ceil(in_y));
        const int left = static_cast<int>(std::floor(in_x));
        const int right = static_cast<int>(std::ceil(in_x));
        const float y_lerp = in_y - static_cast<float>(top);
        const float x_lerp = in_x - static_cast<float>(left);
        const float* top_row = source + top * row;
        const float* bottom_row = source + bottom * row;
        for (int d = 0; d < g.depth; ++d) {
          const float top_left = top_row[left * g.depth + d];
          const float top_right = top_row[right * g.depth + d];
          const float bottom_left = bottom_row[left * g.depth + d];
          const float bottom_right = bottom_row[right * g.depth + d];
          const float top_value = top_left + (top_right - top_left) * x_lerp;
          const float bottom_value = bottom_left + (bottom_right - bottom_left) * x_lerp;
          out[d] = top_value + (bottom_value - top_value) * y_lerp;
        }
      }
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterCropResizeOps(KernelRegistry& registry) {
  registry.Register("CropAndResize", CropAndResize);
}

}  // namespace tftrt
