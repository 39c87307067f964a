// Ops that need a library the build may lack (RE2, ICU: see CMakeLists.txt) fail with
// Unimplemented "... needs <library>, which this build lacks"; tests that reach one skip
// with that message instead of failing (the GPU machine's build may lack the -dev package).
#ifndef TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_
#define TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_

#include <string>

#include "tftrt/status.h"

namespace tftrt::testing {

inline bool LacksOptionalLibrary(const Status& status) {
  return status.code() == StatusCode::kUnimplemented &&
         status.message().find("which this build lacks") != std::string::npos;
}

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_OPTIONAL_LIBRARIES_H_
