// Neural-network ops: Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput, MaxPool,
// MaxPoolV2, AvgPool, Softmax, LogSoftmax, FusedBatchNorm (V1, V2, V3). Also
// RegisterNnOps, which registers the whole family (matmul_ops.cc holds MatMul,
// BatchMatMul* and Einsum), and the helpers of nn_ops_internal.h.
//
// These wrappers read attributes, check shapes with TF's rules and allocate outputs; the
// math is in kernels/cpu/ (conv2d, depthwise_conv2d, pooling, softmax, batch_norm). Only
// the NHWC layout is supported for convolution and pooling, as TF's own CPU kernels.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/batch_norm.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/depthwise_conv2d.h"
#include "kernels/cpu/pooling.h"
#include "kernels/cpu/softmax.h"
#include "kernels/cpu/window.h"
#include "runtime/ops/nn_ops_internal.h"

namespace tftrt {
namespace nn_ops {

namespace {

using ConvTypes = TypeList<float, double, int32_t, Half, BFloat16>;
using MaxPoolTypes = TypeList<float, double, Half, BFloat16, int8_t, uint8_t, int16_t, uint16_t,
                              int32_t, uint32_t, int64_t, uint64_t>;
using BatchNormTypes = TypeList<float, Half, BFloat16>;

std::string ListToString(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + std::to_string(values[i]);
  return s + "]";
}

// Convolution and pooling only run on NHWC images, as TF's CPU kernels.
Status CheckNhwc(const OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(ctx.node(), "data_format", "NHWC"));
  if (format != "NHWC") {
    return OpUnimplemented(ctx, "data_format " + format + " is not supported (only NHWC)");
  }
  return Status::Ok();
}

// The sliding-window attributes of a conv or pool node, in NHWC order.
struct WindowAttrs {
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations = {1, 1, 1, 1};
  Padding padding = Padding::kValid;
  std::vector<int64_t> explicit_paddings;  // 8 entries (before, after per dim) if EXPLICIT
};

// Reads and checks padding (+ explicit_paddings).
Status ReadPadding(const OpKernelContext& ctx, WindowAttrs& attrs) {
  TFTRT_ASSIGN_OR_RETURN(std::string padding, GetStringAttr(ctx.node(), "padding"));
  auto parsed = ParsePadding(padding);
  if (!parsed.ok()) return OpError(ctx, parsed.status().message());
  attrs.padding = *parsed;
  if (HasAttr(ctx.node(), "explicit_paddings")) {
    TFTRT_ASSIGN_OR_RETURN(attrs.explicit_paddings,
                           GetIntListAttr(ctx.node(), "explicit_paddings"));
  }
  if (attrs.padding != Padding::kExplicit) {
    if (!attrs.explicit_paddings.empty()) {
      return OpError(ctx, "explicit_paddings must be empty when padding is " + padding);
    }
    return Status::Ok();
  }
  const auto& pads = attrs.explicit_paddings;
  if (pads.size() != 8) {
    return OpError(ctx,
                   "explicit_paddings must have 8 entries (before and after for each of "
                   "the 4 dimensions), got " +
                       std::to_string(pads.size()));
  }
  if (pads[0] != 0 || pads[1] != 0 || pads[6] != 0 || pads[7] != 0) {
    return OpUnimplemented(ctx,
                           "explicit padding of the batch and depth dimensions is not "
                           "supported, got " +
                               ListToString(pads));
  }
  for (int64_t pad : pads) {
    if (pad < 0) return OpError(ctx, "explicit paddings must be >= 0, got " + ListToString(pads));
  }
  return Status::Ok();
}

// strides / dilations / padding of Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput.
StatusOr<WindowAttrs> ReadConvAttrs(const OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNhwc(ctx));
  WindowAttrs attrs;
  TFTRT_ASSIGN_OR_RETURN(attrs.strides, GetIntListAttr(ctx.node(), "strides"));
  if (HasAttr(ctx.node(), "dilations")) {
    TFTRT_ASSIGN_OR_RETURN(attrs.dilations, GetIntListAttr(ctx.node(), "dilations"));
  }
  if (attrs.strides.size() != 4) {
    return OpError(ctx, "strides must have 4 entries, got " + ListToString(attrs.strides));
  }
  if (attrs.dilations.size() != 4) {
    return OpError(ctx, "dilations must have 4 entries, got " + ListToString(attrs.dilations));
  }
  if (attrs.strides[0] != 1 || attrs.strides[3] != 1) {
    return OpUnimplemented(ctx,
                           "strides in the batch and depth dimensions are not supported, "
                           "got " +
                               ListToString(attrs.strides));
  }
  if (attrs.dilations[0] != 1 || attrs.dilations[3] != 1) {
    return OpUnimplemented(ctx,
                           "dilations in the batch and depth dimensions are not "
                           "supported, got " +
                               ListToString(attrs.dilations));
  }
  TFTRT_RETURN_IF_ERROR(ReadPadding(ctx, attrs));
  return attrs;
}

// The 2-D window of a filter [filter_rows, filter_cols] over an image [in_rows, in_cols].
StatusOr<Window2D> MakeWindow(const OpKernelContext& ctx, const WindowAttrs& attrs, int64_t in_rows,
                              int64_t in_cols, int64_t filter_rows, int64_t filter_cols) {
  const bool is_explicit = attrs.padding == Padding::kExplicit;
  auto rows = ComputeWindowedSize(in_rows, filter_rows, attrs.dilations[1], attrs.strides[1],
                                  attrs.padding, is_explicit ? attrs.explicit_paddings[2] : 0,
                                  is_explicit ? attrs.explicit_paddings[3] : 0);
  if (!rows.ok()) return OpError(ctx, "rows: " + rows.status().message());
  auto cols = ComputeWindowedSize(in_cols, filter_cols, attrs.dilations[2], attrs.strides[2],
                                  attrs.padding, is_explicit ? attrs.explicit_paddings[4] : 0,
                                  is_explicit ? attrs.explicit_paddings[5] : 0);
  if (!cols.ok()) return OpError(ctx, "columns: " + cols.status().message());
  Window2D window;
  window.filter_rows = filter_rows;
  window.filter_cols = filter_cols;
  window.stride_rows = attrs.strides[1];
  window.stride_cols = attrs.strides[2];
  window.dilation_rows = attrs.dilations[1];
  window.dilation_cols = attrs.dilations[2];
  window.pad_top = rows->pad_before;
  window.pad_left = cols->pad_before;
  window.out_rows = rows->output;
  window.out_cols = cols->output;
  return window;
}

// The Conv2D geometry of an NHWC input and an HWIO filter (grouped when the input has a
// multiple of the filter's input depth).
StatusOr<Conv2DShape> MakeConv2DShape(const OpKernelContext& ctx, const WindowAttrs& attrs,
                                      const Shape& input, const Shape& filter) {
  Conv2DShape shape;
  shape.batch = input[0];
  shape.in_rows = input[1];
  shape.in_cols = input[2];
  shape.in_depth = input[3];
  shape.filter_depth = filter[2];
  shape.out_depth = filter[3];
  if (shape.filter_depth <= 0) return OpError(ctx, "depth of filter must not be 0");
  if (shape.in_depth == 0 || shape.in_depth % shape.filter_depth != 0) {
    return OpError(ctx, "depth of input (" + std::to_string(shape.in_depth) +
                            ") is not a multiple of input depth of filter (" +
                            std::to_string(shape.filter_depth) + ")");
  }
  if (shape.out_depth % shape.groups() != 0) {
    return OpError(ctx, "depth of output (" + std::to_string(shape.out_depth) +
                            ") is not a multiple of the number of groups (" +
                            std::to_string(shape.groups()) + ")");
  }
  TFTRT_ASSIGN_OR_RETURN(
      shape.window, MakeWindow(ctx, attrs, shape.in_rows, shape.in_cols, filter[0], filter[1]));
  return shape;
}

Status Conv2DKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(WindowAttrs attrs, ReadConvAttrs(ctx));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 4, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 4, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape shape,
                         MakeConv2DShape(ctx, attrs, input.shape(), filter.shape()));
  Tensor output(input.dtype(),
                {shape.batch, shape.window.out_rows, shape.window.out_cols, shape.out_depth});
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, ConvTypes{}, input.dtype(), [&]<typename T>() {
    Conv2D<T>(shape, input.flat<T>(), filter.flat<T>(), output.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// Conv2DBackpropInput(input_sizes, filter, out_backprop): the gradient of Conv2D with
// respect to its input, i.e. the transposed convolution behind Conv2DTranspose.
Status Conv2DBackpropInputKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_ASSIGN_OR_RETURN(WindowAttrs attrs, ReadConvAttrs(ctx));
  const Tensor& sizes = ctx.input(0);
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 4, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 2, 4, "out_backprop"));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 1, 2));
  const Tensor& filter = ctx.input(1);
  const Tensor& out_backprop = ctx.input(2);
  if (sizes.dtype() != DataType::kInt32 || sizes.rank() != 1 ||
      (sizes.NumElements() != 4 && sizes.NumElements() != 2)) {
    return OpError(ctx,
                   "input_sizes must be an int32 vector of 4 (or 2: rows, columns) "
                   "elements, got " +
                       sizes.DebugString());
  }
  Shape input_shape;
  const int32_t* size_values = sizes.flat<int32_t>();
  if (sizes.NumElements() == 4) {
    input_shape.assign(size_values, size_values + 4);
  } else {  // [rows, cols]: batch from out_backprop, depth from the filter
    input_shape = {out_backprop.dim(0), size_values[0], size_values[1], filter.dim(2)};
  }
  int64_t elements = 1;
  for (int64_t d : input_shape) {
    if (d < 0) return OpError(ctx, "input_sizes must be >= 0, got " + ShapeToString(input_shape));
    if (__builtin_mul_overflow(elements, d, &elements)) {
      return OpError(ctx, "input_sizes " + ShapeToString(input_shape) + " is too large");
    }
  }
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape shape,
                         MakeConv2DShape(ctx, attrs, input_shape, filter.shape()));
  const Shape expected = {shape.batch, shape.window.out_rows, shape.window.out_cols,
                          shape.out_depth};
  if (out_backprop.shape() != expected) {
    return OpError(ctx, "out_backprop has shape " + ShapeToString(out_backprop.shape()) +
                            " but convolving an input of " + ShapeToString(input_shape) +
                            " with a filter of " + ShapeToString(filter.shape()) + " gives " +
                            ShapeToString(expected));
  }
  Tensor in_backprop(filter.dtype(), input_shape);
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, ConvTypes{}, filter.dtype(), [&]<typename T>() {
    Conv2DBackpropInput<T>(shape, out_backprop.flat<T>(), filter.flat<T>(), in_backprop.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(in_backprop));
  return Status::Ok();
}

