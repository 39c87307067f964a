#include "engine/precision.h"

#include <cctype>

namespace tftrt {

StatusOr<Precision> ParsePrecision(std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "FP32") return Precision::kFP32;
  if (upper == "FP16") return Precision::kFP16;
  if (upper == "INT8") return Precision::kINT8;
  return Status::InvalidArgument("precision mode '" + std::string(name) +
                                 "' is not supported; it should be one of FP32, FP16, INT8 "
                                 "(case-insensitive)");
}

const char* PrecisionName(Precision precision) {
  switch (precision) {
    case Precision::kFP32:
      return "FP32";
    case Precision::kFP16:
      return "FP16";
    case Precision::kINT8:
      return "INT8";
  }
  return "?";
}

}  // namespace tftrt
