#include "model_flags.h"

#include <cstdio>
#include <set>

#include "backends/timing_cache.h"
#include "common/env.h"
#include "common/npy.h"
#include "common/npz.h"

namespace tftrt::cli {

std::vector<FlagSpec> WithModelFlags(std::vector<FlagSpec> own) {
  own.push_back({"inputs", "FILE.npz|DIR",
                 "the signature's inputs: the arrays of a .npz archive (np.savez), or the "
                 "NAME.npy files of a directory (repeatable)"});
  own.push_back({"input", "NAME=FILE.npy", "an input of the signature (repeat for each)"});
  own.push_back({"signature", "KEY", "signature to run (default serving_default)"});
  own.push_back({"tag", "TAG", "MetaGraph tag (repeatable; default serve)"});
  for (FlagSpec& spec : EngineFlags()) own.push_back(std::move(spec));
  return own;
}

std::vector<FlagSpec> EngineFlags() {
  return {{"device", "auto|cpu|cuda",
           "where engines build and run (default auto: the GPU when this build has the cuda "
           "backend and a GPU is present, else the CPU; TFTRT_DEVICE sets auto's choice)"},
          {"require-engines", "",
           "strict mode: an engine node that would run its native segment is an error "
           "(also TFTRT_REQUIRE_ENGINES=1)"},
          TimingCacheFlag()};
}

FlagSpec TimingCacheFlag() {
  return {"timing-cache", "FILE|off",
          "where GPU engine builds keep the kernels they timed, so that later builds of the same "
          "layers skip the timing (default: TFTRT_TIMING_CACHE, else "
          "$XDG_CACHE_HOME/tftrt/timing-cache or ~/.cache/tftrt/timing-cache; off: none)"};
}

ModelOptions ModelOptionsFrom(const ParsedFlags& flags) {
  if (flags.Has("timing-cache")) SetTimingCachePath(flags.Get("timing-cache", ""));
  return {.device = flags.Get("device", "auto"), .require_engines = flags.Has("require-engines")};
}

void PrintEngineReports(const Model& model, const std::vector<EngineNodeReport>& since) {
  for (const EngineNodeReport& report : model.EngineReports()) {
    double compute_ms = report.compute_milliseconds;
    int64_t timed_runs = report.timed_runs;
    for (const EngineNodeReport& earlier : since) {
      if (earlier.node != report.node) continue;
      compute_ms -= earlier.compute_milliseconds;
      timed_runs -= earlier.timed_runs;
    }
    std::printf(
        "engine %s on %s: %lld engine runs, %lld native fallbacks, %lld builds (%lld "
        "failed), %d cached",
        report.node.c_str(), report.backend.c_str(), static_cast<long long>(report.engine_runs),
        static_cast<long long>(report.native_fallbacks), static_cast<long long>(report.builds),
        static_cast<long long>(report.failed_builds), report.cached_engines);
    if (timed_runs > 0) {
      std::printf(", device compute %.3f ms per run (mean of %lld)", compute_ms / timed_runs,
                  static_cast<long long>(timed_runs));
    }
    std::printf("\n");
  }
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

StatusOr<std::map<std::string, Tensor>> ReadInputSet(const std::string& path) {
  Env* env = Env::Default();
  if (!env->IsDirectory(path)) return ReadNpzFile(path);
  TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> files, env->GetChildren(path));
  std::map<std::string, Tensor> inputs;
  for (const std::string& file : files) {
    if (!file.ends_with(".npy")) continue;
    TFTRT_ASSIGN_OR_RETURN(inputs[file.substr(0, file.size() - 4)],
                           ReadNpyFile(JoinPath(path, file)));
  }
  if (inputs.empty()) return Status::InvalidArgument(path + " holds no NAME.npy input");
  return inputs;
}

StatusOr<std::map<std::string, Tensor>> ReadInputs(const ParsedFlags& flags) {
  std::map<std::string, Tensor> inputs;
  std::map<std::string, std::string> given_by;  // input name -> the option that gave it
  // Keeping one of two values silently would run the model on an input the user may not
  // have meant.
  const auto add = [&](std::string name, Tensor tensor, const std::string& option) -> Status {
    if (const auto it = given_by.find(name); it != given_by.end()) {
      return Status::InvalidArgument("input '" + name + "' is given twice: by " + it->second +
                                     " and by " + option);
    }
    given_by[name] = option;
    inputs[std::move(name)] = std::move(tensor);
    return Status::Ok();
  };
  for (const std::string& path : flags.GetAll("inputs")) {
    TFTRT_ASSIGN_OR_RETURN(auto set, ReadInputSet(path));
    for (auto& [name, tensor] : set) {
      TFTRT_RETURN_IF_ERROR(add(name, std::move(tensor), "--inputs " + path));
    }
  }
  for (const std::string& spec : flags.GetAll("input")) {
    TFTRT_ASSIGN_OR_RETURN(auto input, ReadInputSpec("input", spec));
    TFTRT_RETURN_IF_ERROR(add(std::move(input.first), std::move(input.second), "--input " + spec));
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
  return Model::Load(flags.positional[0], flags.Get("signature", "serving_default"), Tags(flags),
                     ModelOptionsFrom(flags));
}

}  // namespace tftrt::cli
