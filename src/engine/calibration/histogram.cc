#include "engine/calibration/histogram.h"

#include <algorithm>
#include <cmath>

namespace tftrt {

void AbsHistogram::Add(const float* values, int64_t count) {
  float batch_max = 0;
  for (int64_t i = 0; i < count; ++i) {
    const float magnitude = std::fabs(values[i]);
    if (std::isfinite(magnitude)) batch_max = std::max(batch_max, magnitude);
  }
  if (batch_max > max_) Rebin(batch_max);
  // Bin of |x|: floor(|x| / width), computed as |x| * (bins / max) so that max lands in
  // the last bin's upper end (clamped into it).
  const double per_unit = max_ > 0 ? kNumBins / static_cast<double>(max_) : 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const float magnitude = std::fabs(values[i]);
    if (!std::isfinite(magnitude)) continue;
    const int64_t bin = static_cast<int64_t>(magnitude * per_unit);
    bins_[std::min<int64_t>(bin, kNumBins - 1)] += 1;
    ++count_;
  }
}

void AbsHistogram::Rebin(float new_max) {
  const double old_width = bin_width();
  max_ = new_max;
  if (old_width == 0) return;  // everything so far was 0: it stays in bin 0
  const double new_width = bin_width();
  std::vector<double> rebinned(kNumBins, 0.0);
  for (int i = 0; i < kNumBins; ++i) {
    const double count = bins_[i];
    if (count == 0) continue;
    const double low = i * old_width;
    const double high = low + old_width;
    const int64_t first = std::min<int64_t>(static_cast<int64_t>(low / new_width), kNumBins - 1);
    const double boundary = (first + 1) * new_width;
    if (high <= boundary || first == kNumBins - 1) {
      rebinned[first] += count;
      continue;
    }
    // The new bins are wider, so an old bin overlaps at most two of them.
    const double share = (boundary - low) / old_width;
    rebinned[first] += count * share;
    rebinned[first + 1] += count * (1 - share);
  }
  bins_ = std::move(rebinned);
}

}  // namespace tftrt
