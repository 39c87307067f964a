// The string hashes against values TensorFlow 2.20 computed:
// tf.strings.to_hash_bucket_fast / _strong(key=[123456789, 987654321]) / to_hash_bucket
// with num_buckets 2^63-1, so each expected value is the hash modulo 2^63-1. The strings
// cover every length class of farmhash (0, 1-3, 4-7, 8-16, 17-32, 33-64, over 64 bytes).
#include "kernels/cpu/string_hash.h"

#include <gtest/gtest.h>

#include <string>

namespace tftrt {
namespace {

constexpr uint64_t kBuckets = 9223372036854775807ULL;  // 2^63 - 1

// The test bytes TF hashed: byte j of string i is (7i + 13j) mod 256, length n.
std::string Pattern(int i, int n) {
  std::string s;
  for (int j = 0; j < n; ++j) s += static_cast<char>((i * 7 + j * 13) % 256);
  return s;
}

struct Expected {
  std::string data;
  uint64_t fast, strong, legacy;
};

TEST(StringHash, MatchesTensorFlow) {
  const Expected cases[] = {
      {"", 1936946117179621456ULL, 7299653973577703873ULL, 105434511174508092ULL},
      {"a", 3694432073954588132ULL, 5991957970072777271ULL, 2996632905371535868ULL},
      {"ab", 3066228220894225695ULL, 3536874629657552418ULL, 8190890202413169699ULL},
      {"abc", 2640714258260161385ULL, 4033810391905964642ULL, 5658311696057142710ULL},
      {"abcd", 1897425971756105985ULL, 3609165061037279844ULL, 5015987189207562374ULL},
      {"hello", 3786372426573024489ULL, 1841346816425267620ULL, 5943547241907780938ULL},
      {Pattern(3, 14), 7532457248197352397ULL, 4745068479406635221ULL, 2358855043621935633ULL},
      {Pattern(4, 17), 7945239022906734553ULL, 350403380345593250ULL, 2064932204646165590ULL},
      {Pattern(6, 23), 5062117163398291913ULL, 1632240729518086181ULL, 2789512855149107394ULL},
      {Pattern(16, 53), 4622836138309340931ULL, 5478163043186258352ULL, 3803557953534059882ULL},
      {Pattern(61, 188), 5647788383530804618ULL, 5416704817506598544ULL, 6080857099037960581ULL},
  };
  for (const Expected& c : cases) {
    SCOPED_TRACE("length " + std::to_string(c.data.size()));
    EXPECT_EQ(Fingerprint64(c.data) % kBuckets, c.fast);
    EXPECT_EQ(SipHash24(123456789, 987654321, c.data) % kBuckets, c.strong);
    EXPECT_EQ(LegacyHash64(c.data) % kBuckets, c.legacy);
  }
}

}  // namespace
}  // namespace tftrt
