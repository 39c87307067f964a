// The |x| histogram: bins over [0, running max], re-binned when a batch exceeds the max.
#include "engine/calibration/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

namespace tftrt {
namespace {

double Total(const AbsHistogram& histogram) {
  return std::accumulate(histogram.bins().begin(), histogram.bins().end(), 0.0);
}

TEST(AbsHistogramTest, CountsMagnitudesInEqualBins) {
  AbsHistogram histogram;
  const std::vector<float> values = {-2048.0f, 0.0f, 0.5f, -1.0f, 1.5f, 1023.9f, 1024.0f};
  histogram.Add(values.data(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(histogram.max(), 2048.0f);
  EXPECT_EQ(histogram.bin_width(), 1.0);
  EXPECT_EQ(histogram.count(), 7);
  const auto& bins = histogram.bins();
  EXPECT_EQ(bins[0], 2);     // 0 and 0.5
  EXPECT_EQ(bins[1], 2);     // 1 and 1.5
  EXPECT_EQ(bins[1023], 1);  // 1023.9
  EXPECT_EQ(bins[1024], 1);
  EXPECT_EQ(bins[2047], 1);  // the max lands in the last bin
  EXPECT_EQ(Total(histogram), 7);
}

TEST(AbsHistogramTest, SkipsNonFiniteValues) {
  AbsHistogram histogram;
  const std::vector<float> values = {1.0f, std::numeric_limits<float>::infinity(),
                                     std::numeric_limits<float>::quiet_NaN(), -3.0f};
  histogram.Add(values.data(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(histogram.max(), 3.0f);
  EXPECT_EQ(histogram.count(), 2);
}

// Doubling the max merges pairs of old bins exactly; the counts are kept.
TEST(AbsHistogramTest, RebinsWhenALaterBatchExceedsTheMax) {
  AbsHistogram histogram;
  std::vector<float> first;
  for (int i = 0; i < 2048; ++i) first.push_back(i + 0.5f);  // one per bin of width 1
  first.back() = 2048.0f;
  histogram.Add(first.data(), static_cast<int64_t>(first.size()));
  const std::vector<float> second = {4096.0f};
  histogram.Add(second.data(), 1);
  EXPECT_EQ(histogram.max(), 4096.0f);
  EXPECT_EQ(histogram.bin_width(), 2.0);
  EXPECT_EQ(Total(histogram), 2049);
  for (int i = 0; i < 1024; ++i) EXPECT_DOUBLE_EQ(histogram.bins()[i], 2.0) << i;
  EXPECT_EQ(histogram.bins()[2047], 1);
}

// An old bin that straddles two new bins is split in proportion to the overlap.
TEST(AbsHistogramTest, RebinningSplitsStraddlingBins) {
  AbsHistogram histogram;
  const std::vector<float> first = {2.0f, 2048.0f};  // width 1: bins 2 and 2047
  histogram.Add(first.data(), 2);
  const std::vector<float> second = {2048.0f * 1.5f};  // width 1.5
  histogram.Add(second.data(), 1);
  // Old bin 2 is [2, 3): new bin 1 is [1.5, 3), so it all moves there.
  EXPECT_DOUBLE_EQ(histogram.bins()[1], 1.0);
  // Old bin 2047 is [2047, 2048): new bins 1364 [2046, 2047.5) and 1365 [2047.5, 2049).
  EXPECT_DOUBLE_EQ(histogram.bins()[1364], 0.5);
  EXPECT_DOUBLE_EQ(histogram.bins()[1365], 0.5);
  EXPECT_DOUBLE_EQ(histogram.bins()[2047], 1.0);
  EXPECT_DOUBLE_EQ(Total(histogram), 3.0);
}

TEST(AbsHistogramTest, ZerosStayInBinZeroWhenTheMaxGrows) {
  AbsHistogram histogram;
  const std::vector<float> zeros(10, 0.0f);
  histogram.Add(zeros.data(), 10);
  EXPECT_EQ(histogram.max(), 0.0f);
  EXPECT_EQ(histogram.bins()[0], 10);
  const std::vector<float> one = {1.0f};
  histogram.Add(one.data(), 1);
  EXPECT_EQ(histogram.bins()[0], 10);
  EXPECT_EQ(histogram.bins()[2047], 1);
}

}  // namespace
}  // namespace tftrt
