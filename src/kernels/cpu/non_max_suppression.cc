#include "kernels/cpu/non_max_suppression.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>

#include "tftrt/tensor.h"

namespace tftrt {

float BoxIou(const float* a, const float* b) {
  const float ymin_a = std::min(a[0], a[2]), xmin_a = std::min(a[1], a[3]);
  const float ymax_a = std::max(a[0], a[2]), xmax_a = std::max(a[1], a[3]);
  const float ymin_b = std::min(b[0], b[2]), xmin_b = std::min(b[1], b[3]);
  const float ymax_b = std::max(b[0], b[2]), xmax_b = std::max(b[1], b[3]);
  const float area_a = (ymax_a - ymin_a) * (xmax_a - xmin_a);
  const float area_b = (ymax_b - ymin_b) * (xmax_b - xmin_b);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float intersection = std::max(std::min(ymax_a, ymax_b) - std::max(ymin_a, ymin_b), 0.0f) *
                             std::max(std::min(xmax_a, xmax_b) - std::max(xmin_a, xmin_b), 0.0f);
  return intersection / (area_a + area_b - intersection);
}

namespace {

// Score arithmetic in the kernel's element type: TF's half kernel rounds every result.
struct ScoreArithmetic {
  bool half;
  float Round(float v) const { return half ? HalfToFloat(FloatToHalf(v)) : v; }
  float Mul(float a, float b) const { return Round(a * b); }
  float Exp(float v) const { return Round(std::exp(v)); }
};

struct Candidate {
  int box_index;
  float score;
  // Selected boxes before this index were already compared against this candidate (soft
  // NMS re-queues a candidate; each selected box may suppress it only once).
  int suppress_begin_index;
};

// Higher score first; equal scores: lower box index first.
struct CandidateOrder {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return (a.score == b.score && a.box_index > b.box_index) || a.score < b.score;
  }
};

// The selection of TF's DoNonMaxSuppressionOp; `similarity(i, j)` is computed in float and
// then taken into the score type.
template <typename Similarity>
NmsResult SelectByScore(const Similarity& similarity, const float* scores, int num_boxes,
                        const NmsOptions& options) {
  const ScoreArithmetic t{options.half_arithmetic};
  const float iou_threshold = t.Round(options.iou_threshold);
  const float score_threshold = t.Round(options.score_threshold);
  const float sigma = t.Round(options.soft_nms_sigma);
  std::priority_queue<Candidate, std::deque<Candidate>, CandidateOrder> queue;
  for (int i = 0; i < num_boxes; ++i) {
    if (scores[i] > score_threshold) queue.push(Candidate{i, scores[i], 0});
  }
  const bool soft = sigma > 0.0f;
  const float scale = soft ? t.Round(t.Round(-0.5f) / sigma) : 0.0f;
  // The factor a selected box with IOU `iou` applies to a candidate's score.
  auto suppress_weight = [&](float iou) {
    const float weight = t.Exp(t.Mul(t.Mul(scale, iou), iou));
    return soft || iou <= iou_threshold ? weight : 0.0f;
  };

  NmsResult result;
  std::vector<int32_t>& selected = result.indices;
  while (static_cast<int>(selected.size()) < options.max_output_size && !queue.empty()) {
    Candidate next = queue.top();
    queue.pop();
    const float original_score = next.score;
    // Overlapping boxes tend to have similar scores: compare with the latest selections
    // first.
    bool hard_suppressed = false;
    for (int j = static_cast<int>(selected.size()) - 1; j >= next.suppress_begin_index; --j) {
      const float iou = t.Round(similarity(next.box_index, selected[j]));
      next.score = t.Mul(next.score, suppress_weight(iou));
      if (!soft && iou > iou_threshold) {
        hard_suppressed = true;
        break;
      }
      if (next.score <= score_threshold) break;
    }
    next.suppress_begin_index = static_cast<int>(selected.size());
    if (hard_suppressed) continue;
    if (next.score == original_score) {
      selected.push_back(next.box_index);
      result.scores.push_back(next.score);
    } else if (next.score > score_threshold) {
      queue.push(next);  // soft-suppressed but still above the threshold: compete again
    }
  }
  return result;
}

}  // namespace

NmsResult NonMaxSuppression(const float* boxes, const float* scores, int num_boxes,
                            const NmsOptions& options) {
  auto iou = [boxes](int i, int j) { return BoxIou(boxes + 4 * i, boxes + 4 * j); };
  return SelectByScore(iou, scores, num_boxes, options);
}

NmsResult NonMaxSuppressionWithOverlaps(const float* overlaps, const float* scores, int num_boxes,
                                        const NmsOptions& options) {
  auto overlap = [overlaps, num_boxes](int i, int j) {
    return overlaps[static_cast<int64_t>(i) * num_boxes + j];
  };
  return SelectByScore(overlap, scores, num_boxes, options);
}

