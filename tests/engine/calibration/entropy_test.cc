// Entropy calibration against numpy: entropy_reference.py computes these numbers with an
// independent implementation of the documented method.
#include "engine/calibration/entropy.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tftrt {
namespace {

std::vector<double> Decaying() {
  std::vector<double> bins(AbsHistogram::kNumBins);
  for (int j = 0; j < AbsHistogram::kNumBins; ++j) bins[j] = std::floor(1000 * std::exp(-j / 60.0));
  bins[2047] += 3;
  bins[500] += 7;
  return bins;
}

std::vector<double> Sparse() {
  std::vector<double> bins(AbsHistogram::kNumBins, 0.0);
  for (int j = 0; j < 400; ++j) bins[j] = (j * j * 7 + 3) % 11;
  bins[1500] = 2;
  bins[2047] = 1;
  return bins;
}

void ExpectDivergence(const std::vector<double>& bins, int threshold, double expected) {
  std::optional<double> divergence = ThresholdDivergence(bins, threshold);
  ASSERT_TRUE(divergence.has_value()) << threshold;
  EXPECT_NEAR(*divergence, expected, 1e-12 + 1e-9 * expected) << threshold;
}

TEST(EntropyTest, DivergencesMatchNumpy) {
  const std::vector<double> decaying = Decaying();
  ExpectDivergence(decaying, 128, 0.35735699830164941);
  ExpectDivergence(decaying, 300, 0.015306029234345484);
  ExpectDivergence(decaying, 501, 0.00019205670933793498);
  ExpectDivergence(decaying, 2048, 0.003005391033233011);
  const std::vector<double> sparse = Sparse();
  ExpectDivergence(sparse, 399, 0.072554527832187632);
  ExpectDivergence(sparse, 200, 1.6552145455119207);
}

TEST(EntropyTest, ThresholdOfLeastDivergenceMatchesNumpy) {
  EXPECT_EQ(EntropyThresholdBins(Decaying()), 501);
  EXPECT_EQ(EntropyThresholdBins(Sparse()), 399);
}

// 128 bins quantize to 128 levels losslessly: KL is 0 when nothing lies beyond them.
TEST(EntropyTest, OneBinPerLevelLosesNothing) {
  std::vector<double> bins(AbsHistogram::kNumBins, 0.0);
  for (int j = 0; j < 128; ++j) bins[j] = 1 + j % 5;
  ExpectDivergence(bins, 128, 0.0);
}

// A few far outliers are clipped: the range ends where the bulk of the values ends, not
// at the largest value.
TEST(EntropyTest, AmaxClipsRareOutliers) {
  AbsHistogram histogram;
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i) values.push_back(std::sin(i * 0.37f) * 1.0f);  // |x| <= 1
  values.push_back(-40.0f);
  values.push_back(35.0f);
  histogram.Add(values.data(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(histogram.max(), 40.0f);
  const float amax = EntropyCalibratedAmax(histogram);
  EXPECT_GT(amax, 0.9f);
  EXPECT_LT(amax, 5.0f);
}

TEST(EntropyTest, AllZeroGivesNoRange) {
  AbsHistogram histogram;
  const std::vector<float> zeros(100, 0.0f);
  histogram.Add(zeros.data(), 100);
  EXPECT_EQ(EntropyCalibratedAmax(histogram), 0.0f);
  EXPECT_EQ(EntropyCalibratedAmax(AbsHistogram()), 0.0f);
}

}  // namespace
}  // namespace tftrt
