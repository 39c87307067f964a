#include "common/logging.h"

#include <google/protobuf/stubs/logging.h>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>

namespace tftrt {
namespace {

// 0: info and warnings, 1: warnings, 2: errors only (set by TFTRT_LOG_LEVEL).
int LogLevel() {
  static const int level = [] {
    const char* value = std::getenv("TFTRT_LOG_LEVEL");
    std::string name = value == nullptr ? "" : value;
    if (name == "error") return 2;
    if (name == "warning") return 1;
    return 0;
  }();
  return level;
}

void Write(std::string_view prefix, std::string_view message) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::cerr << prefix << message << '\n';
}

google::protobuf::LogHandler* protobuf_default_handler = nullptr;

void HandleProtobufLog(google::protobuf::LogLevel level, const char* filename, int line,
                       const std::string& message) {
  const std::string text = "protobuf: " + message.substr(0, message.find_last_not_of(" \n") + 1);
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    // A protobuf bug, and protobuf aborts next: its own format says so best.
    if (protobuf_default_handler != nullptr) {
      protobuf_default_handler(level, filename, line, message);
    }
  } else if (level == google::protobuf::LOGLEVEL_INFO) {
    LogInfo(text);
  } else {
    LogWarning(text);
  }
}

}  // namespace

void RouteProtobufLogs() {
  static std::once_flag once;
  std::call_once(
      once, [] { protobuf_default_handler = google::protobuf::SetLogHandler(&HandleProtobufLog); });
}

void LogWarning(std::string_view message) {
  if (LogLevel() <= 1) Write("tftrt warning: ", message);
}

void LogInfo(std::string_view message) {
  if (LogLevel() == 0) Write("tftrt: ", message);
}

}  // namespace tftrt
