// The asset file that holds an engine node's pre-built engines
// (assets/trt-serialized-engine.<engine node name>, as TF-TRT names it): one serialized
// engine blob per input-shape set, in least- to most-recently-used order. Format in
// docs/engine-format.md.
#ifndef TFTRT_ENGINE_ENGINE_CACHE_FILE_H_
#define TFTRT_ENGINE_ENGINE_CACHE_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "tftrt/status.h"

namespace tftrt {

inline constexpr std::string_view kEngineCacheFilePrefix = "trt-serialized-engine.";

std::string SerializeEngineCacheFile(const std::vector<std::string>& blobs);
// DataLoss when the container is malformed (each blob is checked when it is loaded).
StatusOr<std::vector<std::string>> ParseEngineCacheFile(std::string_view contents);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_ENGINE_CACHE_FILE_H_
