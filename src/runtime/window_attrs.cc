#include "runtime/window_attrs.h"

#include <string>
#include <string_view>

#include "graph/attrs.h"

namespace tftrt {
namespace {

Status Error(const Node& node, std::string_view message) {
  return Status::InvalidArgument(node.op + ": " + std::string(message));
}

Status Unimplemented(const Node& node, std::string_view message) {
  return Status::Unimplemented(node.op + ": " + std::string(message));
}

std::string ListToString(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + std::to_string(values[i]);
  return s + "]";
}

Status CheckRank4(const Node& node, const Shape& shape, std::string_view what) {
  if (shape.size() == 4) return Status::Ok();
  return Error(node, std::string(what) + " must be 4-dimensional, got " + ShapeToString(shape));
}

}  // namespace

Status CheckNhwcAttr(const Node& node) {
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(node, "data_format", "NHWC"));
  if (format != "NHWC") {
    return Unimplemented(node, "data_format " + format + " is not supported (only NHWC)");
  }
  return Status::Ok();
}

Status ReadPaddingAttrs(const Node& node, WindowAttrs& attrs) {
  TFTRT_ASSIGN_OR_RETURN(std::string padding, GetStringAttr(node, "padding"));
  auto parsed = ParsePadding(padding);
  if (!parsed.ok()) return Error(node, parsed.status().message());
  attrs.padding = *parsed;
  if (HasAttr(node, "explicit_paddings")) {
    TFTRT_ASSIGN_OR_RETURN(attrs.explicit_paddings, GetIntListAttr(node, "explicit_paddings"));
  }
  if (attrs.padding != Padding::kExplicit) {
    if (!attrs.explicit_paddings.empty()) {
      return Error(node, "explicit_paddings must be empty when padding is " + padding);
    }
    return Status::Ok();
  }
  const auto& pads = attrs.explicit_paddings;
  if (pads.size() != 8) {
    return Error(node,
                 "explicit_paddings must have 8 entries (before and after for each of "
                 "the 4 dimensions), got " +
                     std::to_string(pads.size()));
  }
  if (pads[0] != 0 || pads[1] != 0 || pads[6] != 0 || pads[7] != 0) {
    return Unimplemented(node,
                         "explicit padding of the batch and depth dimensions is not "
                         "supported, got " +
                             ListToString(pads));
  }
  for (int64_t pad : pads) {
    if (pad < 0) return Error(node, "explicit paddings must be >= 0, got " + ListToString(pads));
  }
  return Status::Ok();
}

StatusOr<WindowAttrs> ReadConvWindowAttrs(const Node& node) {
  TFTRT_RETURN_IF_ERROR(CheckNhwcAttr(node));
  WindowAttrs attrs;
  TFTRT_ASSIGN_OR_RETURN(attrs.strides, GetIntListAttr(node, "strides"));
  if (HasAttr(node, "dilations")) {
    TFTRT_ASSIGN_OR_RETURN(attrs.dilations, GetIntListAttr(node, "dilations"));
  }
  if (attrs.strides.size() != 4) {
    return Error(node, "strides must have 4 entries, got " + ListToString(attrs.strides));
  }
  if (attrs.dilations.size() != 4) {
    return Error(node, "dilations must have 4 entries, got " + ListToString(attrs.dilations));
  }
  if (attrs.strides[0] != 1 || attrs.strides[3] != 1) {
    return Unimplemented(node, "strides in the batch and depth dimensions are not supported, got " +
                                   ListToString(attrs.strides));
  }
  if (attrs.dilations[0] != 1 || attrs.dilations[3] != 1) {
    return Unimplemented(node,
                         "dilations in the batch and depth dimensions are not supported, got " +
                             ListToString(attrs.dilations));
  }
  TFTRT_RETURN_IF_ERROR(ReadPaddingAttrs(node, attrs));
  return attrs;
}

