#include "savedmodel/randomize_weights.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

#include "savedmodel/saved_model_reader.h"
#include "savedmodel/saved_model_writer.h"
#include "savedmodel/tensor_bundle_format.h"
#include "savedmodel/tensor_bundle_writer.h"
#include "savedmodel/tensor_proto.h"
#include "savedmodel/weightless.h"

namespace tftrt {
namespace {

constexpr std::string_view kAttributeSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";
// Files are copied in pieces this large (data shards and assets can exceed memory).
constexpr size_t kCopyChunkBytes = 4 << 20;

// splitmix64's finalizer: a bijective mix of all 64 bits.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// splitmix64 (Steele, Lea, Flood 2014): fixed arithmetic, so every platform draws the same
// sequence.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state) : state_(state) {}
  uint64_t Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, 1) on a grid of 2^-52, so that 0.5 + u and 2u - 1 are exact in double.
  double NextUnit() { return static_cast<double>(Next() >> 12) * 0x1p-52; }

 private:
  uint64_t state_;
};

bool IsFloatingPoint(DataType dtype) {
  return dtype == DataType::kFloat || dtype == DataType::kDouble || dtype == DataType::kHalf ||
         dtype == DataType::kBFloat16;
}

// The variable's own name: the last component, lowercased, of "a/b/moving_variance:0" or of
// a checkpoint key without its "/.ATTRIBUTES/VARIABLE_VALUE".
std::string LeafName(std::string_view name) {
  if (name.ends_with(kAttributeSuffix)) name.remove_suffix(kAttributeSuffix.size());
  if (const size_t colon = name.rfind(':');
      colon != std::string_view::npos && colon + 1 < name.size() &&
      std::all_of(name.begin() + colon + 1, name.end(), [](char c) { return std::isdigit(c); })) {
    name = name.substr(0, colon);
  }
  if (const size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    name = name.substr(slash + 1);
  }
  std::string leaf(name);
  for (char& c : leaf) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return leaf;
}

// Fills `tensor` (a floating dtype) with values of `rule` drawn by `rng`. The double values
// (2u - 1) * a and low + u are rounded once to the element type, so they are the same on
// every IEEE machine.
void FillUniform(const WeightRule& rule, SplitMix64& rng, Tensor& tensor) {
  const bool symmetric = rule.low == -rule.high;
  auto draw = [&]() -> double {
    const double u = rng.NextUnit();
    return symmetric ? (2 * u - 1) * rule.high : rule.low + u * (rule.high - rule.low);
  };
  const int64_t n = tensor.NumElements();
  switch (tensor.dtype()) {
    case DataType::kFloat:
      for (int64_t i = 0; i < n; ++i) tensor.flat<float>()[i] = static_cast<float>(draw());
      break;
    case DataType::kDouble:
      for (int64_t i = 0; i < n; ++i) tensor.flat<double>()[i] = draw();
      break;
    case DataType::kHalf:
      for (int64_t i = 0; i < n; ++i) {
        tensor.flat<Half>()[i] = FloatToHalf(static_cast<float>(draw()));
      }
      break;
    case DataType::kBFloat16:
      for (int64_t i = 0; i < n; ++i) {
        tensor.flat<BFloat16>()[i] = FloatToBFloat16(static_cast<float>(draw()));
      }
      break;
    default:
      break;
  }
}

// Streams file `from` to `to`, synced; returns its size.
StatusOr<int64_t> CopyFile(Env* env, const std::string& from, const std::string& to) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> in, env->NewRandomAccessFile(from));
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> out, env->NewWritableFile(to));
  const uint64_t size = in->Size();
  std::string buffer;
  for (uint64_t offset = 0; offset < size; offset += buffer.size()) {
    TFTRT_RETURN_IF_ERROR(
        in->ReadToString(offset, std::min<uint64_t>(kCopyChunkBytes, size - offset), &buffer));
    TFTRT_RETURN_IF_ERROR(out->Append(buffer));
  }
  TFTRT_RETURN_IF_ERROR(out->Sync());
  TFTRT_RETURN_IF_ERROR(out->Close());
  return static_cast<int64_t>(size);
}

