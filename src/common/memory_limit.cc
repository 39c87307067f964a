#include "common/memory_limit.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace tftrt {
namespace {

// The bytes one element takes in a Tensor's buffer: strings and objects are held by value
// in a vector.
uint64_t ElementBytes(DataType dtype) {
  switch (dtype) {
    case DataType::kString:
      return sizeof(std::string);
    case DataType::kVariant:
    case DataType::kResource:
      return sizeof(std::shared_ptr<Object>);
    default:
      return DataTypeSize(dtype);
  }
}

uint64_t PhysicalMemoryBytes() {
  static const uint64_t bytes = [] {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0) return UINT64_MAX;  // unknown: no limit
    uint64_t total;
    if (__builtin_mul_overflow(static_cast<uint64_t>(pages), static_cast<uint64_t>(page_size),
                               &total)) {
      return UINT64_MAX;
    }
    return total;
  }();
  return bytes;
}

struct MemoryLimit {
  uint64_t bytes;
  bool from_variable;
};

// Read on every check (a getenv), so that a test or a server may change it.
StatusOr<MemoryLimit> CurrentMemoryLimit() {
  const char* value = std::getenv(kMemoryLimitVariable);
  if (value == nullptr || *value == '\0') return MemoryLimit{PhysicalMemoryBytes(), false};
  uint64_t bytes = 0;
  const char* end = value + std::strlen(value);
  const auto [stop, error] = std::from_chars(value, end, bytes);
  if (error != std::errc() || stop != end || bytes == 0) {
    return Status::InvalidArgument(std::string(kMemoryLimitVariable) + "='" + value +
                                   "' is not a number of bytes greater than 0");
  }
  return MemoryLimit{bytes, true};
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  return text;
}

std::optional<uint64_t> TensorBytes(DataType dtype, const Shape& shape) {
  uint64_t bytes = ElementBytes(dtype);
  bool zero = false;
  bool overflow = false;
  for (int64_t d : shape) {
    zero |= d == 0;
    overflow |= __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes);
  }
  if (zero) return 0;  // [0, 1e30] holds nothing, whatever the product of the rest
  if (overflow) return std::nullopt;
  return bytes;
}

namespace {

Status Refuse(uint64_t bytes, const MemoryLimit& limit, const std::string& what) {
  const std::string whose = limit.from_variable ? "the memory limit (" : "this machine's memory (";
  return Status::ResourceExhausted(what + " needs " + HumanBytes(bytes) + ", more than " + whose +
                                   HumanBytes(limit.bytes) + "; " + kMemoryLimitVariable + ")");
}

}  // namespace

Status CheckMemoryLimit(uint64_t bytes, const std::string& what) {
  TFTRT_ASSIGN_OR_RETURN(MemoryLimit limit, CurrentMemoryLimit());
  return bytes <= limit.bytes ? Status::Ok() : Refuse(bytes, limit, what);
}

// Called for every tensor made: small ones skip reading the limit (a getenv), and the
// message is only built for a refusal.
Status CheckTensorAllocation(DataType dtype, const Shape& shape) {
  const std::optional<uint64_t> bytes = TensorBytes(dtype, shape);
  if (bytes && *bytes <= kUncheckedTensorBytes) return Status::Ok();
  TFTRT_ASSIGN_OR_RETURN(MemoryLimit limit, CurrentMemoryLimit());
  if (bytes && *bytes <= limit.bytes) return Status::Ok();
  const std::string what =
      "tensor of shape " + ShapeToString(shape) + " " + std::string(DataTypeName(dtype));
  if (!bytes) {
    return Status::ResourceExhausted(what + " needs more than 16.0 EiB (its size overflows 64 " +
                                     "bits), more than any machine's memory");
  }
  return Refuse(*bytes, limit, what);
}

Status AllocationFailureStatus(const std::bad_alloc& error) {
  if (const auto* refused = dynamic_cast<const AllocationRefused*>(&error)) {
    return refused->status();
  }
  return Status::ResourceExhausted(std::string("out of memory (") + error.what() + ")");
}

}  // namespace tftrt
