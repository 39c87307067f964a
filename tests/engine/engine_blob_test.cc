// The serialized engine blob: round trip, and every way a blob can fail to fit (bad magic,
// truncation, damage, another format version or target) is a clear error, never a network.
#include "engine/engine_blob.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "savedmodel/coding.h"
#include "savedmodel/crc32c.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::ConvAttrs;
using testing::RandomTensor;

constexpr std::string_view kTarget = "cpu";

EngineNetwork ConvNetwork() {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 5, 5, 2});
  Node* filter = AddConstNode(graph, "filter", RandomTensor({3, 3, 2, 4}, 91));
  Node* bias = AddConstNode(graph, "bias", RandomTensor({4}, 92));
  Node* conv = AddFloatOp(graph, "conv", "Conv2D", {{x, 0}, {filter, 0}}, ConvAttrs());
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{conv, 0}, {bias, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  AddRet(graph, "y", {relu, 0});
  auto network = BuildNetwork(graph, {{DataType::kFloat, {1, 5, 5, 2}, nullptr}}, {});
  EXPECT_TRUE(network.ok()) << network.status().ToString();
  return network.ok() ? *network : EngineNetwork();
}

// Offset of the payload length in a blob for target `target`.
size_t PayloadLengthOffset(std::string_view target) { return 16 + target.size(); }

TEST(EngineBlobTest, RoundTripKeepsTheNetwork) {
  const EngineNetwork network = ConvNetwork();
  ASSERT_GT(network.layer_size(), 0);
  const std::string blob = SerializeEngine(network, kTarget);
  auto loaded = DeserializeEngine(blob, testing::TargetOnlyBackend(std::string(kTarget)));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*loaded, network));
  // The loaded network runs.
  EXPECT_TRUE(CpuEngine::Create(*loaded).ok());
}

TEST(EngineBlobTest, HeaderLayoutIsAsDocumented) {
  const std::string blob = SerializeEngine(ConvNetwork(), kTarget);
  EXPECT_EQ(blob.substr(0, 8), "TFTRTENG");
  EXPECT_EQ(DecodeFixed32(blob.data() + 8), kEngineFormatVersion);
  EXPECT_EQ(DecodeFixed32(blob.data() + 12), kTarget.size());
  EXPECT_EQ(blob.substr(16, kTarget.size()), kTarget);
  const uint64_t payload = DecodeFixed64(blob.data() + PayloadLengthOffset(kTarget));
  EXPECT_EQ(blob.size(), PayloadLengthOffset(kTarget) + 8 + 4 + payload);
}

TEST(EngineBlobTest, BadMagicIsDataLoss) {
  std::string blob = SerializeEngine(ConvNetwork(), kTarget);
  blob[0] = 'X';
  auto loaded = DeserializeEngine(blob, testing::TargetOnlyBackend(std::string(kTarget)));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("magic"), std::string::npos);
  EXPECT_EQ(DeserializeEngine("", testing::TargetOnlyBackend(std::string(kTarget))).status().code(),
            StatusCode::kDataLoss);
}

TEST(EngineBlobTest, EveryTruncationIsDataLoss) {
  const std::string blob = SerializeEngine(ConvNetwork(), kTarget);
  for (size_t size = 0; size < blob.size(); ++size) {
    auto loaded = DeserializeEngine(std::string_view(blob).substr(0, size),
                                    testing::TargetOnlyBackend(std::string(kTarget)));
    ASSERT_FALSE(loaded.ok()) << "prefix of " << size << " bytes";
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss) << "prefix of " << size << " bytes";
  }
}

TEST(EngineBlobTest, TrailingBytesAreDataLoss) {
  const std::string blob = SerializeEngine(ConvNetwork(), kTarget) + "x";
  EXPECT_EQ(
      DeserializeEngine(blob, testing::TargetOnlyBackend(std::string(kTarget))).status().code(),
      StatusCode::kDataLoss);
}

TEST(EngineBlobTest, FlippedPayloadByteIsDataLoss) {
  const std::string blob = SerializeEngine(ConvNetwork(), kTarget);
  const size_t payload_start = PayloadLengthOffset(kTarget) + 12;
  ASSERT_LT(payload_start, blob.size());
  // Every payload byte, with a stride that keeps the test fast.
  for (size_t offset = payload_start; offset < blob.size(); offset += 7) {
    std::string damaged = blob;
    damaged[offset] ^= 0x20;
    auto loaded = DeserializeEngine(damaged, testing::TargetOnlyBackend(std::string(kTarget)));
    ASSERT_FALSE(loaded.ok()) << "byte " << offset;
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss) << "byte " << offset;
    EXPECT_NE(loaded.status().message().find("checksum"), std::string::npos)
        << loaded.status().ToString();
  }
  // A damaged checksum is caught the same way.
  std::string damaged = blob;
  damaged[payload_start - 1] ^= 0x01;
  EXPECT_EQ(
      DeserializeEngine(damaged, testing::TargetOnlyBackend(std::string(kTarget))).status().code(),
      StatusCode::kDataLoss);
}

TEST(EngineBlobTest, OtherFormatVersionIsFailedPrecondition) {
  for (uint32_t version : {0u, kEngineFormatVersion + 1, 0xffffffffu}) {
    std::string blob = SerializeEngine(ConvNetwork(), kTarget);
    std::string encoded;
    PutFixed32(&encoded, version);
    blob.replace(8, 4, encoded);
    auto loaded = DeserializeEngine(blob, testing::TargetOnlyBackend(std::string(kTarget)));
    ASSERT_FALSE(loaded.ok()) << version;
    EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition) << version;
    EXPECT_NE(loaded.status().message().find("version"), std::string::npos);
  }
}

TEST(EngineBlobTest, OtherTargetIsFailedPrecondition) {
  const std::string blob = SerializeEngine(ConvNetwork(), "cuda:sm_90");
  EXPECT_TRUE(DeserializeEngine(blob, testing::TargetOnlyBackend(std::string("cuda:sm_90"))).ok());
  for (std::string_view expected : {"cpu", "cuda:sm_80", "cuda:sm_9", ""}) {
    auto loaded = DeserializeEngine(blob, testing::TargetOnlyBackend(std::string(expected)));
    ASSERT_FALSE(loaded.ok()) << expected;
    EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition) << expected;
    EXPECT_NE(loaded.status().message().find("cuda:sm_90"), std::string::npos);
  }
}

TEST(EngineBlobTest, UnparsablePayloadWithValidChecksumIsDataLoss) {
  // A well-formed container around bytes that are not an EngineNetwork.
  const std::string payload = "\xff\xff\xff\xff";
  std::string blob(kEngineMagic);
  PutFixed32(&blob, kEngineFormatVersion);
  PutFixed32(&blob, static_cast<uint32_t>(kTarget.size()));
  blob.append(kTarget);
  PutFixed64(&blob, payload.size());
  PutFixed32(&blob, crc32c::Mask(crc32c::Value(payload)));
  blob += payload;
  auto loaded = DeserializeEngine(blob, testing::TargetOnlyBackend(std::string(kTarget)));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tftrt
