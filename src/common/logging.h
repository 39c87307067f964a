// Warnings for conditions the user should know about but that do not stop the work (an
// engine that falls back to its native segment, a cached engine that cannot be used).
// They go to stderr as "tftrt warning: ..."; TFTRT_LOG_LEVEL=error silences them.
#ifndef TFTRT_COMMON_LOGGING_H_
#define TFTRT_COMMON_LOGGING_H_

#include <string_view>

namespace tftrt {

void LogWarning(std::string_view message);
// "tftrt: ..." progress lines for long work (conversion, engine builds).
void LogInfo(std::string_view message);

}  // namespace tftrt

#endif  // TFTRT_COMMON_LOGGING_H_
