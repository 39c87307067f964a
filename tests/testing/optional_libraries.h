// Libraries that tftrt builds without where they are missing (FFTW3 for the FFT ops): an op
// that needs one then fails with Unimplemented and the library's message. Tests that run
// such an op skip with that message instead of failing.
#ifndef TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_
#define TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_

#include <optional>
#include <string>

#include "tftrt/status.h"

namespace tftrt::testing {

// The missing library's message when `status` is the error of an op that needs a library
// this build lacks; nullopt otherwise (an OK status or any other error).
std::optional<std::string> MissingLibrary(const Status& status);

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_
