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

// Sends the protobuf library's log messages (e.g. a string field of invalid UTF-8 in a
// corrupt saved_model.pb) through LogWarning / LogInfo, as "protobuf: ...", instead of raw
// "[libprotobuf ERROR ...]" lines on stderr; fatal ones keep protobuf's own handler, which
// aborts. Call it before parsing protos from outside; cheap and thread-safe after the first
// call. Replaces any handler set with google::protobuf::SetLogHandler before.
void RouteProtobufLogs();

}  // namespace tftrt

#endif  // TFTRT_COMMON_LOGGING_H_