Status DepthwiseConv2dNativeKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(WindowAttrs attrs, ReadConvAttrs(ctx));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 4, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 4, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  if (filter.dim(2) != input.dim(3)) {
    return OpError(ctx, "input and filter must have the same depth: " +
                            std::to_string(input.dim(3)) + " vs " + std::to_string(filter.dim(2)));
  }
  DepthwiseConv2DShape shape;
  shape.batch = input.dim(0);
  shape.in_rows = input.dim(1);
  shape.in_cols = input.dim(2);
  shape.in_depth = input.dim(3);
  shape.depth_multiplier = filter.dim(3);
  TFTRT_ASSIGN_OR_RETURN(shape.window, MakeWindow(ctx, attrs, shape.in_rows, shape.in_cols,
                                                  filter.dim(0), filter.dim(1)));
  Tensor output(input.dtype(),
                {shape.batch, shape.window.out_rows, shape.window.out_cols, shape.out_depth()});
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, input.dtype(), [&]<typename T>() {
    DepthwiseConv2D<T>(shape, input.flat<T>(), filter.flat<T>(), output.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// ---- Pooling ----

enum class PoolKind { kMax, kAvg };

// Checks ksize / strides of a pooling node (4 entries each, NHWC).
Status CheckPoolWindow(const OpKernelContext& ctx, const std::vector<int64_t>& ksize,
                       const std::vector<int64_t>& strides) {
  if (ksize.size() != 4) {
    return OpError(ctx, "ksize must have 4 entries, got " + ListToString(ksize));
  }
  if (strides.size() != 4) {
    return OpError(ctx, "strides must have 4 entries, got " + ListToString(strides));
  }
  for (int d = 0; d < 4; ++d) {
    if (ksize[d] <= 0) return OpError(ctx, "ksize must be > 0, got " + ListToString(ksize));
    if (strides[d] <= 0) return OpError(ctx, "strides must be > 0, got " + ListToString(strides));
  }
  if (ksize[0] != 1 || strides[0] != 1) {
    return OpUnimplemented(ctx, "pooling over the batch dimension is not supported");
  }
  return Status::Ok();
}

// Max pooling across channels only (ksize = strides = [1, 1, 1, k]).
Status MaxPoolOverDepthKernel(OpKernelContext& ctx, const std::vector<int64_t>& ksize,
                              const std::vector<int64_t>& strides) {
  const Tensor& input = ctx.input(0);
  const int64_t window = ksize[3];
  if (ksize[1] != 1 || ksize[2] != 1 || strides[1] != 1 || strides[2] != 1) {
    return OpUnimplemented(ctx,
                           "pooling across depth and across rows/columns at once is not "
                           "supported");
  }
  if (strides[3] != window) {
    return OpUnimplemented(ctx, "max pooling across depth requires the depth window (" +
                                    std::to_string(window) + ") to equal the depth stride (" +
                                    std::to_string(strides[3]) + ")");
  }
  if (input.dim(3) % window != 0) {
    return OpUnimplemented(ctx, "max pooling across depth requires the depth window (" +
                                    std::to_string(window) + ") to divide the input depth (" +
                                    std::to_string(input.dim(3)) + ")");
  }
  Tensor output(input.dtype(), {input.dim(0), input.dim(1), input.dim(2), input.dim(3) / window});
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MaxPoolTypes{}, input.dtype(), [&]<typename T>() {
    MaxPoolOverDepth<T>(input.dim(0) * input.dim(1) * input.dim(2), input.dim(3), window,
                        input.flat<T>(), output.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// MaxPool / MaxPoolV2 / AvgPool once ksize and strides are known.
Status PoolKernel(OpKernelContext& ctx, PoolKind kind, std::vector<int64_t> ksize,
                  std::vector<int64_t> strides) {
  TFTRT_RETURN_IF_ERROR(CheckNhwc(ctx));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 4, "input"));
  TFTRT_RETURN_IF_ERROR(CheckPoolWindow(ctx, ksize, strides));
  if (ksize[3] != 1 || strides[3] != 1) {
    if (kind == PoolKind::kAvg) {
      return OpUnimplemented(ctx, "pooling across depth is not supported for average pooling");
    }
    return MaxPoolOverDepthKernel(ctx, ksize, strides);
  }
  WindowAttrs attrs;
  attrs.strides = strides;
  TFTRT_RETURN_IF_ERROR(ReadPadding(ctx, attrs));
  if (attrs.padding == Padding::kExplicit) {
    if (kind == PoolKind::kAvg) return OpError(ctx, "padding must be SAME or VALID");
    // A window lying wholly in the padding would have no element to pool (TF's rule).
    for (int i = 2; i < 6; ++i) {
      if (attrs.explicit_paddings[i] >= ksize[i / 2]) {
        return OpError(ctx, "explicit paddings " + ListToString(attrs.explicit_paddings) +
                                " must be smaller than the window " + ListToString(ksize));
      }
    }
  }
  const Tensor& input = ctx.input(0);
  Pool2DShape shape;
  shape.batch = input.dim(0);
  shape.in_rows = input.dim(1);
  shape.in_cols = input.dim(2);
  shape.depth = input.dim(3);
  TFTRT_ASSIGN_OR_RETURN(shape.window,
                         MakeWindow(ctx, attrs, shape.in_rows, shape.in_cols, ksize[1], ksize[2]));
  Tensor output(input.dtype(),
                {shape.batch, shape.window.out_rows, shape.window.out_cols, shape.depth});
  if (kind == PoolKind::kMax) {
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MaxPoolTypes{}, input.dtype(), [&]<typename T>() {
      MaxPool2D<T>(shape, input.flat<T>(), output.flat<T>());
      return Status::Ok();
    }));
  } else {
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, input.dtype(), [&]<typename T>() {
      AvgPool2D<T>(shape, input.flat<T>(), output.flat<T>());
      return Status::Ok();
    }));
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status MaxPoolKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> ksize, GetIntListAttr(ctx.node(), "ksize"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> strides, GetIntListAttr(ctx.node(), "strides"));
  return PoolKernel(ctx, PoolKind::kMax, std::move(ksize), std::move(strides));
}

