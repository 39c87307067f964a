// A small command-line parser for tftrt's subcommands: positional arguments, options
// written `--name VALUE` or `--name=VALUE` (repeatable), boolean switches `--name`, and
// generated `--help` text. Unknown options are errors that name the option.
#ifndef TFTRT_TOOLS_FLAGS_H_
#define TFTRT_TOOLS_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "tftrt/status.h"

namespace tftrt::cli {

struct FlagSpec {
  std::string name;        // without dashes
  std::string value_name;  // empty for a boolean switch
  std::string help;
};

struct CommandSpec {
  std::string name;
  std::string usage;    // e.g. "DIR [options]"
  std::string summary;  // one paragraph
  std::vector<FlagSpec> flags;
  int min_positional = 0;
  int max_positional = 0;
};

class ParsedFlags {
 public:
  std::vector<std::string> positional;
  bool help = false;

  bool Has(const std::string& name) const { return values_.contains(name); }
  // The last value given for `name`, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value given for `name`, in order.
  std::vector<std::string> GetAll(const std::string& name) const;

 private:
  friend StatusOr<ParsedFlags> ParseFlags(const CommandSpec&, const std::vector<std::string>&);
  std::map<std::string, std::vector<std::string>> values_;
};

// Parses `args` (after the subcommand name). InvalidArgument for unknown options, missing
// values or a wrong number of positional arguments (unless --help was given).
StatusOr<ParsedFlags> ParseFlags(const CommandSpec& spec, const std::vector<std::string>& args);

// The --help text of a command.
std::string HelpText(const CommandSpec& spec);

}  // namespace tftrt::cli

#endif  // TFTRT_TOOLS_FLAGS_H_
