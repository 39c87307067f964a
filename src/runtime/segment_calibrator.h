// INT8 calibration of one engine node, as TF-TRT's TRTEngineOp does it in calibration
// mode: each calibration batch runs the node's native segment (so the model's outputs are
// exact), and every tensor an INT8 layer of its engine would read or write is recorded in
// a histogram of |x| (engine/calibration/histogram.h). Table() then picks each tensor's
// range by entropy minimization (engine/calibration/entropy.h).
//
// Which tensors: the engine plan built for the first batch's input shapes names them
// (engine/int8_precision.h, Int8CalibrationTensors), so calibration records exactly the
// tensors (after fusion) that later INT8 builds look up. They are read by running a copy
// of the segment with those tensors as extra outputs.
//
// Thread safety: Run and Table may be called concurrently (Run serializes).
#ifndef TFTRT_RUNTIME_SEGMENT_CALIBRATOR_H_
#define TFTRT_RUNTIME_SEGMENT_CALIBRATOR_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/calibration/calibration_table.h"
#include "engine/calibration/histogram.h"
#include "engine/network_builder.h"
#include "graph/graph.h"

namespace tftrt {

class Executor;

class SegmentCalibrator {
 public:
  // `segment`: the engine node's segment function; `args`: the engine args of the first
  // calibration batch (the inputs' dtypes and shapes, and the weights). Errors when the
  // segment cannot be lowered for those inputs (no INT8 engine could be built either).
  static StatusOr<std::unique_ptr<SegmentCalibrator>> Create(const Graph& segment,
                                                             const std::vector<EngineArg>& args);
  ~SegmentCalibrator();

  // Runs the native segment on `inputs` (every arg of the segment, in order), records the
  // tensors and returns the segment's outputs.
  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs);

  // The tensors recorded, sorted.
  const std::vector<std::string>& tensors() const { return tensors_; }
  int64_t batches() const;
  // The entropy-calibrated amax of every recorded tensor.
  CalibrationTable Table() const;

 private:
  SegmentCalibrator() = default;

  std::vector<std::string> tensors_;
  size_t num_outputs_ = 0;  // the segment's own outputs come first
  std::unique_ptr<Executor> executor_;
  mutable std::mutex mutex_;
  std::vector<AbsHistogram> histograms_;  // per tensor; guarded by mutex_
  int64_t batches_ = 0;                   // guarded by mutex_
};

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_SEGMENT_CALIBRATOR_H_
