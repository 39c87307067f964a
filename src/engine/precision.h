// Engine precision modes, as TF-TRT names them.
#ifndef TFTRT_ENGINE_PRECISION_H_
#define TFTRT_ENGINE_PRECISION_H_

#include <string>
#include <string_view>

#include "tftrt/status.h"

namespace tftrt {

enum class Precision { kFP32, kFP16, kINT8 };

// "FP32" | "FP16" | "INT8", case-insensitive; InvalidArgument otherwise.
StatusOr<Precision> ParsePrecision(std::string_view name);
// "FP32", "FP16" or "INT8".
const char* PrecisionName(Precision precision);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_PRECISION_H_
