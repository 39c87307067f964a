#include "runtime/calibration_session.h"

namespace tftrt {

StatusOr<std::shared_ptr<SegmentCalibrator>> CalibrationSession::Get(const std::string& name,
                                                                     const Factory& create) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = calibrators_.find(name); it != calibrators_.end()) return it->second;
  if (auto it = failed_.find(name); it != failed_.end()) return it->second;
  auto created = create();
  if (!created.ok()) {
    failed_[name] = created.status();
    return created.status();
  }
  std::shared_ptr<SegmentCalibrator> calibrator = std::move(created).value();
  calibrators_[name] = calibrator;
  return calibrator;
}

std::map<std::string, std::shared_ptr<SegmentCalibrator>> CalibrationSession::Calibrators() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calibrators_;
}

}  // namespace tftrt
