// Quantization simulation: FakeQuantWithMinMaxArgs, FakeQuantWithMinMaxVars and
// QuantizeAndDequantizeV2 / V3 / V4 (float32), with TF's checks and errors. The math is in
// kernels/cpu/fake_quantize.h. INT8 engines read these ops' ranges instead
// (engine/quantization_ranges.h). _TftrtFakeQuantInt8 is TensorRT's symmetric int8 grid, for
// INT8 layers a backend runs in FP16 (engine/int8_as_fp16.h).
#include <algorithm>
#include <cmath>
#include <string>

#include "graph/attrs.h"
#include "kernels/cpu/fake_quantize.h"
#include "kernels/cpu/int8_quantize.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

Status CheckFloatInput(const OpKernelContext& ctx) {
  if (ctx.input(0).dtype() != DataType::kFloat) {
    return OpUnimplemented(ctx, "only float32 inputs are supported, got " +
                                    std::string(DataTypeName(ctx.input(0).dtype())));
  }
  return Status::Ok();
}

// ---- FakeQuantWithMinMaxArgs / Vars ----

struct FakeQuantBits {
  int quant_min = 0;
  int quant_max = 0;
};

StatusOr<FakeQuantBits> ReadFakeQuantBits(const OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(int64_t num_bits, GetIntAttrOr(ctx.node(), "num_bits", 8));
  TFTRT_ASSIGN_OR_RETURN(bool narrow_range, GetBoolAttrOr(ctx.node(), "narrow_range", false));
  if (num_bits < 2 || num_bits > 16) {
    return OpError(ctx, "num_bits is out of range, expected between 2 and 16, was: " +
                            std::to_string(num_bits));
  }
  return FakeQuantBits{narrow_range ? 1 : 0, static_cast<int>((int64_t{1} << num_bits) - 1)};
}

template <typename ValueFn>
void MapFloats(const Tensor& input, Tensor& output, ValueFn value) {
  const float* in = input.flat<float>();
  float* out = output.flat<float>();
  for (int64_t i = 0; i < input.NumElements(); ++i) out[i] = value(in[i]);
}

Status FakeQuantWithMinMaxArgsKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_RETURN_IF_ERROR(CheckFloatInput(ctx));
  TFTRT_ASSIGN_OR_RETURN(float min, GetFloatAttrOr(ctx.node(), "min", -6.0f));
  TFTRT_ASSIGN_OR_RETURN(float max, GetFloatAttrOr(ctx.node(), "max", 6.0f));
  if (!(min < max)) {
    return OpError(ctx, "min has to be smaller than max, was: " + std::to_string(min) +
                            " >= " + std::to_string(max));
  }
  TFTRT_ASSIGN_OR_RETURN(FakeQuantBits bits, ReadFakeQuantBits(ctx));
  const FakeQuantRange range = NudgeFakeQuantRange(min, max, bits.quant_min, bits.quant_max);
  const Tensor& input = ctx.input(0);
  Tensor output(DataType::kFloat, input.shape());
  MapFloats(input, output, [&](float x) { return FakeQuantArgsValue(x, range); });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// ---- _TftrtFakeQuantInt8: an engine-only op (engine/int8_as_fp16.h) ----

Status FakeQuantInt8Kernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_RETURN_IF_ERROR(CheckFloatInput(ctx));
  TFTRT_ASSIGN_OR_RETURN(float scale, GetFloatAttr(ctx.node(), "scale"));
  if (!(scale > 0) || !std::isfinite(scale)) {
    return OpError(ctx, "scale must be positive and finite, got " + std::to_string(scale));
  }
  Tensor output = ctx.input(0).Clone();
  FakeQuantizeInt8(output.flat<float>(), output.NumElements(), scale);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

StatusOr<float> ScalarInput(const OpKernelContext& ctx, int index, const char* name) {
  const Tensor& tensor = ctx.input(index);
  if (tensor.rank() != 0) {
    return OpError(ctx, std::string("`") + name + "` must be rank 0 but is rank " +
                            std::to_string(tensor.rank()));
  }
  if (tensor.dtype() != DataType::kFloat) {
    return OpError(ctx, std::string("`") + name + "` must be float32");
  }
  return tensor.flat<float>()[0];
}

Status FakeQuantWithMinMaxVarsKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_RETURN_IF_ERROR(CheckFloatInput(ctx));
  TFTRT_ASSIGN_OR_RETURN(FakeQuantBits bits, ReadFakeQuantBits(ctx));
  TFTRT_ASSIGN_OR_RETURN(float min, ScalarInput(ctx, 1, "min"));
  TFTRT_ASSIGN_OR_RETURN(float max, ScalarInput(ctx, 2, "max"));
  const Tensor& input = ctx.input(0);
  Tensor output(DataType::kFloat, input.shape());
  if (min == 0.0f && max == 0.0f) {  // TF: all zeros
    ctx.set_output(0, std::move(output));
    return Status::Ok();
  }
  const FakeQuantRange range = NudgeFakeQuantRange(min, max, bits.quant_min, bits.quant_max);
  MapFloats(input, output, [&](float x) { return FakeQuantVarsValue(x, range); });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// ---- QuantizeAndDequantizeV2 / V3 / V4 ----

struct QdqAttrs {
  bool signed_input = true;
  int num_bits = 8;
  bool range_given = false;
  QdqRoundMode round_mode = QdqRoundMode::kHalfToEven;
  bool narrow_range = false;
  int axis = -1;
  bool per_channel_ranges = false;  // a given range may be one per channel (V3 only)
};

// V3 takes num_bits as its fourth input, and always rounds half to even.
StatusOr<QdqAttrs> ReadQdqAttrs(const OpKernelContext& ctx, bool num_bits_input) {
  const Node& node = ctx.node();
  QdqAttrs attrs;
  TFTRT_ASSIGN_OR_RETURN(attrs.signed_input, GetBoolAttrOr(node, "signed_input", true));
  TFTRT_ASSIGN_OR_RETURN(attrs.range_given, GetBoolAttrOr(node, "range_given", false));
  TFTRT_ASSIGN_OR_RETURN(attrs.narrow_range, GetBoolAttrOr(node, "narrow_range", false));
  TFTRT_ASSIGN_OR_RETURN(int64_t axis, GetIntAttrOr(node, "axis", -1));
  attrs.axis = static_cast<int>(axis);
  int64_t num_bits = 0;
  if (num_bits_input) {
    const Tensor& bits = ctx.input(3);
    if (bits.rank() != 0) {
      return OpError(ctx,
                     "Invalid shape. The `num_bits` tensor should be a scalar. Got dimensions: " +
                         std::to_string(bits.rank()));
    }
    num_bits = bits.ElementAsInt64(0);
    attrs.per_channel_ranges = true;
  } else {
    TFTRT_ASSIGN_OR_RETURN(num_bits, GetIntAttrOr(node, "num_bits", 8));
    TFTRT_ASSIGN_OR_RETURN(std::string round_mode,
                           GetStringAttrOr(node, "round_mode", "HALF_TO_EVEN"));
    if (round_mode != "HALF_TO_EVEN" && round_mode != "HALF_UP") {
      return OpError(
          ctx, "Round mode string must be 'HALF_UP' or 'HALF_TO_EVEN', is '" + round_mode + "'");
    }
    if (round_mode == "HALF_UP") attrs.round_mode = QdqRoundMode::kHalfUp;
  }
  if (num_bits <= 0 || num_bits >= (attrs.signed_input ? 62 : 63)) {
    return OpError(ctx, "num_bits is out of range: " + std::to_string(num_bits) +
                            " with signed_input_ " + (attrs.signed_input ? "1" : "0"));
  }
  attrs.num_bits = static_cast<int>(num_bits);
  return attrs;
}

// The input seen as [outer, depth, inner] around `axis` (depth 1 for axis -1).
struct ChannelLayout {
  int64_t outer = 1, depth = 1, inner = 1;
};

ChannelLayout LayoutAround(const Shape& shape, int axis) {
  ChannelLayout layout;
  if (axis < 0) {
    layout.inner = NumElements(shape);
    return layout;
  }
  for (int d = 0; d < axis; ++d) layout.outer *= shape[d];
  layout.depth = shape[axis];
  for (size_t d = axis + 1; d < shape.size(); ++d) layout.inner *= shape[d];
  return layout;
}

