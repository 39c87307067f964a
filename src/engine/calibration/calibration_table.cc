#include "engine/calibration/calibration_table.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace tftrt {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

Status LineError(size_t line, std::string_view content, const std::string& why) {
  return Status::InvalidArgument("calibration table line " + std::to_string(line + 1) + " ('" +
                                 std::string(content) + "'): " + why);
}

Status CheckHeader(std::string_view header) {
  const std::string magic = std::string(kCalibrationTableMagic) + " ";
  if (!header.starts_with(magic)) {
    return LineError(0, header,
                     "not a tftrt calibration table (expected '" + magic + "<version>')");
  }
  header.remove_prefix(magic.size());
  int version = 0;
  auto [end, error] = std::from_chars(header.data(), header.data() + header.size(), version);
  if (error != std::errc() || end != header.data() + header.size()) {
    return LineError(0, header, "bad version");
  }
  if (version != kCalibrationTableVersion) {
    return Status::FailedPrecondition("calibration table version " + std::to_string(version) +
                                      " is not readable by this build (it reads version " +
                                      std::to_string(kCalibrationTableVersion) +
                                      "): calibrate again");
  }
  return Status::Ok();
}

}  // namespace

std::string SerializeCalibrationTable(const CalibrationTable& table) {
  std::string text =
      std::string(kCalibrationTableMagic) + " " + std::to_string(kCalibrationTableVersion) + "\n";
  for (const auto& [tensor, amax] : table) {
    char number[32];
    std::snprintf(number, sizeof(number), "%.9g", amax);
    text += tensor + " " + number + "\n";
  }
  return text;
}

StatusOr<CalibrationTable> ParseCalibrationTable(std::string_view text) {
  const std::vector<std::string_view> lines = SplitLines(text);
  if (lines.empty()) return Status::InvalidArgument("the calibration table is empty");
  TFTRT_RETURN_IF_ERROR(CheckHeader(lines[0]));
  CalibrationTable table;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.empty()) continue;
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos || space == 0) {
      return LineError(i, line, "expected '<tensor> <amax>'");
    }
    const std::string_view number = line.substr(space + 1);
    float amax = 0;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), amax);
    if (error != std::errc() || end != number.data() + number.size() || !std::isfinite(amax) ||
        amax < 0) {
      return LineError(i, line, "amax must be a finite number >= 0");
    }
    if (!table.emplace(std::string(line.substr(0, space)), amax).second) {
      return LineError(i, line, "tensor listed twice");
    }
  }
  return table;
}

}  // namespace tftrt
