// Non-maximum suppression ops: NonMaxSuppression (V1..V5), NonMaxSuppressionWithOverlaps
// and CombinedNonMaxSuppression, with TF's checks and error messages
// (non_max_suppression_op.cc); the selection itself is kernels/cpu/non_max_suppression.cc.
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/non_max_suppression.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

std::string RankNote(const Tensor& t, int rank) {
  return " (Shape must be rank " + std::to_string(rank) + " but is rank " +
         std::to_string(t.rank()) + ")";
}

// Input `index` as a scalar float (any float dtype), or TF's "<what> must be 0-D" error.
StatusOr<float> ScalarInput(const OpKernelContext& ctx, int index, const std::string& what) {
  const Tensor& t = ctx.input(index);
  if (t.rank() != 0) {
    return OpError(ctx, what + " must be 0-D, got shape " + ShapeToString(t.shape()));
  }
  switch (t.dtype()) {
    case DataType::kFloat:
    case DataType::kHalf:
    case DataType::kDouble:
    case DataType::kBFloat16:
      return static_cast<float>(t.ElementAsDouble(0));
    default:
      return OpError(ctx,
                     what + " must be a float tensor, got " + std::string(DataTypeName(t.dtype())));
  }
}

StatusOr<int> IntScalarInput(const OpKernelContext& ctx, int index, const std::string& what) {
  const Tensor& t = ctx.input(index);
  if (t.rank() != 0) {
    return OpError(ctx,
                   what + " must be 0-D, got shape " + ShapeToString(t.shape()) + RankNote(t, 0));
  }
  if (t.dtype() != DataType::kInt32) return OpError(ctx, what + " must be int32");
  return t.flat<int32_t>()[0];
}

// Boxes [num_boxes, 4] and scores [num_boxes] of one float type, widened to float32.
struct BoxesAndScores {
  std::vector<float> boxes, scores;
  int num_boxes = 0;
  bool half = false;
};

std::vector<float> AsFloats(const Tensor& t) {
  std::vector<float> values(t.NumElements());
  if (t.dtype() == DataType::kFloat) {
    std::copy_n(t.flat<float>(), values.size(), values.begin());
  } else {
    for (size_t i = 0; i < values.size(); ++i) values[i] = HalfToFloat(t.flat<Half>()[i]);
  }
  return values;
}

StatusOr<BoxesAndScores> ReadBoxesAndScores(const OpKernelContext& ctx) {
  const Tensor& boxes = ctx.input(0);
  const Tensor& scores = ctx.input(1);
  if (boxes.rank() != 2) {
    return OpError(ctx, "boxes must be 2-D" + ShapeToString(boxes.shape()) + RankNote(boxes, 2));
  }
  if (boxes.dim(1) != 4) {
    return OpError(ctx, "boxes must have 4 columns (Dimension must be 4 but is " +
                            std::to_string(boxes.dim(1)) + ")");
  }
  if (scores.rank() != 1) {
    return OpError(ctx, "scores must be 1-D" + ShapeToString(scores.shape()) + RankNote(scores, 1));
  }
  if (scores.dim(0) != boxes.dim(0)) {
    return OpError(ctx, "scores has incompatible shape (Dimensions must be equal, but are " +
                            std::to_string(boxes.dim(0)) + " and " + std::to_string(scores.dim(0)) +
                            ")");
  }
  for (const Tensor* t : {&boxes, &scores}) {
    if (t->dtype() != DataType::kFloat && t->dtype() != DataType::kHalf) {
      return OpError(ctx, "boxes and scores must be float32 or float16, got " +
                              std::string(DataTypeName(t->dtype())));
    }
  }
  if (boxes.dtype() != scores.dtype()) return OpError(ctx, "boxes and scores differ in type");
  if (boxes.dim(0) > std::numeric_limits<int>::max()) return OpError(ctx, "too many boxes");
  return BoxesAndScores{AsFloats(boxes), AsFloats(scores), static_cast<int>(boxes.dim(0)),
                        boxes.dtype() == DataType::kHalf};
}

