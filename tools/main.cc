// tftrt: convert, run and inspect TensorFlow SavedModels without TensorFlow or TensorRT.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "common/memory_limit.h"

namespace {

using tftrt::cli::Command;

std::vector<Command> AllCommands() {
  return {tftrt::cli::ConvertCommand(),     tftrt::cli::SummaryCommand(),
          tftrt::cli::InspectCommand(),     tftrt::cli::RunCommand(),
          tftrt::cli::CompareCommand(),     tftrt::cli::BenchCommand(),
          tftrt::cli::OpsCommand(),         tftrt::cli::RandomizeWeightsCommand(),
          tftrt::cli::StripWeightsCommand()};
}

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: tftrt COMMAND [arguments]\n\n"
               "tftrt converts TensorFlow 2 SavedModels as TF-TRT does and runs them, without\n"
               "TensorFlow or TensorRT.\n\n"
               "commands:\n");
  for (const Command& command : AllCommands()) {
    // The summary's first sentence.
    const std::string& summary = command.spec.summary;
    const size_t end = summary.find(". ");
    const std::string first = end == std::string::npos ? summary : summary.substr(0, end + 1);
    std::fprintf(out, "  %-17s %s\n", command.spec.name.c_str(), first.c_str());
  }
  std::fprintf(out, "\nRun 'tftrt COMMAND --help' for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return 0;
  }
  for (const Command& command : AllCommands()) {
    if (command.spec.name != name) continue;
    auto flags =
        tftrt::cli::ParseFlags(command.spec, std::vector<std::string>(argv + 2, argv + argc));
    if (!flags.ok()) {
      std::fprintf(stderr, "tftrt %s: %s\n", name.c_str(), flags.status().message().c_str());
      return 2;
    }
    if (flags->help) {
      std::fputs(tftrt::cli::HelpText(command.spec).c_str(), stdout);
      return 0;
    }
    // The last line of defence: an allocation refused (or failed) where no caller turned it
    // into a Status still ends as an error message, not std::terminate.
    const tftrt::Status status = tftrt::CatchAllocationFailure([&] { return command.run(*flags); });
    if (!status.ok()) {
      std::fprintf(stderr, "tftrt %s: %s\n", name.c_str(), status.ToString().c_str());
      return 1;
    }
    return 0;
  }
  std::fprintf(stderr, "tftrt: unknown command '%s'\n\n", name.c_str());
  PrintUsage(stderr);
  return 2;
}
