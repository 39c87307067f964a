// The calibration table kept in engine nodes' calibration_data: round trip and errors.
#include "engine/calibration/calibration_table.h"

#include <gtest/gtest.h>

#include <limits>

namespace tftrt {
namespace {

TEST(CalibrationTableTest, RoundTripsExactly) {
  const CalibrationTable table = {{"TensorRTInputPH_0:0", 1.0f},
                                  {"sequential/conv2d/Relu:0", 6.12345678f},
                                  {"dense/MatMul:0", std::numeric_limits<float>::min()},
                                  {"big:1", 3.4e38f},
                                  {"zero:0", 0.0f}};
  const std::string text = SerializeCalibrationTable(table);
  EXPECT_EQ(text.rfind("tftrt-int8-calibration 1\n", 0), 0u) << text;
  auto parsed = ParseCalibrationTable(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, table);
}

TEST(CalibrationTableTest, FormatIsOneSortedLinePerTensor) {
  EXPECT_EQ(SerializeCalibrationTable({{"b:0", 2.5f}, {"a:0", 0.125f}}),
            "tftrt-int8-calibration 1\na:0 0.125\nb:0 2.5\n");
  EXPECT_EQ(SerializeCalibrationTable({}), "tftrt-int8-calibration 1\n");
}

void ExpectError(const std::string& text, StatusCode code, const std::string& part) {
  auto parsed = ParseCalibrationTable(text);
  ASSERT_FALSE(parsed.ok()) << text;
  EXPECT_EQ(parsed.status().code(), code) << parsed.status().ToString();
  EXPECT_NE(parsed.status().message().find(part), std::string::npos) << parsed.status().ToString();
}

TEST(CalibrationTableTest, MalformedTablesNameTheLine) {
  ExpectError("", StatusCode::kInvalidArgument, "empty");
  ExpectError("TRT-8601-EntropyCalibration2\n", StatusCode::kInvalidArgument,
              "not a tftrt calibration table");
  ExpectError("tftrt-int8-calibration x\n", StatusCode::kInvalidArgument, "bad version");
  ExpectError("tftrt-int8-calibration 1\na:0 1\nb:0\n", StatusCode::kInvalidArgument, "line 3");
  ExpectError("tftrt-int8-calibration 1\na:0 one\n", StatusCode::kInvalidArgument, "line 2");
  ExpectError("tftrt-int8-calibration 1\na:0 -1\n", StatusCode::kInvalidArgument, ">= 0");
  ExpectError("tftrt-int8-calibration 1\na:0 inf\n", StatusCode::kInvalidArgument, "finite");
  ExpectError("tftrt-int8-calibration 1\na:0 1\na:0 2\n", StatusCode::kInvalidArgument,
              "listed twice");
}

TEST(CalibrationTableTest, OtherVersionsAskForANewCalibration) {
  ExpectError("tftrt-int8-calibration 2\na:0 1\n", StatusCode::kFailedPrecondition,
              "calibrate again");
}

}  // namespace
}  // namespace tftrt
