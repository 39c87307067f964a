// Runs the `tftrt` program the build made, as a user would, for the CLI tests.
#ifndef TFTRT_TESTS_TESTING_TOOL_RUNNER_H_
#define TFTRT_TESTS_TESTING_TOOL_RUNNER_H_

#include <string>

namespace tftrt::testing {

// Runs `tftrt <args>` (a shell word list); returns its exit status and appends its stdout
// and stderr to `*output`.
int RunTool(const std::string& args, std::string* output);

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_TOOL_RUNNER_H_
