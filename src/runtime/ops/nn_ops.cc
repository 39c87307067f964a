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
#include "kernels/cpu/layer_norm.h"
#include "kernels/cpu/pooling.h"
#include "kernels/cpu/softmax.h"
#include "kernels/cpu/window.h"
#include "runtime/ops/nn_ops_internal.h"
#include "runtime/window_attrs.h"

namespace tftrt {
namespace nn_ops {

namespace {

using ConvTypes = TypeList<float, double, int32_t, Half, BFloat16>;
using MaxPoolTypes = TypeList<float, double, Half, BFloat16, int8_t, uint8_t, int16_t, uint16_t,
                              int32_t, uint32_t, int64_t, uint64_t>;
using BatchNormTypes = TypeList<float, Half, BFloat16>;

Status Conv2DKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(WindowAttrs attrs, ReadConvWindowAttrs(ctx.node()));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 4, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 4, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape shape,
                         MakeConv2DShape(ctx.node(), attrs, input.shape(), filter.shape()));
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
  TFTRT_ASSIGN_OR_RETURN(WindowAttrs attrs, ReadConvWindowAttrs(ctx.node()));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 4, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 2, 4, "out_backprop"));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 1, 2));
  const Tensor& filter = ctx.input(1);
  const Tensor& out_backprop = ctx.input(2);
  TFTRT_ASSIGN_OR_RETURN(
      Shape input_shape,
      Conv2DBackpropInputSizes(ctx.node(), ctx.input(0), filter.shape(), out_backprop.shape()));
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape shape,
                         MakeConv2DBackpropInputShape(ctx.node(), attrs, input_shape,
                                                      filter.shape(), out_backprop.shape()));
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
  TFTRT_ASSIGN_OR_RETURN(WindowAttrs attrs, ReadConvWindowAttrs(ctx.node()));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 4, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 1, 4, "filter"));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(
      DepthwiseConv2DShape shape,
      MakeDepthwiseConv2DShape(ctx.node(), attrs, input.shape(), filter.shape()));
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

// MaxPool / MaxPoolV2 / AvgPool once ksize and strides are known.
Status PoolKernel(OpKernelContext& ctx, PoolKind kind, std::vector<int64_t> ksize,
                  std::vector<int64_t> strides) {
  TFTRT_RETURN_IF_ERROR(CheckNhwcAttr(ctx.node()));
  TFTRT_RETURN_IF_ERROR(CheckRank(ctx, 0, 4, "input"));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(PoolGeometry geometry, MakePoolGeometry(ctx.node(), kind == PoolKind::kAvg,
                                                                 ksize, strides, input.shape()));
  Tensor output(input.dtype(), geometry.output_shape);
  if (geometry.over_depth) {
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MaxPoolTypes{}, input.dtype(), [&]<typename T>() {
      MaxPoolOverDepth<T>(input.dim(0) * input.dim(1) * input.dim(2), input.dim(3),
                          geometry.depth_window, input.flat<T>(), output.flat<T>());
      return Status::Ok();
    }));
  } else if (kind == PoolKind::kMax) {
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, MaxPoolTypes{}, input.dtype(), [&]<typename T>() {
      MaxPool2D<T>(geometry.shape, input.flat<T>(), output.flat<T>());
      return Status::Ok();
    }));
  } else {
    TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, input.dtype(), [&]<typename T>() {
      AvgPool2D<T>(geometry.shape, input.flat<T>(), output.flat<T>());
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

// ---- _TftrtLayerNorm: an engine-only op (engine/layer_norm_folding.h) ----

// A float32 copy of input `index`, a float vector of `size` values (float32 or half).
StatusOr<Tensor> FloatVectorInput(OpKernelContext& ctx, int index, int64_t size, const char* what) {
  const Tensor& value = ctx.input(index);
  if (value.NumElements() != size ||
      (value.dtype() != DataType::kFloat && !IsFloat16(value.dtype()))) {
    return OpError(ctx, std::string(what) + " must hold " + std::to_string(size) +
                            " float values, got " + std::string(DataTypeName(value.dtype())) + " " +
                            ShapeToString(value.shape()));
  }
  return value.dtype() == DataType::kFloat ? value : WidenToFloat(value);
}

Status LayerNormKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& x = ctx.input(0);
  if (x.rank() < 1) {
    return OpError(ctx, "x must have >= 1 dimension, got " + ShapeToString(x.shape()));
  }
  const int64_t cols = x.dim(x.rank() - 1);
  const int64_t rows = cols == 0 ? 0 : x.NumElements() / cols;
  TFTRT_ASSIGN_OR_RETURN(Tensor gamma, FloatVectorInput(ctx, 1, cols, "gamma"));
  TFTRT_ASSIGN_OR_RETURN(Tensor beta, FloatVectorInput(ctx, 2, cols, "beta"));
  TFTRT_ASSIGN_OR_RETURN(const float epsilon, GetFloatAttrOr(ctx.node(), "epsilon", 1e-3f));
  Tensor y(x.dtype(), x.shape());
  TFTRT_RETURN_IF_ERROR(DispatchDtype(ctx, NnFloatTypes{}, x.dtype(), [&]<typename T>() {
    LayerNorm<T>(rows, cols, x.flat<T>(), gamma.flat<float>(), beta.flat<float>(), epsilon,
                 y.flat<T>());
    return Status::Ok();
  }));
  ctx.set_output(0, std::move(y));
  return Status::Ok();
}

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
  registry.Register("_TftrtLayerNorm", LayerNormKernel);
  RegisterMatMulOps(registry);
  RegisterAttentionOps(registry);
}

}  // namespace tftrt
