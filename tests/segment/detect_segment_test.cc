// Where the detection ops go when a detector is converted (the ssd_detector and
// detector_crops fixtures of tests/fixtures/deployed_detect.py): CombinedNonMaxSuppression
// joins the engine of the conv head before it, as TF-TRT's NMS plugin converter took it;
// the single-class NonMaxSuppressionV3/V4/V5 and CropAndResize have no converter (in TF-TRT
// neither) and stay native with that typed reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "testing/fixtures.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

std::string ModelDir(const std::string& fixture) {
  return testing::FixturesDir() + "/" + fixture + "/model";
}

// The summary of converting one signature of the fixture (cpu engines, FP32).
StatusOr<ConversionSummary> ConvertFixture(const std::string& fixture,
                                           const std::string& signature = "serving_default") {
  ConverterOptions options;
  options.input_saved_model_dir = ModelDir(fixture);
  options.input_saved_model_signature_key = signature;
  TFTRT_ASSIGN_OR_RETURN(Converter converter, Converter::Create(options));
  TFTRT_RETURN_IF_ERROR(converter.Convert().status());
  return converter.Summary();
}

TEST(DetectSegmentTest, CombinedNmsJoinsTheDetectorEngine) {
  if (!std::filesystem::is_directory(ModelDir("ssd_detector"))) {
    GTEST_SKIP() << "no ssd_detector fixture (tests/fixtures/make_fixtures.py)";
  }
  StatusOr<ConversionSummary> summary = ConvertFixture("ssd_detector");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->engines.size(), 1u) << FormatSummary(*summary);
  const auto& ops = summary->engines[0].op_counts;
  EXPECT_EQ(ops.count("CombinedNonMaxSuppression") ? ops.at("CombinedNonMaxSuppression") : 0, 1);
  EXPECT_GE(ops.count("Conv2D") ? ops.at("Conv2D") : 0, 4);
  for (const NativeNodeSummary& node : summary->native_nodes) {
    EXPECT_NE(node.op, "CombinedNonMaxSuppression") << node.reason;
  }
}

// TF-TRT's combined_nms_test.py: the op alone with constant sizes and thresholds becomes
// one engine (the op and its constants; how many constants deduplication leaves is not a
// segmentation rule).
TEST(DetectSegmentTest, CombinedNmsAloneIsOneEngineAsInTfTrtsTest) {
  if (!std::filesystem::is_directory(ModelDir("ssd_detector"))) {
    GTEST_SKIP() << "no ssd_detector fixture (tests/fixtures/make_fixtures.py)";
  }
  StatusOr<ConversionSummary> summary = ConvertFixture("ssd_detector", "combined_nms");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->engines.size(), 1u) << FormatSummary(*summary);
  for (const auto& [op, count] : summary->engines[0].op_counts) {
    EXPECT_TRUE(op == "CombinedNonMaxSuppression" || op == "Const") << op;
    if (op == "CombinedNonMaxSuppression") {
      EXPECT_EQ(count, 1);
    }
  }
}

TEST(DetectSegmentTest, SingleClassNmsAndCropAndResizeStayNative) {
  if (!std::filesystem::is_directory(ModelDir("detector_crops"))) {
    GTEST_SKIP() << "no detector_crops fixture (tests/fixtures/make_fixtures.py)";
  }
  StatusOr<ConversionSummary> summary = ConvertFixture("detector_crops");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  int native = 0;
  for (const NativeNodeSummary& node : summary->native_nodes) {
    if (node.op.rfind("NonMaxSuppression", 0) != 0 && node.op != "CropAndResize") continue;
    ++native;
    EXPECT_EQ(node.reason.rfind("unsupported op: no engine converter", 0), 0u)
        << node.node << ": " << node.reason;
  }
  EXPECT_EQ(native, 5) << FormatSummary(*summary);  // V3, V4, V5 and two CropAndResize
  for (const EngineSummary& engine : summary->engines) {
    for (const auto& [op, count] : engine.op_counts) {
      EXPECT_TRUE(op.rfind("NonMaxSuppression", 0) != 0 && op != "CropAndResize") << op;
    }
  }
}

}  // namespace
}  // namespace tftrt