Status AvgPoolKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> ksize, GetIntListAttr(ctx.node(), "ksize"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> strides, GetIntListAttr(ctx.node(), "strides"));
  return PoolKernel(ctx, PoolKind::kAvg, std::move(ksize), std::move(strides));
}

// MaxPoolV2(input, ksize, strides): the window comes from int32 tensors.
Status MaxPoolV2Kernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  std::vector<int64_t> window[2];
  for (int i = 1; i <= 2; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.dtype() != DataType::kInt32 || t.rank() != 1) {
      return OpError(ctx, std::string(i == 1 ? "ksize" : "strides") +
                              " must be an int32 vector, got " + t.DebugString());
    }
    window[i - 1].assign(t.flat<int32_t>(), t.flat<int32_t>() + t.NumElements());
  }
  return PoolKernel(ctx, PoolKind::kMax, std::move(window[0]), std::move(window[1]));
}

// ---- Softmax ----

template <bool kLog>
Status SoftmaxKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& logits = ctx.input(0);
  if (logits.rank() < 1) {
    return OpError(ctx, "logits must have >= 1 dimension, got " + ShapeToString(logits.shape()));
  }
  const int64_t classes = logits.dim(logits.rank() - 1);
  const int64_t rows = classes == 0 ? 0 : logits.NumElements() / classes;
  Tensor output(logits.dtype(), logits.shape());
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, logits.dtype(), [&]<typename T>() {
    if constexpr (kLog) {
      LogSoftmax<T>(rows, classes, logits.flat<T>(), output.flat<T>());
    } else {
      Softmax<T>(rows, classes, logits.flat<T>(), output.flat<T>());
    }
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// ---- FusedBatchNorm ----

// FusedBatchNorm, V2 and V3 (`num_outputs` 5 or 6): y, batch_mean, batch_variance,
// reserve_space_1, reserve_space_2 [, reserve_space_3], as TF's CPU kernel fills them:
// inference copies mean/variance to outputs 1-2 and leaves 3-4 zero; training gives
// the running statistics in 1-2 and the batch mean / biased variance in 3-4;
// reserve_space_3 is a scalar 0. An empty x gives NaN statistics.
Status FusedBatchNormKernel(OpKernelContext& ctx, int num_outputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 5));
  const Node& node = ctx.node();
  TFTRT_ASSIGN_OR_RETURN(float epsilon, GetFloatAttrOr(node, "epsilon", 1e-4f));
  TFTRT_ASSIGN_OR_RETURN(float avg_factor, GetFloatAttrOr(node, "exponential_avg_factor", 1.0f));
  TFTRT_ASSIGN_OR_RETURN(bool is_training, GetBoolAttrOr(node, "is_training", true));
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(node, "data_format", "NHWC"));
  const Tensor& x = ctx.input(0);
  if (x.rank() != 4 && x.rank() != 5) {
    return OpError(ctx, "input must be 4 or 5-dimensional, got " + ShapeToString(x.shape()));
  }
  const bool channels_last = format == "NHWC" || format == "NDHWC";
  const bool channels_first = format == "NCHW" || format == "NCDHW";
  if ((!channels_last && !channels_first) || (format.size() == 4) != (x.rank() == 4)) {
    return OpError(ctx, "data_format " + format + " does not fit an input of rank " +
                            std::to_string(x.rank()));
  }
  static const char* const kNames[] = {"scale", "offset", "mean", "variance"};
  for (int i = 1; i <= 4; ++i) {
    TFTRT_RETURN_IF_ERROR(CheckRank(ctx, i, 1, kNames[i - 1]));
    if (ctx.input(i).dtype() != DataType::kFloat) {
      return OpError(
          ctx, std::string(kNames[i - 1]) + " must be float32, got " + ctx.input(i).DebugString());
    }
  }
  BatchNormShape shape;
  shape.channels = x.dim(channels_last ? x.rank() - 1 : 1);
  shape.outer = x.dim(0);
  for (int d = 1; d < x.rank(); ++d) {
    if (channels_last && d < x.rank() - 1) shape.outer *= x.dim(d);
    if (channels_first && d > 1) shape.inner *= x.dim(d);
  }
  const Tensor& scale = ctx.input(1);
  const Tensor& offset = ctx.input(2);
  const Tensor& mean = ctx.input(3);
  const Tensor& variance = ctx.input(4);
  // Training reads the running statistics only to average them with the batch's.
  const bool needs_statistics = !is_training || avg_factor != 1.0f;
  for (int i = 1; i <= 4; ++i) {
    if ((i <= 2 || needs_statistics) && ctx.input(i).NumElements() != shape.channels) {
      return OpError(ctx, std::string(kNames[i - 1]) +
                              " must have as many elements as x has "
                              "channels (" +
                              std::to_string(shape.channels) + "), got " +
                              ShapeToString(ctx.input(i).shape()));
    }
  }

  const int64_t channels = shape.channels;
  Tensor y(x.dtype(), x.shape());
  Tensor running_mean(DataType::kFloat, {channels});
  Tensor running_variance(DataType::kFloat, {channels});
  Tensor saved_mean(DataType::kFloat, {channels});
  Tensor saved_variance(DataType::kFloat, {channels});
  float* out_mean = running_mean.flat<float>();
  float* out_variance = running_variance.flat<float>();
  if (x.NumElements() == 0) {
    std::fill_n(out_mean, channels, std::numeric_limits<float>::quiet_NaN());
    std::fill_n(out_variance, channels, std::numeric_limits<float>::quiet_NaN());
  } else if (!is_training) {
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, BatchNormTypes{}, x.dtype(), [&]<typename T>() {
      BatchNormInference<T>(shape, x.flat<T>(), scale.flat<float>(), offset.flat<float>(),
                            mean.flat<float>(), variance.flat<float>(), epsilon, y.flat<T>());
      return Status::Ok();
    }));
    std::copy_n(mean.flat<float>(), channels, out_mean);
    std::copy_n(variance.flat<float>(), channels, out_variance);
  } else {
    float* batch_mean = saved_mean.flat<float>();
    float* batch_variance = saved_variance.flat<float>();
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, BatchNormTypes{}, x.dtype(), [&]<typename T>() {
      BatchNormTraining<T>(shape, x.flat<T>(), scale.flat<float>(), offset.flat<float>(), epsilon,
                           y.flat<T>(), batch_mean, batch_variance);
      return Status::Ok();
    }));
    // The running variance is unbiased (Bessel's correction), as TF's.
    const float count = static_cast<float>(shape.outer * shape.inner);
    const float bessel = count / (count > 1 ? count - 1 : 1.0f);
    for (int64_t c = 0; c < channels; ++c) {
      if (avg_factor == 1.0f) {
        out_mean[c] = batch_mean[c];
        out_variance[c] = batch_variance[c] * bessel;
      } else {
        const float keep = 1.0f - avg_factor;
        out_mean[c] = keep * mean.flat<float>()[c] + avg_factor * batch_mean[c];
        out_variance[c] =
            keep * variance.flat<float>()[c] + (avg_factor * bessel) * batch_variance[c];
      }
    }
  }
  ctx.set_output(0, std::move(y));
  ctx.set_output(1, std::move(running_mean));
  ctx.set_output(2, std::move(running_variance));
  ctx.set_output(3, std::move(saved_mean));
  ctx.set_output(4, std::move(saved_variance));
  if (num_outputs == 6) ctx.set_output(5, Tensor(DataType::kFloat, {}));
  return Status::Ok();
}

