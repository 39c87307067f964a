// The subcommands of the `tftrt` program, one file each. main() turns what a command
// returns into the exit code: 0 when OK, 1 on error (printed to stderr), 2 on bad usage.
#ifndef TFTRT_TOOLS_COMMANDS_H_
#define TFTRT_TOOLS_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "flags.h"

namespace tftrt::cli {

// "205,093,696", for the counts that commands print.
inline std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

struct Command {
  CommandSpec spec;
  Status (*run)(const ParsedFlags& flags);
};

Command InspectCommand();
Command RunCommand();
Command CompareCommand();
Command OpsCommand();
Command BenchCommand();
Command ConvertCommand();
Command SummaryCommand();
Command RandomizeWeightsCommand();
Command StripWeightsCommand();

}  // namespace tftrt::cli

#endif  // TFTRT_TOOLS_COMMANDS_H_
