// TF-TRT's segmentation rules on graphs that TensorFlow wrote (the "segmentation" fixture of
// tests/fixtures/make_fixtures.py, one signature per rule): the converter must cut each
// into the engines the rule gives, by count and by the op types inside each engine.
//
// The expectations are TF-TRT's segmenter (segment.cc) applied by hand, in its
// explicit-batch mode: tftrt's engines are built per input shapes, so TF-TRT's
// implicit-batch restrictions (TensorRT's) do not apply.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "testing/fixtures.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

using OpCounts = std::map<std::string, int>;

std::string SegmentationModelDir() { return testing::FixturesDir() + "/segmentation/model"; }

class SegmentFixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(SegmentationModelDir())) {
      GTEST_SKIP() << SegmentationModelDir() << " is absent (tests/fixtures/make_fixtures.py)";
    }
  }

  // The summary of converting `signature` with `minimum_segment_size`.
  static ConversionSummary Convert(const std::string& signature, int minimum_segment_size = 3) {
    ConverterOptions options;
    options.input_saved_model_dir = SegmentationModelDir();
    options.input_saved_model_signature_key = signature;
    options.conversion_params.minimum_segment_size = minimum_segment_size;
    auto converter = Converter::Create(options);
    EXPECT_TRUE(converter.ok()) << converter.status().ToString();
    if (!converter.ok()) return {};
    auto function = converter->Convert();
    EXPECT_TRUE(function.ok()) << function.status().ToString();
    auto summary = converter->Summary();
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? *summary : ConversionSummary{};
  }
};

// Each engine's op counts, sorted (engine order is not part of the rules). Constants are
// left out where `with_constants` is false: how many a graph keeps depends on constant
// deduplication, which is not a segmentation rule.
std::vector<OpCounts> EngineOps(const ConversionSummary& summary, bool with_constants) {
  std::vector<OpCounts> engines;
  for (const EngineSummary& engine : summary.engines) {
    OpCounts counts = engine.op_counts;
    if (!with_constants) counts.erase("Const");
    engines.push_back(counts);
  }
  std::sort(engines.begin(), engines.end());
  return engines;
}

// The native nodes of op type `op` and the reasons they stay native.
std::vector<std::string> NativeReasons(const ConversionSummary& summary, const std::string& op) {
  std::vector<std::string> reasons;
  for (const NativeNodeSummary& node : summary.native_nodes) {
    if (node.op == op) reasons.push_back(node.reason);
  }
  return reasons;
}

// TF-TRT counts every node but Identity, Snapshot and StopGradient towards
// minimum_segment_size, constants included: each (x * c + d) pair between native Expm1s
// is a segment of four (c, d, Mul, AddV2), the trailing x * c one of two.
TEST_F(SegmentFixturesTest, ConstantsCountTowardsMinimumSegmentSize) {
  const ConversionSummary summary = Convert("weight_broadcast");
  const OpCounts pair = {{"AddV2", 1}, {"Const", 2}, {"Mul", 1}};
  EXPECT_EQ(EngineOps(summary, true), std::vector<OpCounts>(3, pair)) << FormatSummary(summary);
  const std::vector<std::string> lone_mul = NativeReasons(summary, "Mul");
  ASSERT_EQ(lone_mul.size(), 1u) << FormatSummary(summary);
  EXPECT_NE(lone_mul[0].find("segment too small: its segment has 2 effective nodes"),
            std::string::npos)
      << lone_mul[0];

  const ConversionSummary two = Convert("weight_broadcast", 2);
  std::vector<OpCounts> expected(3, pair);
  expected.push_back({{"Const", 1}, {"Mul", 1}});  // sorted after the pairs
  EXPECT_EQ(EngineOps(two, true), expected) << FormatSummary(two);
}

// TF-TRT contracts a constant's edges to every candidate reader: a * c and b * c become one
// segment of three nodes through the shared c.
TEST_F(SegmentFixturesTest, SharedConstantJoinsItsReadersSegments) {
  const ConversionSummary summary = Convert("shared_constant");
  EXPECT_EQ(EngineOps(summary, true), (std::vector<OpCounts>{{{"Const", 1}, {"Mul", 2}}}))
      << FormatSummary(summary);
}

// TF-TRT converts TopKV2 (sorted, constant k): one engine from the scaling through TopKV2 to
// the scaling of its values.
TEST_F(SegmentFixturesTest, TopKGoesIntoTheEngine) {
  const ConversionSummary summary = Convert("topk");
  EXPECT_EQ(EngineOps(summary, false),
            (std::vector<OpCounts>{{{"AddV2", 1}, {"Mul", 2}, {"TopKV2", 1}}}))
      << FormatSummary(summary);
}

// A Resize size computed from the input's shape folds when the engine is built for that
// shape: Shape, the slicing and scaling of it, and both resizes form one engine.
TEST_F(SegmentFixturesTest, ResizeToAComputedSizeGoesIntoTheEngine) {
  const ConversionSummary summary = Convert("resize");
  EXPECT_EQ(EngineOps(summary, false), (std::vector<OpCounts>{{{"Mul", 1},
                                                               {"ResizeBilinear", 1},
                                                               {"ResizeNearestNeighbor", 1},
                                                               {"Shape", 1},
                                                               {"StridedSlice", 1}}}))
      << FormatSummary(summary);
}

}  // namespace
}  // namespace tftrt
