#include "common/logging.h"

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

}  // namespace

void LogWarning(std::string_view message) {
  if (LogLevel() <= 1) Write("tftrt warning: ", message);
}

void LogInfo(std::string_view message) {
  if (LogLevel() == 0) Write("tftrt: ", message);
}

}  // namespace tftrt
