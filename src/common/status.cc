#include "tftrt/status.h"

#include <cstdio>

#include "common/check.h"

namespace tftrt {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case StatusCode::kUnimplemented: return "Unimplemented";
    case StatusCode::kDataLoss: return "DataLoss";
    case StatusCode::kOutOfRange: return "OutOfRange";
    case StatusCode::kResourceExhausted: return "ResourceExhausted";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status::Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {
  TFTRT_CHECK_MSG(code != StatusCode::kOk, "an error Status needs a non-OK code");
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, message_ + "\n  " + std::string(context));
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

namespace internal {
void CheckFailed(const char* condition, const char* file, int line, const char* message) {
  std::fprintf(stderr, "tftrt: check failed at %s:%d: %s %s\n", file, line, condition, message);
  std::abort();
}
}  // namespace internal

}  // namespace tftrt