Status FusedBatchNormV1V2Kernel(OpKernelContext& ctx) { return FusedBatchNormKernel(ctx, 5); }
Status FusedBatchNormV3Kernel(OpKernelContext& ctx) { return FusedBatchNormKernel(ctx, 6); }

}  // namespace
}  // namespace nn_ops

void RegisterNnOps(KernelRegistry& registry) {
  using namespace nn_ops;  // NOLINT: the kernels of this family
  registry.Register("Conv2D", Conv2DKernel);
  registry.Register("Conv2DBackpropInput", Conv2DBackpropInputKernel);
  registry.Register("DepthwiseConv2dNative", DepthwiseConv2dNativeKernel);
  registry.Register("MaxPool", MaxPoolKernel);
  registry.Register("MaxPoolV2", MaxPoolV2Kernel);
  registry.Register("AvgPool", AvgPoolKernel);
  registry.Register("Softmax", SoftmaxKernel<false>);
  registry.Register("LogSoftmax", SoftmaxKernel<true>);
  registry.Register("FusedBatchNorm", FusedBatchNormV1V2Kernel);
  registry.Register("FusedBatchNormV2", FusedBatchNormV1V2Kernel);
  registry.Register("FusedBatchNormV3", FusedBatchNormV3Kernel);
  RegisterMatMulOps(registry);
}

}  // namespace tftrt
