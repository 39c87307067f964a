// The .npy reader and writer: round trips of every supported element type, numpy str
// arrays read as UTF-8, and corrupt headers or data reported as DataLoss naming the file,
// before anything is allocated.
#include "common/npy.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

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

// complex64 / complex128 are numpy's '<c8' / '<c16': (re, im) pairs, written and read back
// bit for bit.
TEST(NpyTest, ComplexRoundTripsAsNumpysComplexTypes) {
  Tensor c64(DataType::kComplex64, {3});
  c64.flat<Complex64>()[0] = {1.5f, -2.0f};
  c64.flat<Complex64>()[2] = {-0.0f, 3.25f};
  Tensor c128(DataType::kComplex128, {1, 2});
  c128.flat<Complex128>()[1] = {1e-300, -7.0};
  for (const auto& [tensor, descr] : {std::pair{c64, "'<c8'"}, std::pair{c128, "'<c16'"}}) {
    auto bytes = SerializeNpy(tensor);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_NE(bytes->find(descr), std::string::npos) << *bytes;
    auto parsed = ParseNpy(*bytes, "z.npy");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_TRUE(testing::SameBytes(*parsed, tensor)) << parsed->ValuesString();
  }
}

// A .npy of one header dict (padded as numpy pads it) and `data`.
std::string NpyWithDict(std::string header, const std::string& data) {
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size() & 0xff) +
         static_cast<char>(header.size() >> 8) + header + data;
}

// A .npy of a C-order array.
std::string NpyWithHeader(const std::string& descr, const std::string& shape,
                          const std::string& data) {
  return NpyWithDict("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }",
                     data);
}

// The bytes of `values` as little-endian int32.
std::string Int32Bytes(const std::vector<int32_t>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
}

// np.save(np.asfortranarray(np.arange(n).reshape(shape))) writes the elements column-major;
// tftrt reads them back in row-major order: 0, 1, ..., n-1.
TEST(NpyTest, FortranOrderIsReadAsNumpyReadsIt) {
  const struct {
    std::string shape;
    Shape dims;
    std::vector<int32_t> column_major;
  } cases[] = {
      {"(2, 3)", {2, 3}, {0, 3, 1, 4, 2, 5}},
      {"(2, 3, 2)", {2, 3, 2}, {0, 6, 2, 8, 4, 10, 1, 7, 3, 9, 5, 11}},
      {"(4,)", {4}, {0, 1, 2, 3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.shape);
    auto parsed =
        ParseNpy(NpyWithDict("{'descr': '<i4', 'fortran_order': True, 'shape': " + c.shape + ", }",
                             Int32Bytes(c.column_major)),
                 "f.npy");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    Tensor expected(DataType::kInt32, c.dims);
    for (int32_t i = 0; i < static_cast<int32_t>(expected.NumElements()); ++i) {
      expected.flat<int32_t>()[i] = i;
    }
    EXPECT_TRUE(testing::TensorsMatch(*parsed, expected, 0.0));
  }
  // Fixed-width strings too: np.asfortranarray([[b'a', b'b'], [b'c', b'd']]).
  auto strings = ParseNpy(
      NpyWithDict("{'descr': '|S1', 'fortran_order': True, 'shape': (2, 2), }", "acbd"), "s.npy");
  ASSERT_TRUE(strings.ok()) << strings.status().ToString();
  ASSERT_EQ(strings->shape(), (Shape{2, 2}));
  EXPECT_EQ(strings->flat<std::string>()[1], "b");
  EXPECT_EQ(strings->flat<std::string>()[2], "c");
}

// The header is checked as numpy checks it, not searched for substrings
// (common/npy_header_test.cc has the details).
TEST(NpyTest, InvalidHeaderValuesAreDataLoss) {
  for (const std::string fortran_order : {"1", "'yes'"}) {
    auto parsed = ParseNpy(
        NpyWithDict("{'descr': '<i4', 'fortran_order': " + fortran_order + ", 'shape': (2, 3), }",
                    Int32Bytes({0, 3, 1, 4, 2, 5})),
        "bad.npy");
    ASSERT_FALSE(parsed.ok()) << fortran_order;
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss) << parsed.status().ToString();
    EXPECT_NE(parsed.status().message().find("'fortran_order' must be True or False"),
              std::string::npos)
        << parsed.status().ToString();
  }
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

// numpy's str arrays ('<U<n>', UCS-4 code points) are read as UTF-8; object arrays are
// pickled and refused with a message that says how to save strings instead.
TEST(NpyTest, StrArraysAreReadAsUtf8) {
  // np.array(["aé", "東", ""]) : '<U2', trailing NUL code points pad each element.
  const std::vector<int32_t> points = {'a', 0xE9, 0x6771, 0, 0, 0};
  auto parsed = ParseNpy(NpyWithHeader("<U2", "(3,)", Int32Bytes(points)), "s.npy");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->dtype(), DataType::kString);
  EXPECT_EQ(parsed->flat<std::string>()[0], "a\xC3\xA9");
  EXPECT_EQ(parsed->flat<std::string>()[1], "\xE6\x9D\xB1");
  EXPECT_EQ(parsed->flat<std::string>()[2], "");

  auto surrogate = ParseNpy(NpyWithHeader("<U1", "(1,)", Int32Bytes({0xD800})), "s.npy");
  EXPECT_EQ(surrogate.status().code(), StatusCode::kDataLoss);
  auto objects = ParseNpy(NpyWithHeader("|O", "(1,)", "x"), "o.npy");
  EXPECT_EQ(objects.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(objects.status().message().find("astype('S')"), std::string::npos);
}

}  // namespace
}  // namespace tftrt
