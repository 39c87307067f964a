// Options shared by the commands that load and feed a model (run, bench):
// --inputs FILE.npz|DIR, --input NAME=FILE.npy, --signature KEY, --tag TAG.
#ifndef TFTRT_TOOLS_MODEL_FLAGS_H_
#define TFTRT_TOOLS_MODEL_FLAGS_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "flags.h"
#include "tftrt/model.h"

namespace tftrt::cli {

// `own` followed by the specs of --inputs, --input, --signature, --tag and EngineFlags().
std::vector<FlagSpec> WithModelFlags(std::vector<FlagSpec> own);

// The specs of --device, --require-engines and --timing-cache (how engines build and run).
std::vector<FlagSpec> EngineFlags();
FlagSpec TimingCacheFlag();
// ModelOptions from --device and --require-engines; --timing-cache sets the process's timing
// cache (backends/timing_cache.h), which is not a model option.
ModelOptions ModelOptionsFrom(const ParsedFlags& flags);

// One line per engine node: backend, engine runs, native fallbacks, builds, and the mean
// device compute time per run since `since` (reports taken earlier; empty: since loading).
void PrintEngineReports(const Model& model, const std::vector<EngineNodeReport>& since = {});

// Reads one NAME=FILE.npy value of option --`flag`.
StatusOr<std::pair<std::string, Tensor>> ReadInputSpec(const std::string& flag,
                                                       const std::string& spec);

// One set of named inputs: the arrays of a numpy .npz archive (np.savez), or the
// NAME.npy files of a directory.
StatusOr<std::map<std::string, Tensor>> ReadInputSet(const std::string& path);

// Reads every --inputs (a set as ReadInputSet reads it) and every --input NAME=FILE.npy.
// InvalidArgument, naming the input and both options, for an input given twice.
StatusOr<std::map<std::string, Tensor>> ReadInputs(const ParsedFlags& flags);

// The --tag values (default {"serve"}).
std::set<std::string> Tags(const ParsedFlags& flags);

// Loads positional[0] with --signature (default serving_default) and --tag (default serve).
StatusOr<std::unique_ptr<Model>> LoadModel(const ParsedFlags& flags);

}  // namespace tftrt::cli

#endif  // TFTRT_TOOLS_MODEL_FLAGS_H_
