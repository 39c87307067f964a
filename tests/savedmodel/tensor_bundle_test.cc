#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "common/mem_env.h"
#include "savedmodel/sstable_builder.h"
#include "savedmodel/tensor_bundle_format.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "savedmodel/tensor_bundle_writer.h"
#include "savedmodel/tensor_proto.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::SameBytes;

std::vector<std::pair<std::string, Tensor>> EveryDtype() {
  std::vector<std::pair<std::string, Tensor>> tensors;
  tensors.emplace_back("float", Tensor::FromVector<float>({1.5f, -2, NAN, INFINITY, 0, 7}, {2, 3}));
  tensors.emplace_back("double", Tensor::FromVector<double>({1e300, -0.0}));
  tensors.emplace_back("int32", Tensor::FromVector<int32_t>({-1, 2, 3}, {3, 1}));
  tensors.emplace_back("uint8", Tensor::FromVector<uint8_t>({0, 255}));
  tensors.emplace_back("int16", Tensor::FromVector<int16_t>({-32768, 32767}));
  tensors.emplace_back("int8", Tensor::FromVector<int8_t>({-128, 127}));
  tensors.emplace_back("int64", Tensor::FromVector<int64_t>({1ll << 62, -5}));
  tensors.emplace_back("bool", Tensor::FromVector<bool>({true, false, true}));
  tensors.emplace_back("uint16", Tensor::FromVector<uint16_t>({65535, 1}));
  tensors.emplace_back("uint32", Tensor::Scalar<uint32_t>(4000000000u));
  tensors.emplace_back("uint64", Tensor::Scalar<uint64_t>(~0ull));
  tensors.emplace_back("half", Tensor::FromVector<Half>({FloatToHalf(1.5f), FloatToHalf(-65504)}));
  tensors.emplace_back("bfloat16", Tensor::Scalar<BFloat16>(FloatToBFloat16(3.25f)));
  tensors.emplace_back("complex64", Tensor::FromVector<Complex64>({{1, 2}, {3, 4}}));
  tensors.emplace_back("complex128", Tensor::FromVector<Complex128>({{1, 2}}));
  tensors.emplace_back("string",
                       Tensor::FromVector<std::string>(
                           {"", "abc", std::string("\0\xff", 2), std::string(300, 's')}, {2, 2}));
  tensors.emplace_back("string_scalar", Tensor::Scalar<std::string>("serialized proto"));
  tensors.emplace_back("empty_float", Tensor(DataType::kFloat, {0, 4}));
  tensors.emplace_back("empty_string", Tensor(DataType::kString, {0}));
  tensors.emplace_back("a/.ATTRIBUTES/VARIABLE_VALUE", Tensor::Scalar<float>(0.5f));
  return tensors;
}

TEST(TensorBundleTest, RoundTripEveryDtype) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDir("model/variables").ok());
  const auto tensors = EveryDtype();
  ASSERT_TRUE(WriteTensorBundle(&env, "model/variables/variables", tensors).ok());
  EXPECT_TRUE(env.FileExists("model/variables/variables.index"));
  EXPECT_TRUE(env.FileExists("model/variables/variables.data-00000-of-00001"));

  auto reader_or = TensorBundleReader::Open(&env, "model/variables/variables");
  ASSERT_TRUE(reader_or.ok()) << reader_or.status().ToString();
  const TensorBundleReader& reader = **reader_or;
  EXPECT_EQ(reader.header().num_shards(), 1);
  EXPECT_EQ(reader.header().version().producer(), 1);
  for (const auto& [key, tensor] : tensors) {
    auto read = reader.Read(key);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE(SameBytes(*read, tensor)) << key << ": " << read->ValuesString();
  }
  EXPECT_TRUE(reader.VerifyAll().ok());

  const auto list = reader.List();
  ASSERT_EQ(list.size(), tensors.size());
  for (size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1].key, list[i].key);
  for (const auto& info : list) {
    if (info.key != "float") continue;
    EXPECT_EQ(info.dtype, 1);
    EXPECT_EQ(info.dtype_name, "DT_FLOAT");
    EXPECT_EQ(info.shape, (Shape{2, 3}));
    EXPECT_EQ(info.size_bytes, 24);
    EXPECT_EQ(info.offset, 0);  // first added, first in the data file
    EXPECT_FALSE(info.sliced);
  }
  auto missing = reader.Read("nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  EXPECT_NE(missing.status().message().find("variables.index"), std::string::npos);
}

TEST(TensorBundleTest, StringLayoutMatchesTensorFlow) {
  // The hp2 object-graph entry from the reference: a 613-byte string is stored as varint
  // e5 04, then the masked crc of the 4-byte length, then the bytes.
  std::string out;
  uint32_t crc;
  const std::string s(613, 'x');
  bundle::EncodeStringTensor(&s, 1, &out, &crc);
  ASSERT_EQ(out.size(), 2u + 4u + 613u);
  EXPECT_EQ(out.substr(0, 2), "\xe5\x04");
  std::string decoded;
  uint32_t decoded_crc;
  ASSERT_TRUE(bundle::DecodeStringTensor(out, 1, &decoded, &decoded_crc, "t").ok());
  EXPECT_EQ(decoded, s);
  EXPECT_EQ(decoded_crc, crc);
  EXPECT_EQ(bundle::DataPath("v/variables", 3, 12), "v/variables.data-00003-of-00012");
}

