#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "common/mem_env.h"
#include "savedmodel/coding.h"
#include "savedmodel/crc32c.h"
#include "savedmodel/sstable_builder.h"
#include "savedmodel/sstable_format.h"
#include "savedmodel/sstable_reader.h"

namespace tftrt {
namespace {

// Builds a table from `entries` in MemEnv at `path` and returns the file bytes.
std::string Build(MemEnv* env, const std::string& path,
                  const std::map<std::string, std::string>& entries,
                  SSTableBuilder::Options options = {}) {
  auto file = env->NewWritableFile(path).value();
  SSTableBuilder builder(file.get(), options);
  for (const auto& [key, value] : entries) EXPECT_TRUE(builder.Add(key, value).ok());
  EXPECT_TRUE(builder.Finish().ok());
  EXPECT_TRUE(file->Close().ok());
  EXPECT_EQ(builder.num_entries(), entries.size());
  std::string contents = env->ReadFileToString(path).value();
  EXPECT_EQ(builder.file_size(), contents.size());
  return contents;
}

void ExpectEntries(const SSTableReader& reader, const std::map<std::string, std::string>& entries) {
  ASSERT_EQ(reader.entries().size(), entries.size());
  size_t i = 0;
  for (const auto& [key, value] : entries) {
    EXPECT_EQ(reader.entries()[i].first, key);
    EXPECT_EQ(reader.entries()[i].second, value);
    const std::string* found = reader.Find(key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value);
    ++i;
  }
}

// Data blocks of a table, from its index block (a reader-independent walk for the tests).
std::vector<sstable::BlockHandle> DataBlocks(const std::string& file) {
  std::string_view footer(file.data() + file.size() - sstable::kFooterLength, 40);
  sstable::BlockHandle metaindex, index;
  EXPECT_TRUE(sstable::DecodeBlockHandle(&footer, &metaindex));
  EXPECT_TRUE(sstable::DecodeBlockHandle(&footer, &index));
  std::string_view block(file.data() + index.offset, index.size);
  const uint32_t num_restarts = DecodeFixed32(block.data() + block.size() - 4);
  std::string_view entries = block.substr(0, block.size() - 4 - 4 * num_restarts);
  std::vector<sstable::BlockHandle> handles;
  while (!entries.empty()) {
    uint32_t shared = 0, non_shared = 0, value_length = 0;
    if (!GetVarint32(&entries, &shared) || !GetVarint32(&entries, &non_shared) ||
        !GetVarint32(&entries, &value_length)) {
      ADD_FAILURE() << "truncated index entry";
      break;
    }
    entries.remove_prefix(non_shared);
    std::string_view value = entries.substr(0, value_length);
    sstable::BlockHandle handle;
    EXPECT_TRUE(sstable::DecodeBlockHandle(&value, &handle));
    handles.push_back(handle);
    entries.remove_prefix(value_length);
  }
  return handles;
}

TEST(SSTableTest, EmptyTable) {
  MemEnv env;
  const std::string file = Build(&env, "t", {});
  // Empty data: an empty metaindex block (8 bytes + trailer), an empty index block, footer.
  EXPECT_EQ(file.size(), 13u + 13u + 48u);
  EXPECT_EQ(file.substr(0, 8), std::string("\0\0\0\0\1\0\0\0", 8));
  auto reader = SSTableReader::Open(&env, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->entries().empty());
  EXPECT_EQ((*reader)->Find(""), nullptr);
}

TEST(SSTableTest, RoundTripManyKeysAcrossBlocks) {
  MemEnv env;
  std::map<std::string, std::string> entries = {{"", "header"}};
  for (int i = 0; i < 5000; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "layer_%05d/kernel", i);
    entries[key] = std::string(static_cast<size_t>(i % 300), static_cast<char>('a' + i % 26));
  }
  entries[std::string("\xff\xff", 2)] = "high bytes sort last";
  SSTableBuilder::Options options;
  options.block_size = 4096;  // many blocks
  const std::string file = Build(&env, "t", entries, options);
  EXPECT_GT(DataBlocks(file).size(), 50u);
  auto reader = SSTableReader::Open(&env, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ExpectEntries(**reader, entries);
  EXPECT_EQ((*reader)->Find("layer_00001"), nullptr);
  EXPECT_EQ((*reader)->Find("zzz"), nullptr);
}

TEST(SSTableTest, DefaultBlockSizeAndRestartInterval) {
  MemEnv env;
  std::map<std::string, std::string> entries;
  // ~1 MiB of values: four or five 256 KiB blocks.
  for (int i = 0; i < 1024; ++i) entries["k" + std::to_string(100000 + i)] = std::string(1000, 'v');
  const std::string file = Build(&env, "t", entries);
  const auto blocks = DataBlocks(file);
  ASSERT_GE(blocks.size(), 4u);
  EXPECT_GE(blocks[0].size, 256u * 1024);
  EXPECT_LT(blocks[0].size, 256u * 1024 + 1100);
  // 262 entries in the first block -> restart every 16 keys.
  const std::string_view block(file.data() + blocks[0].offset, blocks[0].size);
  const uint32_t restarts = DecodeFixed32(block.data() + block.size() - 4);
  EXPECT_EQ(restarts, (262 + 15) / 16);
  EXPECT_EQ(static_cast<uint8_t>(file[blocks[0].offset + blocks[0].size]), 0);  // uncompressed
  ExpectEntries(*SSTableReader::Open(&env, "t").value(), entries);
}

TEST(SSTableTest, KeysAtBlockBoundaries) {
  MemEnv env;
  // Every block holds exactly one entry: the separator logic runs for every pair of keys,
  // including keys that are prefixes of each other and keys ending in 0xff.
  std::map<std::string, std::string> entries;
  for (const char* key : {"a", "ab", "abc", "abd", "b", "b\xff", "b\xff\xff", "c", "ca", "d"}) {
    entries[key] = std::string(64, 'x');
  }
  SSTableBuilder::Options options;
  options.block_size = 1;
  const std::string file = Build(&env, "t", entries, options);
  EXPECT_EQ(DataBlocks(file).size(), entries.size());
  ExpectEntries(*SSTableReader::Open(&env, "t").value(), entries);
}

TEST(SSTableTest, SnappyCompressedBlocks) {
  MemEnv env;
  std::map<std::string, std::string> entries;
  for (int i = 0; i < 2000; ++i) {
    entries["variables/" + std::to_string(i) + "/.ATTRIBUTES/VARIABLE_VALUE"] =
        std::string(40, static_cast<char>('A' + i % 3));
  }
  SSTableBuilder::Options options;
  options.block_size = 8192;
  options.snappy_compression = true;
  const std::string file = Build(&env, "t", entries, options);
  int snappy_blocks = 0;
  for (const auto& handle : DataBlocks(file)) {
    snappy_blocks += static_cast<uint8_t>(file[handle.offset + handle.size]) == 1;
  }
  EXPECT_GT(snappy_blocks, 0);
  ExpectEntries(*SSTableReader::Open(&env, "t").value(), entries);
}

TEST(SSTableTest, RejectsUnorderedKeys) {
  MemEnv env;
  auto file = env.NewWritableFile("t").value();
  SSTableBuilder builder(file.get());
  ASSERT_TRUE(builder.Add("b", "1").ok());
  Status status = builder.Add("a", "2");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'a' after 'b'"), std::string::npos);
  EXPECT_FALSE(builder.Add("b", "3").ok());  // duplicates too
}

class SSTableCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 100; ++i) entries_["key" + std::to_string(1000 + i)] = "value";
    file_ = Build(&env_, "t.index", entries_);
  }
  Status Open() { return SSTableReader::Open(&env_, "t.index").status(); }
  void ExpectDataLoss(const std::string& what) {
    Status status = Open();
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
    EXPECT_NE(status.message().find("t.index"), std::string::npos) << status.ToString();
    EXPECT_NE(status.message().find(what), std::string::npos) << status.ToString();
  }

  MemEnv env_;
  std::map<std::string, std::string> entries_;
  std::string file_;
};