// Which inputs and outputs a NonMaxSuppression version has.
struct NmsVersion {
  bool iou_as_attr = false;      // V1: iou_threshold is an attribute
  bool score_threshold = false;  // V3+
  bool soft_nms_sigma = false;   // V5
  bool valid_outputs = false;    // V4+: pad_to_max_output_size, valid_outputs
  bool scores_output = false;    // V5
};

Status RunNms(OpKernelContext& ctx, const NmsVersion& version) {
  const int num_inputs = version.iou_as_attr       ? 3
                         : version.soft_nms_sigma  ? 6
                         : version.score_threshold ? 5
                                                   : 4;
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, num_inputs));
  NmsOptions options;
  TFTRT_ASSIGN_OR_RETURN(options.max_output_size, IntScalarInput(ctx, 2, "max_output_size"));
  if (version.iou_as_attr) {
    TFTRT_ASSIGN_OR_RETURN(options.iou_threshold, GetFloatAttr(ctx.node(), "iou_threshold"));
  } else {
    TFTRT_ASSIGN_OR_RETURN(options.iou_threshold, ScalarInput(ctx, 3, "iou_threshold"));
  }
  // TF checks the threshold in the kernel's type (a half kernel rounds it first).
  const bool half = ctx.input(0).dtype() == DataType::kHalf;
  const float iou = half ? HalfToFloat(FloatToHalf(options.iou_threshold)) : options.iou_threshold;
  if (!(iou >= 0.0f && iou <= 1.0f)) return OpError(ctx, "iou_threshold must be in [0, 1]");
  // Without a score threshold every finite score competes: the kernel type's lowest().
  options.score_threshold = half ? -65504.0f : std::numeric_limits<float>::lowest();
  if (version.score_threshold) {
    TFTRT_ASSIGN_OR_RETURN(options.score_threshold, ScalarInput(ctx, 4, "score_threshold"));
  }
  if (version.soft_nms_sigma) {
    TFTRT_ASSIGN_OR_RETURN(options.soft_nms_sigma, ScalarInput(ctx, 5, "soft_nms_sigma"));
    if (!(options.soft_nms_sigma >= 0.0f)) {
      return OpError(ctx, "soft_nms_sigma_val must be >= 0");
    }
  }
  bool pad = false;
  if (version.valid_outputs) {
    TFTRT_ASSIGN_OR_RETURN(pad, GetBoolAttrOr(ctx.node(), "pad_to_max_output_size", false));
  }
  TFTRT_ASSIGN_OR_RETURN(BoxesAndScores in, ReadBoxesAndScores(ctx));
  if (options.max_output_size < 0) return OpError(ctx, "output size must be non-negative");
  if (pad) {  // the outputs are max_output_size long whatever the data
    TFTRT_RETURN_IF_ERROR(
        array_ops::CheckAllocatable(ctx, DataType::kFloat, {options.max_output_size}));
  }
  options.half_arithmetic = in.half;
  NmsResult result = NonMaxSuppression(in.boxes.data(), in.scores.data(), in.num_boxes, options);
  const int valid = static_cast<int>(result.indices.size());
  if (pad) {
    result.indices.resize(options.max_output_size, 0);
    result.scores.resize(options.max_output_size, 0.0f);
  }
  ctx.set_output(0, Tensor::FromVector(result.indices));
  int next_output = 1;
  if (version.scores_output) {
    Tensor scores(ctx.input(1).dtype(), {static_cast<int64_t>(result.scores.size())});
    for (size_t i = 0; i < result.scores.size(); ++i) {
      if (in.half) {
        scores.flat<Half>()[i] = FloatToHalf(result.scores[i]);
      } else {
        scores.flat<float>()[i] = result.scores[i];
      }
    }
    ctx.set_output(next_output++, std::move(scores));
  }
  if (version.valid_outputs) ctx.set_output(next_output, Tensor::Scalar<int32_t>(valid));
  return Status::Ok();
}

