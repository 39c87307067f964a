// TFTRT_CHECK: programmer-error assertions that abort with file and line. Not for bad
// input (that gets a Status), only for broken invariants inside tftrt.
#ifndef TFTRT_COMMON_CHECK_H_
#define TFTRT_COMMON_CHECK_H_

namespace tftrt::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const char* message);
}  // namespace tftrt::internal

#define TFTRT_CHECK(cond)                                                       \
  do {                                                                          \
    if (!(cond)) ::tftrt::internal::CheckFailed(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define TFTRT_CHECK_MSG(cond, msg)                                               \
  do {                                                                           \
    if (!(cond)) ::tftrt::internal::CheckFailed(#cond, __FILE__, __LINE__, msg); \
  } while (0)

#endif  // TFTRT_COMMON_CHECK_H_
