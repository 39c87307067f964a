// The sliding-window attributes of TF's convolution and pooling nodes (strides,
// dilations, padding, explicit_paddings, ksize), read and checked as TF does, and the
// geometry they give for concrete input shapes (output sizes, pads on every side).
//
// Shared by the native kernels (runtime/ops/nn_ops.cc) and the engine converters' shape
// and lowering functions (engine/ops/), so that an output size or a pad is computed in
// one place. Errors are "<op>: <message>": InvalidArgument for bad input, Unimplemented
// for what tftrt lacks (as the kernels report them). Only NHWC, as TF's CPU kernels.
#ifndef TFTRT_RUNTIME_WINDOW_ATTRS_H_
#define TFTRT_RUNTIME_WINDOW_ATTRS_H_

#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/depthwise_conv2d.h"
#include "kernels/cpu/pooling.h"
#include "kernels/cpu/window.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The sliding-window attributes of a conv or pool node, in NHWC order.
struct WindowAttrs {
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations = {1, 1, 1, 1};
  Padding padding = Padding::kValid;
  std::vector<int64_t> explicit_paddings;  // 8 entries (before, after per dim) if EXPLICIT
};

// Unimplemented unless data_format is absent or NHWC.
Status CheckNhwcAttr(const Node& node);

// Reads and checks `padding` (+ `explicit_paddings`) into `attrs`.
Status ReadPaddingAttrs(const Node& node, WindowAttrs& attrs);

// strides / dilations / padding of Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput.
StatusOr<WindowAttrs> ReadConvWindowAttrs(const Node& node);

// The 2-D window of a filter [filter_rows, filter_cols] over an image [in_rows, in_cols].
StatusOr<Window2D> MakeWindow2D(const Node& node, const WindowAttrs& attrs, int64_t in_rows,
                                int64_t in_cols, int64_t filter_rows, int64_t filter_cols);

// The Conv2D geometry of an NHWC input and an HWIO filter (grouped when the input has a
// multiple of the filter's input depth). Checks both are 4-D.
StatusOr<Conv2DShape> MakeConv2DShape(const Node& node, const WindowAttrs& attrs,
                                      const Shape& input, const Shape& filter);

// DepthwiseConv2dNative: the filter is [rows, cols, in_depth, multiplier].
StatusOr<DepthwiseConv2DShape> MakeDepthwiseConv2DShape(const Node& node, const WindowAttrs& attrs,
                                                        const Shape& input, const Shape& filter);

// Conv2DBackpropInput: the input shape its `input_sizes` operand names (an int32 vector
// of 4, or of 2 = rows and columns, the batch taken from out_backprop and the depth from
// the filter).
StatusOr<Shape> Conv2DBackpropInputSizes(const Node& node, const Tensor& input_sizes,
                                         const Shape& filter, const Shape& out_backprop);

// Conv2DBackpropInput: the geometry of the forward convolution of an input of
// `input_shape` by `filter`, checked to give `out_backprop`'s shape.
StatusOr<Conv2DShape> MakeConv2DBackpropInputShape(const Node& node, const WindowAttrs& attrs,
                                                   const Shape& input_shape, const Shape& filter,
                                                   const Shape& out_backprop);

// Pooling (MaxPool, MaxPoolV2, AvgPool) of an NHWC input with these ksize and strides.
struct PoolGeometry {
  // Max pooling across channels only (ksize = strides = [1, 1, 1, depth_window]).
  bool over_depth = false;
  int64_t depth_window = 1;
  Pool2DShape shape;  // when !over_depth
  Shape output_shape;
};
StatusOr<PoolGeometry> MakePoolGeometry(const Node& node, bool average,
                                        const std::vector<int64_t>& ksize,
                                        const std::vector<int64_t>& strides, const Shape& input);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_WINDOW_ATTRS_H_