// Copies directory `from` into existing directory `to`, recursively, leaving out the
// relative paths for which `skip` is true; returns the bytes copied.
StatusOr<int64_t> CopyTree(Env* env, const std::string& from, const std::string& to,
                           const std::string& relative,
                           const std::function<bool(const std::string&)>& skip) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> children, env->GetChildren(from));
  int64_t bytes = 0;
  for (const std::string& child : children) {
    const std::string path = JoinPath(relative, child);
    if (skip(path)) continue;
    const std::string source = JoinPath(from, child);
    const std::string target = JoinPath(to, child);
    if (env->IsDirectory(source)) {
      TFTRT_RETURN_IF_ERROR(env->CreateDir(target));
      TFTRT_ASSIGN_OR_RETURN(int64_t more, CopyTree(env, source, target, path, skip));
      bytes += more;
    } else {
      TFTRT_ASSIGN_OR_RETURN(int64_t more, CopyFile(env, source, target));
      bytes += more;
    }
  }
  return bytes;
}

// The files written anew: variables/variables.index, variables/variables.data-* and a
// weightless model's variables/weightless.pbtxt.
bool IsVariablesFile(const std::string& relative) {
  const std::string prefix = JoinPath(kVariablesDirectory, kVariablesFilename);
  return relative == bundle::IndexPath(prefix) || relative.starts_with(prefix + ".data-") ||
         relative == JoinPath(kVariablesDirectory, kWeightlessManifestFilename);
}

// One tensor of the input's variables: an entry of its bundle, or one that a weightless
// input lists without values.
struct InputTensor {
  std::string key;
  int dtype = 0;  // wire value
  Shape shape;
  bool sliced = false;
};

// The variables of an input SavedModel, opened and checked before anything is written.
struct InputVariables {
  std::unique_ptr<TensorBundleReader> bundle;
  // The full bundle's index: the bundle's entries and the stripped tensors, sorted by key.
  std::vector<InputTensor> tensors;
  // Checkpoint key -> variable name (BundleVariableNames).
  std::map<std::string, std::string> names;
};

// How `tensor` is written; the same for a full input and its weightless copy, since the
// object graph, which names the variables, is kept.
WeightRule RuleFor(const InputTensor& tensor, const std::map<std::string, std::string>& names) {
  if (tensor.key == kObjectGraphProtoKey || tensor.sliced || !IsKnownDataType(tensor.dtype)) {
    return {};
  }
  const auto name = names.find(tensor.key);
  return RandomWeightRule(name == names.end() || name->second.empty() ? tensor.key : name->second,
                          static_cast<DataType>(tensor.dtype), tensor.shape);
}

// Checks SavedModel `in_dir` and the output path, then opens the variables (a weightless
// manifest too if `weightless_ok`). `what` names the output in errors ("randomized model"),
// `verb` what is done to the weights ("randomize").
StatusOr<InputVariables> OpenInputVariables(Env* env, const std::string& in_dir,
                                            const std::string& out_dir, const std::string& what,
                                            const std::string& verb, bool weightless_ok) {
  if (!env->FileExists(in_dir)) {
    return Status::NotFound("SavedModel directory '" + in_dir + "' does not exist");
  }
  if (!env->IsDirectory(in_dir)) {
    return Status::InvalidArgument("'" + in_dir + "' is a file, not a SavedModel directory");
  }
  // Only a SavedModel is copied: its proto must parse (errors name the file).
  TFTRT_RETURN_IF_ERROR(ReadSavedModelProto(env, in_dir).status());
  const bool weightless = IsWeightlessSavedModel(env, in_dir);
  if (weightless && !weightless_ok) {
    return Status::FailedPrecondition("SavedModel '" + in_dir + "' is already weightless (" +
                                      WeightlessManifestPath(in_dir) + " lists its stripped " +
                                      "tensors); there are no weights to " + verb);
  }
  const std::string variables_prefix =
      JoinPath(JoinPath(in_dir, kVariablesDirectory), kVariablesFilename);
  if (!env->FileExists(bundle::IndexPath(variables_prefix))) {
    return Status::FailedPrecondition("SavedModel '" + in_dir + "' has no variables to " + verb +
                                      " (no " + bundle::IndexPath(variables_prefix) + ")");
  }
  if (PathWithin(out_dir, in_dir) || PathWithin(in_dir, out_dir)) {
    return Status::InvalidArgument("cannot write the " + what + " to '" + out_dir +
                                   "': it is, lies inside or holds the input SavedModel '" +
                                   in_dir + "'");
  }
  // Opening the bundle checks the index and finds every shard before anything is written.
  InputVariables input;
  TFTRT_ASSIGN_OR_RETURN(input.bundle, TensorBundleReader::Open(env, variables_prefix));
  TFTRT_ASSIGN_OR_RETURN(input.names, BundleVariableNames(*input.bundle));
  std::map<std::string, InputTensor> tensors;
  for (BundleEntryInfo& info : input.bundle->List()) {
    tensors.emplace(info.key, InputTensor{.key = info.key,
                                          .dtype = info.dtype,
                                          .shape = std::move(info.shape),
                                          .sliced = info.sliced});
  }
  if (weightless) {
    const std::string manifest_path = WeightlessManifestPath(in_dir);
    TFTRT_ASSIGN_OR_RETURN(std::vector<StrippedTensor> stripped,
                           ReadWeightlessManifest(env, manifest_path));
    for (StrippedTensor& entry : stripped) {
      InputTensor tensor{.key = entry.key, .dtype = entry.dtype, .shape = std::move(entry.shape)};
      const std::string where = "weightless manifest '" + manifest_path + "' lists tensor '" +
                                tensor.key + "' (" + DataTypeProtoName(tensor.dtype) + ")";
      if (tensors.contains(tensor.key)) {
        return Status::DataLoss(where + ", which " + bundle::IndexPath(variables_prefix) +
                                " also holds");
      }
      if (RuleFor(tensor, input.names).kind == WeightRule::kUnchanged) {
        return Status::DataLoss(where + ", whose values randomize-weights copies unchanged, so " +
                                "a weightless model must keep them in its bundle");
      }
      tensors.emplace(tensor.key, std::move(tensor));
    }
  }
  input.tensors.reserve(tensors.size());
  for (auto& [key, tensor] : tensors) input.tensors.push_back(std::move(tensor));
  return input;
}

