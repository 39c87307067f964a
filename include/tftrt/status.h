// Status and StatusOr<T>: how every fallible tftrt function reports failure.
//
// No exceptions cross tftrt's API. A Status is OK or carries a code and a message; the
// codes keep the meaning of the TF-TRT seed's exceptions: ValueError = kInvalidArgument,
// NotImplementedError = kUnimplemented, RuntimeError = kFailedPrecondition.
// Programmer errors are not Statuses: they are TFTRT_CHECK failures that abort.
#ifndef TFTRT_STATUS_H_
#define TFTRT_STATUS_H_

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tftrt {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kUnimplemented,
  kDataLoss,  // corrupt or truncated files, checksum mismatches
  kOutOfRange,
  kResourceExhausted,  // out of (device) memory
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return {StatusCode::kInvalidArgument, std::move(message)};
  }
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status AlreadyExists(std::string message) {
    return {StatusCode::kAlreadyExists, std::move(message)};
  }
  static Status FailedPrecondition(std::string message) {
    return {StatusCode::kFailedPrecondition, std::move(message)};
  }
  static Status Unimplemented(std::string message) {
    return {StatusCode::kUnimplemented, std::move(message)};
  }
  static Status DataLoss(std::string message) {
    return {StatusCode::kDataLoss, std::move(message)};
  }
  static Status OutOfRange(std::string message) {
    return {StatusCode::kOutOfRange, std::move(message)};
  }
  static Status ResourceExhausted(std::string message) {
    return {StatusCode::kResourceExhausted, std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<message>\n  <context>": used to say where an error
  // happened ("while running node 'conv1' (Conv2D)") as it travels up.
  Status WithContext(std::string_view context) const;

  // "InvalidArgument: <message>", or "OK".
  std::string ToString() const;

  // Marks an error as deliberately ignored.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const T& value) : value_(value) {}         // NOLINT: implicit by design
  StatusOr(T&& value) : value_(std::move(value)) {}   // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) std::abort();  // an OK Status carries no value: programmer error
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  // By value, so that `for (auto& x : F().value())` does not outlive the StatusOr.
  T value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
const Status& AsStatus(const StatusOr<T>& s) {
  return s.status();
}
}  // namespace internal

}  // namespace tftrt

#define TFTRT_CONCAT_INNER_(a, b) a##b
#define TFTRT_CONCAT_(a, b) TFTRT_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (a Status or StatusOr) is not OK. The
// Status is copied (cheap when OK): `expr` may be a temporary, e.g. `F().status()`.
#define TFTRT_RETURN_IF_ERROR(expr)                                                \
  do {                                                                             \
    ::tftrt::Status tftrt_status_ = ::tftrt::internal::AsStatus(expr);             \
    if (!tftrt_status_.ok()) return tftrt_status_;                                 \
  } while (0)

// As TFTRT_RETURN_IF_ERROR, adding `context` (anything convertible to string_view).
#define TFTRT_RETURN_IF_ERROR_CTX(expr, context)                                   \
  do {                                                                             \
    ::tftrt::Status tftrt_status_ = ::tftrt::internal::AsStatus(expr);             \
    if (!tftrt_status_.ok()) return tftrt_status_.WithContext(context);            \
  } while (0)

// `lhs = value of rexpr`, or return its error. lhs may declare a variable: `auto x`.
#define TFTRT_ASSIGN_OR_RETURN(lhs, rexpr) \
  TFTRT_ASSIGN_OR_RETURN_IMPL_(TFTRT_CONCAT_(tftrt_statusor_, __LINE__), lhs, rexpr)
#define TFTRT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // TFTRT_STATUS_H_
