// AbsHistogram: the distribution of |x| over one tensor's values across calibration batches,
// as TensorRT's entropy calibrator collects it: 2048 bins of equal width over [0, running
// max of |x|].
//
// Calibration is one pass over the batches (the seed's calibration_input_fn is a generator
// that can be consumed once, so the global max cannot be known before the histogram is
// filled). When a batch holds a larger |x| than the histogram's range, the histogram is
// re-binned to [0, new max]: each old bin's count is split between the (at most two) new,
// wider bins it overlaps, in proportion to the overlap (values are taken as uniform within
// a bin). Counts are therefore fractional. Non-finite values are skipped: a range cannot
// hold them.
//
// Thread safety: none; one histogram is filled by one thread.
#ifndef TFTRT_ENGINE_CALIBRATION_HISTOGRAM_H_
#define TFTRT_ENGINE_CALIBRATION_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace tftrt {

class AbsHistogram {
 public:
  static constexpr int kNumBins = 2048;

  AbsHistogram() : bins_(kNumBins, 0.0) {}

  // Adds |values[i]| for every finite value.
  void Add(const float* values, int64_t count);

  // The largest |x| added: the upper end of the range. 0 before any nonzero value.
  float max() const { return max_; }
  // max / kNumBins; 0 while max is 0 (every value counted so far is in bin 0).
  double bin_width() const { return static_cast<double>(max_) / kNumBins; }
  // kNumBins counts; bin i holds |x| in [i * width, (i + 1) * width), the last bin also
  // holds max itself.
  const std::vector<double>& bins() const { return bins_; }
  // Values counted (finite ones).
  int64_t count() const { return count_; }

 private:
  // Spreads the counts over [0, new_max]. REQUIRES: new_max > max_.
  void Rebin(float new_max);

  std::vector<double> bins_;
  float max_ = 0;
  int64_t count_ = 0;
};

}  // namespace tftrt

#endif  // TFTRT_ENGINE_CALIBRATION_HISTOGRAM_H_
