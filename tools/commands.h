// The subcommands of the `tftrt` program, one file each. main() turns what a command
// returns into the exit code: 0 when OK, 1 on error (printed to stderr), 2 on bad usage.
#ifndef TFTRT_TOOLS_COMMANDS_H_
#define TFTRT_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

#include "flags.h"

namespace tftrt::cli {

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

}  // namespace tftrt::cli

#endif  // TFTRT_TOOLS_COMMANDS_H_