Status NonMaxSuppressionV1(OpKernelContext& ctx) { return RunNms(ctx, {.iou_as_attr = true}); }
Status NonMaxSuppressionV2(OpKernelContext& ctx) { return RunNms(ctx, {}); }
Status NonMaxSuppressionV3(OpKernelContext& ctx) { return RunNms(ctx, {.score_threshold = true}); }
Status NonMaxSuppressionV4(OpKernelContext& ctx) {
  return RunNms(ctx, {.score_threshold = true, .valid_outputs = true});
}
Status NonMaxSuppressionV5(OpKernelContext& ctx) {
  return RunNms(ctx, {.score_threshold = true,
                      .soft_nms_sigma = true,
                      .valid_outputs = true,
                      .scores_output = true});
}

// NonMaxSuppressionWithOverlaps(overlaps [n, n], scores [n], max_output_size,
// overlap_threshold, score_threshold): float32 only, and no range check on the threshold.
Status NonMaxSuppressionWithOverlapsKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 5));
  NmsOptions options;
  TFTRT_ASSIGN_OR_RETURN(options.max_output_size, IntScalarInput(ctx, 2, "max_output_size"));
  TFTRT_ASSIGN_OR_RETURN(options.iou_threshold, ScalarInput(ctx, 3, "overlap_threshold"));
  TFTRT_ASSIGN_OR_RETURN(options.score_threshold, ScalarInput(ctx, 4, "score_threshold"));
  const Tensor& overlaps = ctx.input(0);
  const Tensor& scores = ctx.input(1);
  if (overlaps.rank() != 2) {
    return OpError(ctx, "overlaps must be 2-D" + ShapeToString(overlaps.shape()));
  }
  if (overlaps.dim(1) != overlaps.dim(0)) {
    return OpError(ctx, "overlaps must be square" + ShapeToString(overlaps.shape()));
  }
  if (scores.rank() != 1) {
    return OpError(ctx, "scores must be 1-D" + ShapeToString(scores.shape()) + RankNote(scores, 1));
  }
  if (scores.dim(0) != overlaps.dim(0)) {
    return OpError(ctx, "scores has incompatible shape (Dimensions must be equal, but are " +
                            std::to_string(overlaps.dim(0)) + " and " +
                            std::to_string(scores.dim(0)) + ")");
  }
  if (overlaps.dtype() != DataType::kFloat || scores.dtype() != DataType::kFloat) {
    return OpError(ctx, "overlaps and scores must be float32");
  }
  if (options.max_output_size < 0) return OpError(ctx, "output size must be non-negative");
  const NmsResult result = NonMaxSuppressionWithOverlaps(
      overlaps.flat<float>(), scores.flat<float>(), static_cast<int>(overlaps.dim(0)), options);
  ctx.set_output(0, Tensor::FromVector(result.indices));
  return Status::Ok();
}

