// Text models keep their string and lookup-table ops native: converting the text fixtures
// (tests/fixtures/deployed_text.py) builds engines only of numeric ops, and every string or
// table node stays native with a typed reason (no converter for the op, or a string /
// resource tensor that engines do not take).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "testing/fixtures.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kStringAndTableOps = {"StringLower",
                                                  "StringUpper",
                                                  "StaticRegexReplace",
                                                  "RegexReplace",
                                                  "StringSplitV2",
                                                  "StringStrip",
                                                  "StringJoin",
                                                  "StringToHashBucketFast",
                                                  "StringToHashBucketStrong",
                                                  "StringToHashBucket",
                                                  "RaggedTensorToTensor",
                                                  "HashTableV2",
                                                  "MutableHashTableV2",
                                                  "LookupTableFindV2",
                                                  "LookupTableSizeV2",
                                                  "LookupTableImportV2"};

class TextSegments : public ::testing::TestWithParam<std::string> {};

TEST_P(TextSegments, StringAndTableOpsStayNative) {
  const std::string model_dir = testing::FixturesDir() + "/" + GetParam() + "/model";
  if (!fs::is_directory(model_dir)) {
    GTEST_SKIP() << model_dir << " is absent (tests/fixtures/make_fixtures.py)";
  }
  ConverterOptions options;
  options.input_saved_model_dir = model_dir;
  options.conversion_params.minimum_segment_size = 1;
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  ASSERT_TRUE(converter->Convert().ok());
  auto summary = converter->Summary();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();

  for (const EngineSummary& engine : summary->engines) {
    for (const auto& [op, count] : engine.op_counts) {
      EXPECT_FALSE(kStringAndTableOps.contains(op)) << engine.name << " holds " << op;
    }
  }
  int string_nodes = 0;
  for (const NativeNodeSummary& node : summary->native_nodes) {
    if (!kStringAndTableOps.contains(node.op)) continue;
    ++string_nodes;
    EXPECT_TRUE(node.reason.starts_with("unsupported op:") ||
                node.reason.starts_with("unsupported dtype:"))
        << node.node << ": " << node.reason;
  }
  EXPECT_GT(string_nodes, 0);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TextSegments,
                         ::testing::Values("text_classifier", "text_lookup"));

}  // namespace
}  // namespace tftrt
