// The calibration table of one engine node: for each engine tensor an INT8 layer reads or
// writes, the amax of its symmetric int8 range (scale = amax / 127), keyed by the TF tensor
// it holds ("node:output" of the node's segment function). Converter::Convert calibrates it
// once and keeps it in the engine node's `calibration_data` attribute, so that Build(),
// engines built at run time and later loads reuse it (docs/calibration.md has the format).
#ifndef TFTRT_ENGINE_CALIBRATION_CALIBRATION_TABLE_H_
#define TFTRT_ENGINE_CALIBRATION_CALIBRATION_TABLE_H_

#include <map>
#include <string>
#include <string_view>

#include "tftrt/status.h"

namespace tftrt {

using CalibrationTable = std::map<std::string, float>;

inline constexpr char kCalibrationTableMagic[] = "tftrt-int8-calibration";
inline constexpr int kCalibrationTableVersion = 1;

// "tftrt-int8-calibration 1\n" then one "<tensor> <amax>\n" line per entry, sorted by
// tensor; amax printed with 9 significant digits (float round-trips exactly).
std::string SerializeCalibrationTable(const CalibrationTable& table);

// InvalidArgument naming the line for a malformed table (wrong magic, a bad number, a
// duplicate tensor); FailedPrecondition for a version this build does not read.
StatusOr<CalibrationTable> ParseCalibrationTable(std::string_view text);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_CALIBRATION_CALIBRATION_TABLE_H_
