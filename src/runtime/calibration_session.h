// One INT8 calibration (Converter::Convert with a calibration_input_fn): the calibrators
// of the engine nodes that ran, by engine node (cache) name. While it is set on a model's
// EngineCaches, each INT8 engine node that calibrates gets its SegmentCalibrator here,
// made on its first batch.
//
// Thread safety: all methods may be called concurrently.
#ifndef TFTRT_RUNTIME_CALIBRATION_SESSION_H_
#define TFTRT_RUNTIME_CALIBRATION_SESSION_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/segment_calibrator.h"

namespace tftrt {

class CalibrationSession {
 public:
  using Factory = std::function<StatusOr<std::unique_ptr<SegmentCalibrator>>()>;

  // The calibrator of engine node `name`, made by `create` on first use. A failed
  // creation is returned again for later batches without retrying.
  StatusOr<std::shared_ptr<SegmentCalibrator>> Get(const std::string& name, const Factory& create);

  // The calibrators made so far, by engine node name.
  std::map<std::string, std::shared_ptr<SegmentCalibrator>> Calibrators() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<SegmentCalibrator>> calibrators_;
  std::map<std::string, Status> failed_;
};

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_CALIBRATION_SESSION_H_