TEST(TensorBundleTest, WriterRejectsBadInput) {
  MemEnv env;
  auto writer = TensorBundleWriter::Create(&env, "b").value();
  EXPECT_TRUE(writer->Add("x", Tensor::Scalar<float>(1)).ok());
  EXPECT_EQ(writer->Add("x", Tensor::Scalar<float>(2)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Add("", Tensor::Scalar<float>(2)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Add("r", Tensor(DataType::kResource, {})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Add("e", Tensor()).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(writer->Finish().ok());
  EXPECT_FALSE(TensorBundleWriter::Create(&env, "no/dir/b").ok());
}

class TensorBundleCorruptionTest : public ::testing::Test {
 protected:
  static constexpr char kPrefix[] = "v/variables";
  static constexpr char kIndex[] = "v/variables.index";
  static constexpr char kData[] = "v/variables.data-00000-of-00001";

  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir("v").ok());
    ASSERT_TRUE(WriteTensorBundle(&env_, kPrefix,
                                  {{"w", Tensor::FromVector<float>({1, 2, 3, 4})},
                                   {"s", Tensor::FromVector<std::string>({"hello", "world"})},
                                   {"b", Tensor::Scalar<float>(7)}})
                    .ok());
  }
  // Fails the test unless opening the bundle and reading `key` fails with `code` and a
  // message containing each of `parts`.
  void ExpectReadError(const std::string& key, StatusCode code,
                       const std::vector<std::string>& parts) {
    Status status;
    auto reader = TensorBundleReader::Open(&env_, kPrefix);
    status = reader.ok() ? (*reader)->Read(key).status() : reader.status();
    EXPECT_EQ(status.code(), code) << status.ToString();
    for (const auto& part : parts) {
      EXPECT_NE(status.message().find(part), std::string::npos)
          << "'" << part << "' not in: " << status.ToString();
    }
  }
  // Rewrites the index with `entries` (header first).
  void WriteIndex(
      const tensorflow::BundleHeaderProto& header,
      const std::vector<std::pair<std::string, tensorflow::BundleEntryProto>>& entries) {
    auto file = env_.NewWritableFile(kIndex).value();
    SSTableBuilder builder(file.get());
    ASSERT_TRUE(builder.Add("", header.SerializeAsString()).ok());
    for (const auto& [key, entry] : entries) {
      ASSERT_TRUE(builder.Add(key, entry.SerializeAsString()).ok());
    }
    ASSERT_TRUE(builder.Finish().ok());
  }
  tensorflow::BundleEntryProto Entry(const std::string& key) {
    auto reader = TensorBundleReader::Open(&env_, kPrefix).value();
    return *reader->GetEntry(key).value();
  }
  tensorflow::BundleHeaderProto Header() {
    return TensorBundleReader::Open(&env_, kPrefix).value()->header();
  }

  MemEnv env_;
};

TEST_F(TensorBundleCorruptionTest, FlippedNumericByteNamesTheKey) {
  ASSERT_TRUE(env_.CorruptByte(kData, 5).ok());  // inside "w" (offset 0, 16 bytes)
  ExpectReadError("w", StatusCode::kDataLoss, {"checksum mismatch", "'w'", kData});
  ExpectReadError("b", StatusCode::kOk, {});  // the others still read
  auto reader = TensorBundleReader::Open(&env_, kPrefix).value();
  EXPECT_EQ(reader->VerifyAll().code(), StatusCode::kDataLoss);
}

TEST_F(TensorBundleCorruptionTest, FlippedStringByteNamesTheKey) {
  const auto entry = Entry("s");
  ASSERT_TRUE(env_.CorruptByte(kData, entry.offset() + entry.size() - 1).ok());  // a char
  ExpectReadError("s", StatusCode::kDataLoss, {"checksum mismatch", "'s'"});
  ASSERT_TRUE(env_.CorruptByte(kData, entry.offset() + entry.size() - 1).ok());  // undo
  ASSERT_TRUE(env_.CorruptByte(kData, entry.offset() + 3).ok());  // the length checksum
  ExpectReadError("s", StatusCode::kDataLoss, {"string lengths", "'s'"});
  ASSERT_TRUE(env_.CorruptByte(kData, entry.offset() + 3).ok());
  ASSERT_TRUE(env_.CorruptByte(kData, entry.offset(), 0x02).ok());  // a length
  ExpectReadError("s", StatusCode::kDataLoss, {"'s'"});
}

TEST_F(TensorBundleCorruptionTest, TruncatedShard) {
  ASSERT_TRUE(env_.Truncate(kData, 10).ok());
  ExpectReadError("s", StatusCode::kDataLoss, {"past the end", "'s'", kData});
  ExpectReadError("w", StatusCode::kDataLoss, {"past the end", "'w'"});
}

TEST_F(TensorBundleCorruptionTest, MissingShard) {
  ASSERT_TRUE(env_.DeleteFile(kData).ok());
  ExpectReadError("w", StatusCode::kDataLoss, {"missing", kData});
}

TEST_F(TensorBundleCorruptionTest, MissingIndex) {
  ASSERT_TRUE(env_.DeleteFile(kIndex).ok());
  ExpectReadError("w", StatusCode::kNotFound, {kIndex});
}

TEST_F(TensorBundleCorruptionTest, BadMagic) {
  const uint64_t size = env_.GetFileSize(kIndex).value();
  ASSERT_TRUE(env_.CorruptByte(kIndex, size - 3).ok());
  ExpectReadError("w", StatusCode::kDataLoss, {"bad magic", kIndex});
}

TEST_F(TensorBundleCorruptionTest, TruncatedIndex) {
  const uint64_t size = env_.GetFileSize(kIndex).value();
  ASSERT_TRUE(env_.Truncate(kIndex, size - 20).ok());
  ExpectReadError("w", StatusCode::kDataLoss, {kIndex});
}

TEST_F(TensorBundleCorruptionTest, FlippedIndexByte) {
  ASSERT_TRUE(env_.CorruptByte(kIndex, 12).ok());
  ExpectReadError("w", StatusCode::kDataLoss, {"checksum mismatch", kIndex});
}

TEST_F(TensorBundleCorruptionTest, EntryPastEndOfShard) {
  auto header = Header();
  auto entry = Entry("w");
  entry.set_offset(1000);
  WriteIndex(header, {{"w", entry}});
  ExpectReadError("w", StatusCode::kDataLoss, {"past the end", "'w'", kData});
}

TEST_F(TensorBundleCorruptionTest, EntrySizeDisagreesWithShape) {
  auto entry = Entry("w");
  entry.set_size(12);
  WriteIndex(Header(), {{"w", entry}});
  ExpectReadError("w", StatusCode::kDataLoss, {"'w'", "12 bytes"});
}

TEST_F(TensorBundleCorruptionTest, UnparsableEntry) {
  const auto header = Header();
  auto file = env_.NewWritableFile(kIndex).value();
  SSTableBuilder builder(file.get());
  ASSERT_TRUE(builder.Add("", header.SerializeAsString()).ok());
  ASSERT_TRUE(builder.Add("w", "\xff\xff\xff").ok());
  ASSERT_TRUE(builder.Finish().ok());
  ExpectReadError("w", StatusCode::kDataLoss, {"'w'", "cannot be parsed"});
}

TEST_F(TensorBundleCorruptionTest, NoHeader) {
  const auto entry = Entry("w");
  auto file = env_.NewWritableFile(kIndex).value();
  SSTableBuilder builder(file.get());
  ASSERT_TRUE(builder.Add("w", entry.SerializeAsString()).ok());
  ASSERT_TRUE(builder.Finish().ok());
  ExpectReadError("w", StatusCode::kDataLoss, {"no header"});
}

TEST_F(TensorBundleCorruptionTest, SlicedEntryIsUnimplemented) {
  auto entry = Entry("w");
  entry.add_slices()->add_extent()->set_start(0);
  WriteIndex(Header(), {{"w", entry}});
  ExpectReadError("w", StatusCode::kUnimplemented, {"'w'", "slices"});
  auto reader = TensorBundleReader::Open(&env_, kPrefix).value();
  EXPECT_TRUE(reader->List()[0].sliced);
}

TEST_F(TensorBundleCorruptionTest, BigEndianIsUnimplemented) {
  auto header = Header();
  header.set_endianness(tensorflow::BundleHeaderProto::BIG);
  WriteIndex(header, {{"w", Entry("w")}});
  ExpectReadError("w", StatusCode::kUnimplemented, {"big-endian", kIndex});
}

TEST_F(TensorBundleCorruptionTest, NewerVersionIsUnimplemented) {
  auto header = Header();
  header.mutable_version()->set_min_consumer(2);
  WriteIndex(header, {{"w", Entry("w")}});
  ExpectReadError("w", StatusCode::kUnimplemented, {kIndex});
}

TEST_F(TensorBundleCorruptionTest, UnsupportedDtype) {
  auto entry = Entry("w");
  entry.set_dtype(tensorflow::DT_QINT8);
  WriteIndex(Header(), {{"w", entry}});
  ExpectReadError("w", StatusCode::kInvalidArgument, {"'w'", "DT_QINT8"});
  auto reader = TensorBundleReader::Open(&env_, kPrefix).value();
  EXPECT_EQ(reader->List()[0].dtype_name, "DT_QINT8");  // listing still works
}

TEST_F(TensorBundleCorruptionTest, ShardIdOutOfRange) {
  auto entry = Entry("w");
  entry.set_shard_id(3);
  WriteIndex(Header(), {{"w", entry}});
  ExpectReadError("w", StatusCode::kDataLoss, {"'w'", "shard 3"});
}

}  // namespace
}  // namespace tftrt