StatusOr<Window2D> MakeWindow2D(const Node& node, const WindowAttrs& attrs, int64_t in_rows,
                                int64_t in_cols, int64_t filter_rows, int64_t filter_cols) {
  const bool is_explicit = attrs.padding == Padding::kExplicit;
  auto rows = ComputeWindowedSize(in_rows, filter_rows, attrs.dilations[1], attrs.strides[1],
                                  attrs.padding, is_explicit ? attrs.explicit_paddings[2] : 0,
                                  is_explicit ? attrs.explicit_paddings[3] : 0);
  if (!rows.ok()) return Error(node, "rows: " + rows.status().message());
  auto cols = ComputeWindowedSize(in_cols, filter_cols, attrs.dilations[2], attrs.strides[2],
                                  attrs.padding, is_explicit ? attrs.explicit_paddings[4] : 0,
                                  is_explicit ? attrs.explicit_paddings[5] : 0);
  if (!cols.ok()) return Error(node, "columns: " + cols.status().message());
  Window2D window;
  window.filter_rows = filter_rows;
  window.filter_cols = filter_cols;
  window.stride_rows = attrs.strides[1];
  window.stride_cols = attrs.strides[2];
  window.dilation_rows = attrs.dilations[1];
  window.dilation_cols = attrs.dilations[2];
  window.pad_top = rows->pad_before;
  window.pad_bottom = rows->pad_after;
  window.pad_left = cols->pad_before;
  window.pad_right = cols->pad_after;
  window.out_rows = rows->output;
  window.out_cols = cols->output;
  return window;
}

StatusOr<Conv2DShape> MakeConv2DShape(const Node& node, const WindowAttrs& attrs,
                                      const Shape& input, const Shape& filter) {
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, input, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, filter, "filter"));
  Conv2DShape shape;
  shape.batch = input[0];
  shape.in_rows = input[1];
  shape.in_cols = input[2];
  shape.in_depth = input[3];
  shape.filter_depth = filter[2];
  shape.out_depth = filter[3];
  if (shape.filter_depth <= 0) return Error(node, "depth of filter must not be 0");
  if (shape.in_depth == 0 || shape.in_depth % shape.filter_depth != 0) {
    return Error(node, "depth of input (" + std::to_string(shape.in_depth) +
                           ") is not a multiple of input depth of filter (" +
                           std::to_string(shape.filter_depth) + ")");
  }
  if (shape.out_depth % shape.groups() != 0) {
    return Error(node, "depth of output (" + std::to_string(shape.out_depth) +
                           ") is not a multiple of the number of groups (" +
                           std::to_string(shape.groups()) + ")");
  }
  TFTRT_ASSIGN_OR_RETURN(
      shape.window, MakeWindow2D(node, attrs, shape.in_rows, shape.in_cols, filter[0], filter[1]));
  return shape;
}

StatusOr<DepthwiseConv2DShape> MakeDepthwiseConv2DShape(const Node& node, const WindowAttrs& attrs,
                                                        const Shape& input, const Shape& filter) {
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, input, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, filter, "filter"));
  if (filter[2] != input[3]) {
    return Error(node, "input and filter must have the same depth: " + std::to_string(input[3]) +
                           " vs " + std::to_string(filter[2]));
  }
  DepthwiseConv2DShape shape;
  shape.batch = input[0];
  shape.in_rows = input[1];
  shape.in_cols = input[2];
  shape.in_depth = input[3];
  shape.depth_multiplier = filter[3];
  TFTRT_ASSIGN_OR_RETURN(
      shape.window, MakeWindow2D(node, attrs, shape.in_rows, shape.in_cols, filter[0], filter[1]));
  return shape;
}

StatusOr<Shape> Conv2DBackpropInputSizes(const Node& node, const Tensor& sizes, const Shape& filter,
                                         const Shape& out_backprop) {
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, filter, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, out_backprop, "out_backprop"));
  if (sizes.dtype() != DataType::kInt32 || sizes.rank() != 1 ||
      (sizes.NumElements() != 4 && sizes.NumElements() != 2)) {
    return Error(node,
                 "input_sizes must be an int32 vector of 4 (or 2: rows, columns) elements, got " +
                     sizes.DebugString());
  }
  Shape input_shape;
  const int32_t* size_values = sizes.flat<int32_t>();
  if (sizes.NumElements() == 4) {
    input_shape.assign(size_values, size_values + 4);
  } else {  // [rows, cols]: batch from out_backprop, depth from the filter
    input_shape = {out_backprop[0], size_values[0], size_values[1], filter[2]};
  }
  int64_t elements = 1;
  for (int64_t d : input_shape) {
    if (d < 0) return Error(node, "input_sizes must be >= 0, got " + ShapeToString(input_shape));
    if (__builtin_mul_overflow(elements, d, &elements)) {
      return Error(node, "input_sizes " + ShapeToString(input_shape) + " is too large");
    }
  }
  return input_shape;
}

