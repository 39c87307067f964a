#include "engine/calibration/entropy.h"

#include <cmath>
#include <limits>
#include <numeric>

namespace tftrt {
namespace {

// Smooths counts in place (zeros become eps, nonzeros give up as much in total) and
// normalizes them to sum 1. False when a nonzero count would not stay positive.
bool SmoothAndNormalize(std::vector<double>& counts) {
  int64_t zeros = 0;
  for (double count : counts) zeros += count == 0;
  const int64_t nonzeros = static_cast<int64_t>(counts.size()) - zeros;
  if (nonzeros == 0) return false;
  const double taken = kEntropySmoothing * static_cast<double>(zeros) / nonzeros;
  double total = 0;
  for (double& count : counts) {
    if (count == 0) {
      count = kEntropySmoothing;
    } else {
      count -= taken;
      if (count <= 0) return false;
    }
    total += count;
  }
  for (double& count : counts) count /= total;
  return true;
}

// First bin of level `level` when i bins merge into kEntropyQuantizedLevels levels:
// ceil(level * i / levels), so that bin j belongs to level floor(j * levels / i).
int LevelStart(int level, int threshold_bins) {
  return static_cast<int>(
      (static_cast<int64_t>(level) * threshold_bins + kEntropyQuantizedLevels - 1) /
      kEntropyQuantizedLevels);
}

}  // namespace

std::optional<double> ThresholdDivergence(const std::vector<double>& bins, int threshold_bins) {
  const int i = threshold_bins;
  std::vector<double> p(bins.begin(), bins.begin() + i);
  p[i - 1] += std::accumulate(bins.begin() + i, bins.end(), 0.0);
  std::vector<double> q(i, 0.0);
  for (int level = 0; level < kEntropyQuantizedLevels; ++level) {
    const int start = LevelStart(level, i);
    const int stop = LevelStart(level + 1, i);
    double sum = 0;
    int nonzero = 0;
    for (int j = start; j < stop; ++j) {
      sum += bins[j];
      nonzero += bins[j] != 0;
    }
    if (nonzero == 0) continue;
    for (int j = start; j < stop; ++j) q[j] = bins[j] != 0 ? sum / nonzero : 0.0;
  }
  if (!SmoothAndNormalize(p) || !SmoothAndNormalize(q)) return std::nullopt;
  double divergence = 0;
  for (int j = 0; j < i; ++j) divergence += p[j] * std::log(p[j] / q[j]);
  return divergence;
}

int EntropyThresholdBins(const std::vector<double>& bins) {
  const int num_bins = static_cast<int>(bins.size());
  int best = num_bins;
  double best_divergence = std::numeric_limits<double>::infinity();
  for (int i = kEntropyQuantizedLevels; i <= num_bins; ++i) {
    const std::optional<double> divergence = ThresholdDivergence(bins, i);
    if (divergence && *divergence < best_divergence) {
      best_divergence = *divergence;
      best = i;
    }
  }
  return best;
}

float EntropyCalibratedAmax(const AbsHistogram& histogram) {
  if (histogram.max() <= 0) return 0;
  const int bins = EntropyThresholdBins(histogram.bins());
  return static_cast<float>(bins * histogram.bin_width());
}

}  // namespace tftrt
