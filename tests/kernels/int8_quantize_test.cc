// TensorRT's int8 quantization: scale amax / 127, ties to even, clamp to [-128, 127].
#include "kernels/cpu/int8_quantize.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace tftrt {
namespace {

TEST(Int8QuantizeTest, RoundsHalfToEvenAndClampsToTheInt8Range) {
  const float scale = 0.5f;
  EXPECT_EQ(QuantizeInt8(0.25f, scale), 0);    // 0.5 -> 0
  EXPECT_EQ(QuantizeInt8(0.75f, scale), 2);    // 1.5 -> 2
  EXPECT_EQ(QuantizeInt8(1.25f, scale), 2);    // 2.5 -> 2
  EXPECT_EQ(QuantizeInt8(-0.75f, scale), -2);  // -1.5 -> -2
  EXPECT_EQ(QuantizeInt8(-1.25f, scale), -2);  // -2.5 -> -2
  EXPECT_EQ(QuantizeInt8(0.7f, scale), 1);
  EXPECT_EQ(QuantizeInt8(63.5f, scale), 127);
  EXPECT_EQ(QuantizeInt8(1000.0f, scale), 127);
  EXPECT_EQ(QuantizeInt8(-64.0f, scale), -128);  // the negative end is -128, as TensorRT's
  EXPECT_EQ(QuantizeInt8(-1000.0f, scale), -128);
  EXPECT_EQ(QuantizeInt8(std::numeric_limits<float>::quiet_NaN(), scale), 0);
  EXPECT_EQ(QuantizeInt8(std::numeric_limits<float>::infinity(), scale), 127);
}

TEST(Int8QuantizeTest, AmaxMapsTo127) {
  const float scale = Int8Scale(6.0f);
  EXPECT_EQ(QuantizeInt8(6.0f, scale), 127);
  EXPECT_EQ(QuantizeInt8(-6.0f, scale), -127);
  EXPECT_EQ(QuantizeInt8(63.5f, Int8Scale(127.0f)), 64);  // ties to even
  EXPECT_EQ(QuantizeInt8(62.5f, Int8Scale(127.0f)), 62);
}

TEST(Int8QuantizeTest, FakeQuantizeKeepsInt8Values) {
  std::vector<float> x = {0.3f, -0.3f, 2.0f, -9.0f};
  std::vector<int32_t> q(x.size());
  QuantizeInt8(x.data(), 4, 0.25f, q.data());
  EXPECT_EQ(q, (std::vector<int32_t>{1, -1, 8, -36}));
  FakeQuantizeInt8(x.data(), 4, 0.25f);
  EXPECT_EQ(x, (std::vector<float>{0.25f, -0.25f, 2.0f, -9.0f}));
}

}  // namespace
}  // namespace tftrt
