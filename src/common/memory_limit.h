// Resource limits: a model or an input that claims more memory than the machine has (a
// corrupt or hostile shape, a broadcast to [1e6,1e6]) is refused before anything is
// allocated, with an error that says how much was asked and by what, instead of the
// process dying of std::bad_alloc or being killed by the OOM killer.
//
// The limit is the machine's physical memory (sysconf), or TFTRT_MEMORY_LIMIT_BYTES when
// set (a byte count: to share a machine, or in tests). One allocation is checked against
// it, not the sum of all: the check catches a single impossible claim, it is no quota.
#ifndef TFTRT_COMMON_MEMORY_LIMIT_H_
#define TFTRT_COMMON_MEMORY_LIMIT_H_

#include <cstdint>
#include <new>
#include <optional>
#include <string>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

inline constexpr char kMemoryLimitVariable[] = "TFTRT_MEMORY_LIMIT_BYTES";

// "3.6 TiB", "512 B": bytes in binary units, one decimal.
std::string HumanBytes(uint64_t bytes);

// The bytes one tensor of `dtype` and `shape` takes (strings and objects count their
// handles, not their contents); nullopt if the count overflows 64 bits. REQUIRES: every
// dimension >= 0.
std::optional<uint64_t> TensorBytes(DataType dtype, const Shape& shape);

// OK if one allocation of `bytes` fits the limit; otherwise ResourceExhausted "<what> needs
// 3.6 TiB, more than this machine's memory (23.4 GiB; TFTRT_MEMORY_LIMIT_BYTES)".
// InvalidArgument naming the variable if TFTRT_MEMORY_LIMIT_BYTES is not a byte count > 0.
Status CheckMemoryLimit(uint64_t bytes, const std::string& what);
// As above for a tensor: "tensor of shape [1000000,1000000] float32 needs ...". Tensors
// of at most kUncheckedTensorBytes pass without reading the limit (every Tensor is
// checked: the common small ones must cost nothing); a limit below that is not enforced
// for them.
inline constexpr uint64_t kUncheckedTensorBytes = 64 * 1024;
Status CheckTensorAllocation(DataType dtype, const Shape& shape);

// What Tensor's constructor throws when CheckTensorAllocation refuses (its constructor
// cannot return a Status). A std::bad_alloc, so that every handler of a failed allocation
// sees it; CatchAllocationFailure turns both into a Status at the public entry points.
class AllocationRefused : public std::bad_alloc {
 public:
  explicit AllocationRefused(Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override { return status_.message().c_str(); }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// The Status of a failed allocation: the refusal's own, or ResourceExhausted for a
// std::bad_alloc thrown by the allocator itself.
Status AllocationFailureStatus(const std::bad_alloc& error);

// Runs `fn` (returning a Status or StatusOr) and turns an allocation failure inside it
// into its error, so that no std::bad_alloc escapes a public entry point.
template <typename Fn>
auto CatchAllocationFailure(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc& error) {
    return AllocationFailureStatus(error);
  }
}

}  // namespace tftrt

#endif  // TFTRT_COMMON_MEMORY_LIMIT_H_
