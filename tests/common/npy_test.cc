// The .npy reader and writer: round trips of every supported element type, and corrupt
// headers or data reported as DataLoss naming the file, before anything is allocated.
#include "common/npy.h"

#include <gtest/gtest.h>

#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

TEST(NpyTest, RoundTrips) {
  Tensor floats(DataType::kFloat, {2, 3});
  for (int i = 0; i < 6; ++i) floats.flat<float>()[i] = 0.5f * i - 1;
  Tensor strings(DataType::kString, {3});
  strings.flat<std::string>()[0] = "a";
  strings.flat<std::string>()[2] = "longer";
  for (const Tensor& tensor : {floats, strings, Tensor::Scalar<int64_t>(-7)}) {
    auto bytes = SerializeNpy(tensor);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    auto parsed = ParseNpy(*bytes, "x.npy");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_TRUE(testing::TensorsMatch(*parsed, tensor, 0.0));
  }
}

// A .npy of one header (padded as numpy pads it) and `data`.
std::string NpyWithHeader(const std::string& descr, const std::string& shape,
                          const std::string& data) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size() & 0xff) +
         static_cast<char>(header.size() >> 8) + header + data;
}

TEST(NpyTest, DataShorterThanTheShapeIsDataLoss) {
  const struct {
    std::string descr, shape;
  } cases[] = {
      {"<f4", "(2, 3)"},                // 24 bytes wanted, 8 given
      {"<f4", "(1000000000000000,)"},   // petabytes: never allocated
      {"|S16", "(1000000000000000,)"},  // strings as well
  };
  for (const auto& c : cases) {
    auto parsed = ParseNpy(NpyWithHeader(c.descr, c.shape, std::string(8, '\0')), "bad.npy");
    ASSERT_FALSE(parsed.ok()) << c.shape;
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss) << parsed.status().ToString();
    EXPECT_NE(parsed.status().message().find("bad.npy: .npy data is truncated"), std::string::npos)
        << parsed.status().ToString();
  }
}

// Found by fuzz/npy_fuzzer: with a zero dimension the byte count is 0, but the element
// count overflowed on the way there (undefined behaviour in NumElements).
TEST(NpyTest, ShapeWhoseElementCountOverflowsIsDataLoss) {
  for (const std::string shape :
       {"(4294967296, 4294967296, 4294967296)", "(800000000153666, 6682505, 0)"}) {
    auto parsed = ParseNpy(NpyWithHeader("|S2", shape, "ab"), "bad.npy");
    ASSERT_FALSE(parsed.ok()) << shape;
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss) << parsed.status().ToString();
    EXPECT_NE(parsed.status().message().find("more elements than fit in 64 bits"),
              std::string::npos)
        << parsed.status().ToString();
  }
}

}  // namespace
}  // namespace tftrt
