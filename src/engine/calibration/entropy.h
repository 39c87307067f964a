// Entropy calibration: the |x| threshold (amax) whose 8-bit quantization loses the least
// information, as TensorRT's IInt8EntropyCalibrator2 picks it (the method of Migacz, "8-bit
// Inference with TensorRT", GTC 2017):
//
//   for each candidate threshold of i bins, i = 128 .. 2048:
//     P = bins[0 .. i), with the outliers (every count beyond bin i) added to P[i - 1];
//     Q = bins[0 .. i) merged into 128 levels (bin j -> level floor(j * 128 / i)), then
//         expanded back to i bins: each level's count spread evenly over its nonzero bins
//         (bins that were empty stay empty);
//     smooth P and Q (below), normalize both, divergence(i) = KL(P || Q) = sum P log(P / Q);
//   amax = i * bin width for the i of least divergence (the smallest such i on ties).
//
// Smoothing (as MXNet's and TF's entropy calibration implementations do): every zero
// count becomes eps = 1e-4 and the nonzero counts give up the same total, so that KL is
// finite where Q is empty but P is not (the outliers' bin). A threshold where that would
// make a count non-positive is skipped.
//
// The threshold is the upper edge of the kept bins (i * width), so i = 2048 is exactly the
// largest |x| seen; the GTC slides write (i + 0.5) * width, half a bin more.
#ifndef TFTRT_ENGINE_CALIBRATION_ENTROPY_H_
#define TFTRT_ENGINE_CALIBRATION_ENTROPY_H_

#include <optional>
#include <vector>

#include "engine/calibration/histogram.h"

namespace tftrt {

inline constexpr int kEntropyQuantizedLevels = 128;  // |q| levels of signed 8-bit values
inline constexpr double kEntropySmoothing = 1e-4;

// KL(P || Q) for a threshold of `threshold_bins` bins of `bins` (the steps above); nullopt
// when smoothing cannot make it finite. REQUIRES: kEntropyQuantizedLevels <= threshold_bins
// <= bins.size().
std::optional<double> ThresholdDivergence(const std::vector<double>& bins, int threshold_bins);

// The threshold bins i of least divergence; bins.size() when no candidate is finite.
int EntropyThresholdBins(const std::vector<double>& bins);

// The amax the entropy method picks for `histogram`: 0 for an empty or all-zero histogram.
float EntropyCalibratedAmax(const AbsHistogram& histogram);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_CALIBRATION_ENTROPY_H_