// Writes the randomized bundle of `in` at `prefix`.
Status WriteRandomizedBundle(Env* env, const InputVariables& in, const std::string& prefix,
                             uint64_t seed, RandomizeWeightsStats& stats) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<TensorBundleWriter> out,
                         TensorBundleWriter::Create(env, prefix));
  for (const InputTensor& info : in.tensors) {
    const WeightRule rule = RuleFor(info, in.names);
    if (rule.kind == WeightRule::kUnchanged) {
      TFTRT_ASSIGN_OR_RETURN(Tensor tensor, in.bundle->Read(info.key));
      TFTRT_RETURN_IF_ERROR(out->Add(info.key, tensor));
      ++stats.unchanged_tensors;
      continue;
    }
    // The old values are not read: a weight's stream depends only on the seed and its key
    // (which is why a weightless input, which has none, gives the same bytes).
    Tensor tensor(static_cast<DataType>(info.dtype), info.shape);
    SplitMix64 rng(Mix64(seed ^ Mix64(Fnv1a64(info.key))));
    FillUniform(rule, rng, tensor);
    TFTRT_RETURN_IF_ERROR(out->Add(info.key, tensor));
    ++stats.randomized_tensors;
    stats.randomized_values += tensor.NumElements();
  }
  return out->Finish();
}

// Writes the kept part of `in`'s bundle at `prefix` and the manifest of the rest at
// `manifest_path`.
Status WriteStrippedBundle(Env* env, const InputVariables& in, const std::string& prefix,
                           const std::string& manifest_path, StripWeightsStats& stats) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<TensorBundleWriter> out,
                         TensorBundleWriter::Create(env, prefix));
  std::vector<StrippedTensor> stripped;
  for (const InputTensor& info : in.tensors) {
    if (RuleFor(info, in.names).kind == WeightRule::kUnchanged) {
      TFTRT_ASSIGN_OR_RETURN(Tensor tensor, in.bundle->Read(info.key));
      TFTRT_RETURN_IF_ERROR(out->Add(info.key, tensor));
      ++stats.kept_tensors;
      continue;
    }
    TFTRT_ASSIGN_OR_RETURN(const tensorflow::BundleEntryProto* entry,
                           in.bundle->GetEntry(info.key));
    stats.stripped_bytes += entry->size();
    ++stats.stripped_tensors;
    stripped.push_back({.key = info.key, .dtype = info.dtype, .shape = info.shape});
  }
  TFTRT_RETURN_IF_ERROR(out->Finish());
  return WriteWeightlessManifest(env, manifest_path, stripped);
}

// The bytes of the files of `paths`.
StatusOr<int64_t> TotalSize(Env* env, const std::vector<std::string>& paths) {
  int64_t total = 0;
  for (const std::string& path : paths) {
    TFTRT_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(path));
    total += static_cast<int64_t>(size);
  }
  return total;
}

