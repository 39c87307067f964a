// The fast half rounding (F16C where available) gives exactly the portable conversion's
// results: over a sweep of float bit patterns covering every exponent, the round-to-even
// ties, subnormals, overflow to infinity, infinities and NaNs.
#include "kernels/cpu/half_rounding.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tftrt {
namespace {

std::vector<float> Sweep() {
  std::vector<float> values;
  for (uint64_t bits = 0; bits <= 0xffffffffu; bits += 4099) {
    values.push_back(std::bit_cast<float>(static_cast<uint32_t>(bits)));
  }
  // Ties between two halves: 1 + k * 2^-11 sits halfway between halves near 1.
  for (int k = 0; k < 64; ++k) values.push_back(1.0f + k * std::ldexp(1.0f, -11));
  for (float special :
       {0.0f, -0.0f, 65504.0f, 65519.9f, 65520.0f, 1e-8f, 6.1e-5f, 5.96e-8f,
        std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
        std::numeric_limits<float>::denorm_min()}) {
    values.push_back(special);
  }
  return values;
}

TEST(HalfRoundingTest, FastPathMatchesThePortableConversion) {
  std::vector<float> fast = Sweep();
  std::vector<float> portable = fast;
  RoundToHalfPrecision(fast.data(), static_cast<int64_t>(fast.size()));
  RoundToHalfPrecisionPortable(portable.data(), static_cast<int64_t>(portable.size()));
  int mismatches = 0;
  for (size_t i = 0; i < fast.size(); ++i) {
    if (std::isnan(portable[i])) {
      EXPECT_TRUE(std::isnan(fast[i])) << "NaN lost at " << i;
      continue;
    }
    if (std::bit_cast<uint32_t>(fast[i]) != std::bit_cast<uint32_t>(portable[i]) &&
        ++mismatches <= 10) {
      ADD_FAILURE() << "value " << std::hexfloat << Sweep()[i] << ": fast " << fast[i]
                    << ", portable " << portable[i];
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(HalfRoundingTest, ValuesBecomeHalfPrecision) {
  std::vector<float> values = {1.0f + std::ldexp(1.0f, -12), 3.14159265f, 70000.0f, 1e-9f};
  RoundToHalfPrecision(values.data(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(values[0], 1.0f);  // a tie rounds to the even half
  EXPECT_EQ(values[1], 3.140625f);
  EXPECT_TRUE(std::isinf(values[2]));
  EXPECT_EQ(values[3], 0.0f);
}

}  // namespace
}  // namespace tftrt
