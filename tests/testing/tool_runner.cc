#include "testing/tool_runner.h"

#include <sys/wait.h>

#include <cstdio>

namespace tftrt::testing {

int RunTool(const std::string& args, std::string* output) {
  const std::string command = std::string(TFTRT_BINARY_DIR) + "/tftrt " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
  return WEXITSTATUS(::pclose(pipe));
}

}  // namespace tftrt::testing
