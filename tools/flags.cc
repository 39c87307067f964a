#include "flags.h"

namespace tftrt::cli {

std::string ParsedFlags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedFlags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

StatusOr<ParsedFlags> ParseFlags(const CommandSpec& spec, const std::vector<std::string>& args) {
  ParsedFlags parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      parsed.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const FlagSpec* flag = nullptr;
    for (const FlagSpec& f : spec.flags) {
      if (f.name == name) flag = &f;
    }
    if (flag == nullptr) {
      return Status::InvalidArgument("unknown option --" + name + " for 'tftrt " + spec.name +
                                     "' (see tftrt " + spec.name + " --help)");
    }
    if (flag->value_name.empty()) {
      if (has_value) return Status::InvalidArgument("option --" + name + " takes no value");
      parsed.values_[name].push_back("true");
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return Status::InvalidArgument("option --" + name + " needs a value (" + flag->value_name +
                                       ")");
      }
      value = args[++i];
    }
    parsed.values_[name].push_back(value);
  }
  if (parsed.help) return parsed;
  const int n = static_cast<int>(parsed.positional.size());
  if (n < spec.min_positional || n > spec.max_positional) {
    return Status::InvalidArgument("usage: tftrt " + spec.name + " " + spec.usage + " (see tftrt " +
                                   spec.name + " --help)");
  }
  return parsed;
}

std::string HelpText(const CommandSpec& spec) {
  std::string text = "usage: tftrt " + spec.name + " " + spec.usage + "\n\n" + spec.summary + "\n";
  if (!spec.flags.empty()) text += "\noptions:\n";
  for (const FlagSpec& flag : spec.flags) {
    std::string left = "  --" + flag.name + (flag.value_name.empty() ? "" : " " + flag.value_name);
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      left += "\n" + std::string(30, ' ');
    text += left + flag.help + "\n";
  }
  text += "  --help                      show this help\n";
  return text;
}

}  // namespace tftrt::cli
