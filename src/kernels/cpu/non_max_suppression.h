// Non-maximum suppression as TensorFlow's CPU kernels compute it
// (tensorflow/core/kernels/image/non_max_suppression_op.cc): the same candidate order
// (a priority queue on score; single-class NMS breaks ties by the lower box index, the
// combined op keeps whatever order its heap gives, as TF does), the same float IOU, the
// same strict "> threshold" comparisons, and soft-NMS re-queueing. Shared by the native
// NonMaxSuppressionV* / CombinedNonMaxSuppression kernels and the cpu engine backend.
#ifndef TFTRT_KERNELS_CPU_NON_MAX_SUPPRESSION_H_
#define TFTRT_KERNELS_CPU_NON_MAX_SUPPRESSION_H_

#include <cstdint>
#include <vector>

namespace tftrt {

// Intersection over union of two boxes given as 4 floats (y1, x1, y2, x2 in either corner
// order); 0 when either box has no area.
float BoxIou(const float* a, const float* b);

// Single-class NMS (NonMaxSuppressionV2..V5). The element type of scores and thresholds
// is float32 or float16: with `half_arithmetic` every score operation rounds to half
// precision, as TF's Eigen::half kernel does. Boxes are [num_boxes, 4] float32 (half
// boxes are widened first, exactly).
struct NmsOptions {
  int max_output_size = 0;
  float iou_threshold = 0;
  float score_threshold = 0;
  float soft_nms_sigma = 0;  // > 0: soft NMS (Gaussian re-weighting), V5 only
  bool half_arithmetic = false;
};
struct NmsResult {
  std::vector<int32_t> indices;  // selected boxes, best first
  std::vector<float> scores;     // their (soft-NMS re-weighted) scores
};
NmsResult NonMaxSuppression(const float* boxes, const float* scores, int num_boxes,
                            const NmsOptions& options);
// NonMaxSuppressionWithOverlaps: the same selection with the similarity of boxes i and j
// given as overlaps[i * num_boxes + j] instead of their IOU (float32 only).
NmsResult NonMaxSuppressionWithOverlaps(const float* overlaps, const float* scores, int num_boxes,
                                        const NmsOptions& options);

// CombinedNonMaxSuppression: per batch and class NMS, then the best `total_size` of all
// classes. boxes [batch, num_boxes, q, 4] (q is 1 or num_classes), scores
// [batch, num_boxes, num_classes]. REQUIRES: max_size_per_class > 0, total_size > 0.
struct CombinedNmsOptions {
  int max_size_per_class = 0;
  int max_total_size = 0;
  float iou_threshold = 0;
  float score_threshold = 0;
  bool pad_per_class = false;
  bool clip_boxes = true;
};
struct CombinedNmsShape {
  int batch = 0, num_boxes = 0, q = 0, num_classes = 0;
};
// Detections kept per batch: TF pads to max_total_size, or with pad_per_class to
// min(max_total_size, max_size_per_class * num_classes).
int CombinedNmsDetectionsPerBatch(const CombinedNmsShape& shape, const CombinedNmsOptions& options);
// Writes nmsed_boxes [batch, k, 4], nmsed_scores / nmsed_classes [batch, k] and
// valid_detections [batch], k = CombinedNmsDetectionsPerBatch(); padding is zero.
void CombinedNonMaxSuppression(const float* boxes, const float* scores,
                               const CombinedNmsShape& shape, const CombinedNmsOptions& options,
                               float* nmsed_boxes, float* nmsed_scores, float* nmsed_classes,
                               int32_t* valid_detections);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_NON_MAX_SUPPRESSION_H_