// Shapes, sizes and thresholds of a CombinedNonMaxSuppression, checked in TF's order.
StatusOr<std::pair<CombinedNmsShape, CombinedNmsOptions>> ReadCombinedNms(
    const OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 6));
  const Tensor& boxes = ctx.input(0);
  const Tensor& scores = ctx.input(1);
  if (boxes.rank() != 4) {
    return OpError(ctx, "boxes must be 4-D [batch, num_boxes, q, 4], got shape " +
                            ShapeToString(boxes.shape()));
  }
  if (scores.rank() != 3) {
    return OpError(ctx, "scores must be 3-D [batch, num_boxes, num_classes], got shape " +
                            ShapeToString(scores.shape()));
  }
  if (boxes.dtype() != DataType::kFloat || scores.dtype() != DataType::kFloat) {
    return OpError(ctx, "boxes and scores must be float32");
  }
  CombinedNmsShape shape;
  shape.batch = static_cast<int>(boxes.dim(0));
  shape.num_boxes = static_cast<int>(boxes.dim(1));
  shape.q = static_cast<int>(boxes.dim(2));
  shape.num_classes = static_cast<int>(scores.dim(2));
  if (shape.q != 1 && shape.q != shape.num_classes) {
    return OpError(ctx, "third dimension of boxes must be either 1 or num classes");
  }
  if (boxes.dim(3) != 4) return OpError(ctx, "boxes must have 4 columns");
  if (scores.dim(1) != shape.num_boxes) return OpError(ctx, "scores has incompatible shape");
  if (boxes.dim(0) != scores.dim(0)) {
    return OpError(ctx, "boxes and scores must have same batch size");
  }
  CombinedNmsOptions options;
  const Tensor& per_class = ctx.input(2);
  if (per_class.rank() != 0 || per_class.dtype() != DataType::kInt32) {
    return OpError(ctx,
                   "max_size_per_class must be 0-D, got shape " + ShapeToString(per_class.shape()));
  }
  options.max_size_per_class = per_class.flat<int32_t>()[0];
  if (options.max_size_per_class <= 0) {
    return OpError(ctx, "max_size_per_class must be positive");
  }
  const Tensor& total = ctx.input(3);
  if (total.rank() != 0 || total.dtype() != DataType::kInt32) {
    return OpError(ctx, "max_total_size must be 0-D, got shape " + ShapeToString(total.shape()));
  }
  options.max_total_size = total.flat<int32_t>()[0];
  if (options.max_total_size <= 0) return OpError(ctx, "max_total_size must be > 0");
  TFTRT_ASSIGN_OR_RETURN(options.iou_threshold, ScalarInput(ctx, 4, "iou_threshold"));
  TFTRT_ASSIGN_OR_RETURN(options.score_threshold, ScalarInput(ctx, 5, "score_threshold"));
  if (!(options.iou_threshold >= 0.0f && options.iou_threshold <= 1.0f)) {
    return OpError(ctx, "iou_threshold must be in [0, 1]");
  }
  const int64_t slots =
      static_cast<int64_t>(std::min(options.max_size_per_class, shape.num_boxes)) *
      shape.num_classes;
  if (slots > std::numeric_limits<int>::max()) {
    return OpError(ctx, "size_per_class * num_classes causes overflow");
  }
  TFTRT_ASSIGN_OR_RETURN(options.pad_per_class, GetBoolAttrOr(ctx.node(), "pad_per_class", false));
  TFTRT_ASSIGN_OR_RETURN(options.clip_boxes, GetBoolAttrOr(ctx.node(), "clip_boxes", true));
  return std::make_pair(shape, options);
}

Status CombinedNonMaxSuppressionKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(auto parsed, ReadCombinedNms(ctx));
  const auto& [shape, options] = parsed;
  const int64_t per_batch = CombinedNmsDetectionsPerBatch(shape, options);
  TFTRT_RETURN_IF_ERROR(
      array_ops::CheckAllocatable(ctx, DataType::kFloat, {shape.batch, per_batch, 4}));
  Tensor boxes(DataType::kFloat, {shape.batch, per_batch, 4});
  Tensor scores(DataType::kFloat, {shape.batch, per_batch});
  Tensor classes(DataType::kFloat, {shape.batch, per_batch});
  Tensor valid(DataType::kInt32, {shape.batch});
  CombinedNonMaxSuppression(ctx.input(0).flat<float>(), ctx.input(1).flat<float>(), shape, options,
                            boxes.flat<float>(), scores.flat<float>(), classes.flat<float>(),
                            valid.flat<int32_t>());
  ctx.set_output(0, std::move(boxes));
  ctx.set_output(1, std::move(scores));
  ctx.set_output(2, std::move(classes));
  ctx.set_output(3, std::move(valid));
  return Status::Ok();
}

}  // namespace

void RegisterNmsOps(KernelRegistry& registry) {
  registry.Register("NonMaxSuppression", NonMaxSuppressionV1);
  registry.Register("NonMaxSuppressionV2", NonMaxSuppressionV2);
  registry.Register("NonMaxSuppressionV3", NonMaxSuppressionV3);
  registry.Register("NonMaxSuppressionV4", NonMaxSuppressionV4);
  registry.Register("NonMaxSuppressionV5", NonMaxSuppressionV5);
  registry.Register("NonMaxSuppressionWithOverlaps", NonMaxSuppressionWithOverlapsKernel);
  registry.Register("CombinedNonMaxSuppression", CombinedNonMaxSuppressionKernel);
}

}  // namespace tftrt