TEST_F(SSTableCorruptionTest, BadMagic) {
  ASSERT_TRUE(env_.CorruptByte("t.index", file_.size() - 1).ok());
  ExpectDataLoss("bad magic");
}

TEST_F(SSTableCorruptionTest, TruncatedToNothing) {
  ASSERT_TRUE(env_.Truncate("t.index", 10).ok());
  ExpectDataLoss("too short");
}

TEST_F(SSTableCorruptionTest, TruncatedIndex) {
  // Dropping the start of the file keeps the footer but moves every block.
  ASSERT_TRUE(
      env_.WriteStringToFile("t.index", file_.substr(0, 20) + file_.substr(file_.size() - 48))
          .ok());
  ExpectDataLoss("past the end");
}

TEST_F(SSTableCorruptionTest, FlippedDataByte) {
  ASSERT_TRUE(env_.CorruptByte("t.index", 30).ok());
  ExpectDataLoss("checksum mismatch in data block 0");
}

TEST_F(SSTableCorruptionTest, FlippedIndexByte) {
  ASSERT_TRUE(env_.CorruptByte("t.index", file_.size() - 48 - 6).ok());
  ExpectDataLoss("checksum mismatch in index block");
}

TEST_F(SSTableCorruptionTest, BadBlockType) {
  // Rewrite the data block's trailer with type 7 and a matching checksum.
  const auto handle = DataBlocks(file_)[0];
  std::string bad = file_;
  bad[handle.offset + handle.size] = 7;
  const uint32_t crc = crc32c::Mask(crc32c::Value(bad.data() + handle.offset, handle.size + 1));
  std::string trailer;
  PutFixed32(&trailer, crc);
  bad.replace(handle.offset + handle.size + 1, 4, trailer);
  ASSERT_TRUE(env_.WriteStringToFile("t.index", bad).ok());
  ExpectDataLoss("bad block type 7");
}

TEST(SSTableReaderTest, MissingFile) {
  MemEnv env;
  Status status = SSTableReader::Open(&env, "nope.index").status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("nope.index"), std::string::npos);
}

}  // namespace
}  // namespace tftrt