// Writes the model of `in_dir` to `out_dir` (atomically; see WriteDirectoryAtomically): every
// file but the variables bundle copied as it is, then `write_variables(temp_dir, prefix)`
// writes the new bundle at `prefix` (<temp_dir>/variables/variables) and whatever else goes in
// the variables directory, and returns the paths of the files it wrote. Returns the bytes
// written in all.
StatusOr<int64_t> RewriteVariables(
    Env* env, const std::string& in_dir, const std::string& out_dir, bool overwrite,
    const std::function<StatusOr<std::vector<std::string>>(
        const std::string& temp_dir, const std::string& prefix)>& write_variables) {
  int64_t bytes_written = 0;
  TFTRT_RETURN_IF_ERROR(
      WriteDirectoryAtomically(env, out_dir, overwrite, [&](const std::string& temp_dir) -> Status {
        TFTRT_ASSIGN_OR_RETURN(bytes_written, CopyTree(env, in_dir, temp_dir, "", IsVariablesFile));
        const std::string variables_dir = JoinPath(temp_dir, kVariablesDirectory);
        TFTRT_RETURN_IF_ERROR(env->CreateDir(variables_dir));
        const std::string prefix = JoinPath(variables_dir, kVariablesFilename);
        TFTRT_ASSIGN_OR_RETURN(const std::vector<std::string> written,
                               write_variables(temp_dir, prefix));
        TFTRT_ASSIGN_OR_RETURN(int64_t variables_bytes, TotalSize(env, written));
        bytes_written += variables_bytes;
        return Status::Ok();
      }));
  return bytes_written;
}

}  // namespace

WeightRule RandomWeightRule(std::string_view name, DataType dtype, const Shape& shape) {
  if (!IsFloatingPoint(dtype) || name == kObjectGraphProtoKey) return {};
  const std::string leaf = LeafName(name);
  if (leaf.ends_with("variance") || leaf == "moving_var" || leaf == "running_var" ||
      leaf == "gamma" || leaf == "scale") {
    return {WeightRule::kUniform, 0.5, 1.5};
  }
  double a = 0.1;
  if (shape.size() >= 2) {
    int64_t fan_in = 1;
    for (size_t i = 0; i + 1 < shape.size(); ++i) fan_in *= shape[i];
    if (fan_in > 0) a = std::sqrt(3.0 / static_cast<double>(fan_in));
  }
  return {WeightRule::kUniform, -a, a};
}

StatusOr<std::map<std::string, std::string>> BundleVariableNames(const TensorBundleReader& bundle) {
  std::map<std::string, std::string> names;
  if (!bundle.Contains(kObjectGraphProtoKey)) return names;
  tensorflow::TrackableObjectGraph graph;
  TFTRT_RETURN_IF_ERROR(ReadObjectGraph(bundle, &graph));
  for (const auto& node : graph.nodes()) {
    for (const auto& attribute : node.attributes()) {
      names.emplace(attribute.checkpoint_key(), attribute.full_name());
    }
  }
  return names;
}

StatusOr<RandomizeWeightsStats> RandomizeWeights(Env* env, const std::string& in_dir,
                                                 const std::string& out_dir,
                                                 const RandomizeWeightsOptions& options) {
  TFTRT_ASSIGN_OR_RETURN(
      const InputVariables variables,
      OpenInputVariables(env, in_dir, out_dir, "randomized model", "randomize", true));
  RandomizeWeightsStats stats;
  TFTRT_ASSIGN_OR_RETURN(
      stats.bytes_written,
      RewriteVariables(env, in_dir, out_dir, options.overwrite,
                       [&](const std::string& /*temp_dir*/,
                           const std::string& prefix) -> StatusOr<std::vector<std::string>> {
                         stats = {};
                         TFTRT_RETURN_IF_ERROR(
                             WriteRandomizedBundle(env, variables, prefix, options.seed, stats));
                         return std::vector<std::string>{bundle::IndexPath(prefix),
                                                         bundle::DataPath(prefix, 0, 1)};
                       }));
  return stats;
}

StatusOr<StripWeightsStats> StripWeights(Env* env, const std::string& in_dir,
                                         const std::string& out_dir,
                                         const StripWeightsOptions& options) {
  TFTRT_ASSIGN_OR_RETURN(
      const InputVariables variables,
      OpenInputVariables(env, in_dir, out_dir, "weightless model", "strip", false));
  StripWeightsStats stats;
  TFTRT_ASSIGN_OR_RETURN(
      stats.bytes_written,
      RewriteVariables(env, in_dir, out_dir, options.overwrite,
                       [&](const std::string& temp_dir,
                           const std::string& prefix) -> StatusOr<std::vector<std::string>> {
                         stats = {};
                         const std::string manifest = WeightlessManifestPath(temp_dir);
                         TFTRT_RETURN_IF_ERROR(
                             WriteStrippedBundle(env, variables, prefix, manifest, stats));
                         return std::vector<std::string>{bundle::IndexPath(prefix),
                                                         bundle::DataPath(prefix, 0, 1), manifest};
                       }));
  return stats;
}

}  // namespace tftrt