StatusOr<Conv2DShape> MakeConv2DBackpropInputShape(const Node& node, const WindowAttrs& attrs,
                                                   const Shape& input_shape, const Shape& filter,
                                                   const Shape& out_backprop) {
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape shape, MakeConv2DShape(node, attrs, input_shape, filter));
  const Shape expected = {shape.batch, shape.window.out_rows, shape.window.out_cols,
                          shape.out_depth};
  if (out_backprop != expected) {
    return Error(node, "out_backprop has shape " + ShapeToString(out_backprop) +
                           " but convolving an input of " + ShapeToString(input_shape) +
                           " with a filter of " + ShapeToString(filter) + " gives " +
                           ShapeToString(expected));
  }
  return shape;
}

StatusOr<PoolGeometry> MakePoolGeometry(const Node& node, bool average,
                                        const std::vector<int64_t>& ksize,
                                        const std::vector<int64_t>& strides, const Shape& input) {
  TFTRT_RETURN_IF_ERROR(CheckNhwcAttr(node));
  TFTRT_RETURN_IF_ERROR(CheckRank4(node, input, "input"));
  if (ksize.size() != 4)
    return Error(node, "ksize must have 4 entries, got " + ListToString(ksize));
  if (strides.size() != 4) {
    return Error(node, "strides must have 4 entries, got " + ListToString(strides));
  }
  for (int d = 0; d < 4; ++d) {
    if (ksize[d] <= 0) return Error(node, "ksize must be > 0, got " + ListToString(ksize));
    if (strides[d] <= 0) return Error(node, "strides must be > 0, got " + ListToString(strides));
  }
  if (ksize[0] != 1 || strides[0] != 1) {
    return Unimplemented(node, "pooling over the batch dimension is not supported");
  }
  PoolGeometry geometry;
  if (ksize[3] != 1 || strides[3] != 1) {
    if (average) {
      return Unimplemented(node, "pooling across depth is not supported for average pooling");
    }
    const int64_t window = ksize[3];
    if (ksize[1] != 1 || ksize[2] != 1 || strides[1] != 1 || strides[2] != 1) {
      return Unimplemented(node,
                           "pooling across depth and across rows/columns at once is not "
                           "supported");
    }
    if (strides[3] != window) {
      return Unimplemented(node, "max pooling across depth requires the depth window (" +
                                     std::to_string(window) + ") to equal the depth stride (" +
                                     std::to_string(strides[3]) + ")");
    }
    if (input[3] % window != 0) {
      return Unimplemented(node, "max pooling across depth requires the depth window (" +
                                     std::to_string(window) + ") to divide the input depth (" +
                                     std::to_string(input[3]) + ")");
    }
    geometry.over_depth = true;
    geometry.depth_window = window;
    geometry.output_shape = {input[0], input[1], input[2], input[3] / window};
    return geometry;
  }
  WindowAttrs attrs;
  attrs.strides = strides;
  TFTRT_RETURN_IF_ERROR(ReadPaddingAttrs(node, attrs));
  if (attrs.padding == Padding::kExplicit) {
    if (average) return Error(node, "padding must be SAME or VALID");
    // A window lying wholly in the padding would have no element to pool (TF's rule).
    for (int i = 2; i < 6; ++i) {
      if (attrs.explicit_paddings[i] >= ksize[i / 2]) {
        return Error(node, "explicit paddings " + ListToString(attrs.explicit_paddings) +
                               " must be smaller than the window " + ListToString(ksize));
      }
    }
  }
  Pool2DShape& shape = geometry.shape;
  shape.batch = input[0];
  shape.in_rows = input[1];
  shape.in_cols = input[2];
  shape.depth = input[3];
  TFTRT_ASSIGN_OR_RETURN(
      shape.window, MakeWindow2D(node, attrs, shape.in_rows, shape.in_cols, ksize[1], ksize[2]));
  geometry.output_shape = {shape.batch, shape.window.out_rows, shape.window.out_cols, shape.depth};
  return geometry;
}

}  // namespace tftrt
