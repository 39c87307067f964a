#include "model_flags.h"

#include <set>

#include "common/npy.h"

namespace tftrt::cli {

std::vector<FlagSpec> WithModelFlags(std::vector<FlagSpec> own) {
  own.push_back({"input", "NAME=FILE.npy", "an input of the signature (repeat for each)"});
  own.push_back({"signature", "KEY", "signature to run (default serving_default)"});
  own.push_back({"tag", "TAG", "MetaGraph tag (repeatable; default serve)"});
  return own;
}

StatusOr<std::pair<std::string, Tensor>> ReadInputSpec(const std::string& flag,
                                                       const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument("--" + flag + " must be NAME=FILE.npy, got '" + spec + "'");
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor tensor, ReadNpyFile(spec.substr(eq + 1)));
  return std::make_pair(spec.substr(0, eq), std::move(tensor));
}

StatusOr<std::map<std::string, Tensor>> ReadInputs(const ParsedFlags& flags) {
  std::map<std::string, Tensor> inputs;
  for (const std::string& spec : flags.GetAll("input")) {
    TFTRT_ASSIGN_OR_RETURN(auto input, ReadInputSpec("input", spec));
    inputs[input.first] = std::move(input.second);
  }
  return inputs;
}

std::set<std::string> Tags(const ParsedFlags& flags) {
  std::set<std::string> tags;
  for (const std::string& tag : flags.GetAll("tag")) tags.insert(tag);
  if (tags.empty()) tags = {"serve"};
  return tags;
}

StatusOr<std::unique_ptr<Model>> LoadModel(const ParsedFlags& flags) {
  return Model::Load(flags.positional[0], flags.Get("signature", "serving_default"), Tags(flags));
}

}  // namespace tftrt::cli