namespace {

struct Detection {
  int box_index;
  float score;
  int class_index;
  float box[4];
};

// One class of one batch: NMS over the boxes whose score beats the threshold, the
// survivors written best first into the class's slots of `detections`.
void SelectForClass(const float* boxes, const float* scores, const CombinedNmsShape& shape,
                    int class_index, int size_per_class, const CombinedNmsOptions& options,
                    std::vector<Detection>& detections) {
  struct ClassCandidate {
    int box_index;
    float score;
  };
  // Score only, no tie-break: TF's heap decides between equal scores, and this is the same
  // std::priority_queue fed in the same order.
  auto by_score = [](const ClassCandidate& a, const ClassCandidate& b) {
    return a.score < b.score;
  };
  std::priority_queue<ClassCandidate, std::vector<ClassCandidate>, decltype(by_score)> queue(
      by_score);
  for (int i = 0; i < shape.num_boxes; ++i) {
    const float score = scores[i * shape.num_classes + class_index];
    if (score > options.score_threshold) queue.push(ClassCandidate{i, score});
  }
  const int box_column = shape.q > 1 ? class_index : 0;
  auto box_of = [&](int box_index) { return boxes + (box_index * shape.q + box_column) * 4; };
  std::vector<int> selected;
  while (static_cast<int>(selected.size()) < size_per_class && !queue.empty()) {
    const ClassCandidate next = queue.top();
    queue.pop();
    const float* box = box_of(next.box_index);
    bool keep = true;
    for (int j = static_cast<int>(selected.size()) - 1; j >= 0; --j) {
      if (BoxIou(box, box_of(selected[j])) > options.iou_threshold) {
        keep = false;
        break;
      }
    }
    if (!keep) continue;
    detections[selected.size() + static_cast<size_t>(size_per_class) * class_index] =
        Detection{next.box_index, next.score, class_index, {box[0], box[1], box[2], box[3]}};
    selected.push_back(next.box_index);
  }
}

}  // namespace

int CombinedNmsDetectionsPerBatch(const CombinedNmsShape& shape,
                                  const CombinedNmsOptions& options) {
  if (!options.pad_per_class) return options.max_total_size;
  const int64_t all_classes =
      std::min<int64_t>(std::numeric_limits<int>::max(),
                        static_cast<int64_t>(options.max_size_per_class) * shape.num_classes);
  return static_cast<int>(std::min<int64_t>(options.max_total_size, all_classes));
}

void CombinedNonMaxSuppression(const float* boxes, const float* scores,
                               const CombinedNmsShape& shape, const CombinedNmsOptions& options,
                               float* nmsed_boxes, float* nmsed_scores, float* nmsed_classes,
                               int32_t* valid_detections) {
  const int size_per_class = std::min(options.max_size_per_class, shape.num_boxes);
  const int per_batch = CombinedNmsDetectionsPerBatch(shape, options);
  const int64_t boxes_per_batch = static_cast<int64_t>(shape.num_boxes) * shape.q * 4;
  const int64_t scores_per_batch = static_cast<int64_t>(shape.num_boxes) * shape.num_classes;
  const Detection empty{-1, -std::numeric_limits<float>::infinity(), -1, {0, 0, 0, 0}};
  std::fill_n(nmsed_boxes, static_cast<int64_t>(shape.batch) * per_batch * 4, 0.0f);
  std::fill_n(nmsed_scores, static_cast<int64_t>(shape.batch) * per_batch, 0.0f);
  std::fill_n(nmsed_classes, static_cast<int64_t>(shape.batch) * per_batch, 0.0f);
  for (int b = 0; b < shape.batch; ++b) {
    std::vector<Detection> detections(static_cast<size_t>(size_per_class) * shape.num_classes,
                                      empty);
    for (int c = 0; c < shape.num_classes; ++c) {
      SelectForClass(boxes + b * boxes_per_batch, scores + b * scores_per_batch, shape, c,
                     size_per_class, options, detections);
    }
    // std::sort (not stable) on the same array as TF's: equal scores end up in TF's order.
    std::sort(detections.begin(), detections.end(),
              [](const Detection& a, const Detection& b) { return b.score < a.score; });
    const int found = static_cast<int>(std::count_if(
        detections.begin(), detections.end(), [](const Detection& d) { return d.box_index > -1; }));
    const int count = std::min(found, per_batch);
    valid_detections[b] = count;
    for (int k = 0; k < count; ++k) {
      const Detection& d = detections[k];
      float* out_box = nmsed_boxes + (static_cast<int64_t>(b) * per_batch + k) * 4;
      for (int i = 0; i < 4; ++i) {
        out_box[i] = options.clip_boxes ? std::max(std::min(d.box[i], 1.0f), 0.0f) : d.box[i];
      }
      nmsed_scores[static_cast<int64_t>(b) * per_batch + k] = d.score;
      nmsed_classes[static_cast<int64_t>(b) * per_batch + k] = static_cast<float>(d.class_index);
    }
  }
}

}  // namespace tftrt