// The given range of each channel, checked as TF checks it.
Status ReadGivenRanges(const OpKernelContext& ctx, const QdqAttrs& attrs, int64_t depth,
                       std::vector<float>& mins, std::vector<float>& maxs) {
  const Tensor& min = ctx.input(1);
  const Tensor& max = ctx.input(2);
  if (!attrs.per_channel_ranges && attrs.axis != -1) {
    // TF's V2 and V4 check for a scalar range, then for a vector one when an axis is set.
    return OpError(ctx,
                   "input_min must be a scalar: QuantizeAndDequantizeV2 and V4 take no "
                   "per-channel range");
  }
  const int rank = attrs.axis == -1 ? 0 : 1;
  for (const Tensor* t : {&min, &max}) {
    if (t->rank() != rank || (rank == 1 && t->dim(0) != depth) || t->dtype() != DataType::kFloat) {
      return OpError(ctx, rank == 0 ? "input_min and input_max must be float32 scalars"
                                    : "input_min and input_max must be float32 vectors of the "
                                      "size of the input's axis dimension (" +
                                          std::to_string(depth) + ")");
    }
  }
  for (int64_t c = 0; c < depth; ++c) {
    mins[c] = min.flat<float>()[c];
    maxs[c] = max.flat<float>()[c];
    if (mins[c] > maxs[c]) {
      return OpError(ctx, "Invalid range: input_min " + std::to_string(mins[c]) + " > input_max " +
                              std::to_string(maxs[c]));
    }
  }
  return Status::Ok();
}

// Each channel's min and max over the input: the range when none is given.
void ObservedRanges(const Tensor& input, const ChannelLayout& layout, std::vector<float>& mins,
                    std::vector<float>& maxs) {
  const float* in = input.flat<float>();
  for (int64_t c = 0; c < layout.depth; ++c) {
    float low = std::numeric_limits<float>::infinity();
    float high = -std::numeric_limits<float>::infinity();
    for (int64_t o = 0; o < layout.outer; ++o) {
      const float* row = in + (o * layout.depth + c) * layout.inner;
      for (int64_t k = 0; k < layout.inner; ++k) {
        low = std::min(low, row[k]);
        high = std::max(high, row[k]);
      }
    }
    mins[c] = low;
    maxs[c] = high;
  }
}

Status QuantizeAndDequantize(OpKernelContext& ctx, bool num_bits_input) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, num_bits_input ? 4 : 3));
  TFTRT_RETURN_IF_ERROR(CheckFloatInput(ctx));
  TFTRT_ASSIGN_OR_RETURN(QdqAttrs attrs, ReadQdqAttrs(ctx, num_bits_input));
  const Tensor& input = ctx.input(0);
  if (attrs.axis < -1) {
    return OpError(ctx, "Axis must be at least -1. Found " + std::to_string(attrs.axis));
  }
  if (attrs.axis != -1 && attrs.axis >= input.rank()) {
    return OpError(ctx, "Shape must be at least rank " + std::to_string(attrs.axis + 1) +
                            " but is rank " + std::to_string(input.rank()));
  }
  const ChannelLayout layout = LayoutAround(input.shape(), attrs.axis);
  std::vector<float> mins(layout.depth), maxs(layout.depth);
  if (attrs.range_given) {
    TFTRT_RETURN_IF_ERROR(ReadGivenRanges(ctx, attrs, layout.depth, mins, maxs));
  } else if (input.NumElements() > 0) {
    ObservedRanges(input, layout, mins, maxs);
  }
  Tensor output(DataType::kFloat, input.shape());
  const float* in = input.flat<float>();
  float* out = output.flat<float>();
  for (int64_t c = 0; c < layout.depth; ++c) {
    const QdqRange range =
        ComputeQdqRange(attrs.signed_input, attrs.num_bits, attrs.narrow_range, mins[c], maxs[c]);
    for (int64_t o = 0; o < layout.outer; ++o) {
      const int64_t start = (o * layout.depth + c) * layout.inner;
      for (int64_t k = start; k < start + layout.inner; ++k) {
        out[k] = QdqValue(in[k], range, attrs.range_given, attrs.round_mode);
      }
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status QuantizeAndDequantizeV2Kernel(OpKernelContext& ctx) {
  return QuantizeAndDequantize(ctx, /*num_bits_input=*/false);
}

Status QuantizeAndDequantizeV3Kernel(OpKernelContext& ctx) {
  return QuantizeAndDequantize(ctx, /*num_bits_input=*/true);
}

}  // namespace

void RegisterQuantizationOps(KernelRegistry& registry) {
  registry.Register("FakeQuantWithMinMaxArgs", &FakeQuantWithMinMaxArgsKernel);
  registry.Register("_TftrtFakeQuantInt8", &FakeQuantInt8Kernel);
  registry.Register("FakeQuantWithMinMaxVars", &FakeQuantWithMinMaxVarsKernel);
  registry.Register("QuantizeAndDequantizeV2", &QuantizeAndDequantizeV2Kernel);
  registry.Register("QuantizeAndDequantizeV3", &QuantizeAndDequantizeV3Kernel);
  // V4 differs from V2 only in its gradient.
  registry.Register("QuantizeAndDequantizeV4", &QuantizeAndDequantizeV2Kernel);
}

}  // namespace tftrt
