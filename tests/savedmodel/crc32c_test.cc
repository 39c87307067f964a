#include "savedmodel/crc32c.h"

#include <gtest/gtest.h>

#include <string>

#include "savedmodel/coding.h"

namespace tftrt {
namespace {

TEST(Crc32cTest, CheckValue) {
  EXPECT_EQ(crc32c::Value("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c::Value(""), 0u);
}

// Vectors from RFC 3720 (iSCSI), B.4, as leveldb's crc32c_test uses.
TEST(Crc32cTest, StandardVectors) {
  std::string buf(32, '\0');
  EXPECT_EQ(crc32c::Value(buf), 0x8a9136aau);
  buf.assign(32, '\xff');
  EXPECT_EQ(crc32c::Value(buf), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(buf), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(31 - i);
  EXPECT_EQ(crc32c::Value(buf), 0x113fdb5cu);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
  const uint32_t whole = crc32c::Value(data);
  for (size_t split : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
    const uint32_t part = crc32c::Value(data.data(), split);
    EXPECT_EQ(crc32c::Extend(part, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32cTest, Mask) {
  const uint32_t crc = crc32c::Value("foo");
  EXPECT_NE(crc, crc32c::Mask(crc));
  EXPECT_NE(crc, crc32c::Mask(crc32c::Mask(crc)));
  EXPECT_EQ(crc, crc32c::Unmask(crc32c::Mask(crc)));
  EXPECT_EQ(crc, crc32c::Unmask(crc32c::Unmask(crc32c::Mask(crc32c::Mask(crc)))));
  // From the reference's hp2 example: 4 bytes of float 0.5 have masked crc 0x1f273806.
  const float half = 0.5f;
  EXPECT_EQ(crc32c::Mask(crc32c::Value(reinterpret_cast<const char*>(&half), 4)), 0x1f273806u);
}

TEST(CodingTest, VarintsRoundTrip) {
  std::string s;
  const uint64_t values[] = {0, 1, 127, 128, 300, 1ull << 32, ~0ull};
  for (uint64_t v : values) PutVarint64(&s, v);
  std::string_view in = s;
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(VarintLength(~0ull), 10);
  EXPECT_EQ(VarintLength(127), 1);

  std::string_view truncated("\x80\x80", 2);
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&truncated, &v));
  std::string big;
  PutVarint64(&big, 1ull << 32);
  std::string_view big_view = big;
  uint32_t v32;
  EXPECT_FALSE(GetVarint32(&big_view, &v32));
  std::string_view overlong("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10);
  EXPECT_FALSE(GetVarint64(&overlong, &v));
}

TEST(CodingTest, Fixed) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0xdb4775248b80fb57ull);
  EXPECT_EQ(s.substr(0, 4), std::string("\x01\x02\x03\x04"));
  EXPECT_EQ(s.substr(4), std::string("\x57\xfb\x80\x8b\x24\x75\x47\xdb"));
  EXPECT_EQ(DecodeFixed32(s.data()), 0x04030201u);
  EXPECT_EQ(DecodeFixed64(s.data() + 4), 0xdb4775248b80fb57ull);
}

}  // namespace
}  // namespace tftrt
