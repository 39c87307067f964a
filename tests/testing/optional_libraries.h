// Tests that reach an op needing a library this build lacks (common/optional_library.h) skip
// with the error's message instead of failing.
#ifndef TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_
#define TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_

#include <optional>
#include <string>

#include "common/optional_library.h"

namespace tftrt::testing {

// The error's message when `status` says a library is missing; nullopt otherwise (an OK
// status or any other error).
inline std::optional<std::string> MissingLibrary(const Status& status) {
  if (!IsMissingLibrary(status)) return std::nullopt;
  return status.message();
}

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_
