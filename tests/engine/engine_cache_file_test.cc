// The engine cache asset file: a container of engine blobs, least recently used first.
#include "engine/engine_cache_file.h"

#include <gtest/gtest.h>

#include "savedmodel/coding.h"

namespace tftrt {
namespace {

// Blobs of different sizes, one empty, with bytes a parser could mistake for lengths.
std::vector<std::string> SomeBlobs() {
  return {"first blob", "", std::string(1000, '\xff'), std::string("\0\0\0\0\0\0\0\0", 8)};
}

TEST(EngineCacheFileTest, RoundTripKeepsBlobsInOrder) {
  for (const std::vector<std::string>& blobs :
       {SomeBlobs(), std::vector<std::string>{}, std::vector<std::string>{"only"}}) {
    auto parsed = ParseEngineCacheFile(SerializeEngineCacheFile(blobs));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, blobs);
  }
}

TEST(EngineCacheFileTest, EveryTruncationIsDataLoss) {
  const std::string contents = SerializeEngineCacheFile(SomeBlobs());
  for (size_t size = 0; size < contents.size(); ++size) {
    auto parsed = ParseEngineCacheFile(std::string_view(contents).substr(0, size));
    ASSERT_FALSE(parsed.ok()) << "prefix of " << size << " bytes";
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss) << "prefix of " << size << " bytes";
  }
}

TEST(EngineCacheFileTest, MalformedContainersAreDataLoss) {
  const std::string contents = SerializeEngineCacheFile(SomeBlobs());
  std::string bad_magic = contents;
  bad_magic[3] = '?';
  std::string other_version = contents;
  other_version[8] = 2;
  std::string trailing = contents + "!";
  std::string huge_length = contents;
  std::string length;
  PutFixed64(&length, uint64_t{1} << 62);
  huge_length.replace(16, 8, length);  // the first blob's length
  for (const std::string& bad : {bad_magic, other_version, trailing, huge_length}) {
    auto parsed = ParseEngineCacheFile(bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss) << parsed.status().ToString();
  }
}

}  // namespace
}  // namespace tftrt
