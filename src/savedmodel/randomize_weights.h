// RandomizeWeights: a copy of a SavedModel whose variables hold seeded random values of the
// same dtypes and shapes, so that a benchmark can recreate a model's weights from its graph
// alone (as trtexec does) without shipping the real ones.
//
// The copy is byte-identical for the same input and seed on any machine: values come from
// tftrt's own generator (splitmix64 seeded by the seed and the tensor's checkpoint key) and
// exact double arithmetic with one rounding, never from std:: distributions, whose output
// differs between standard libraries. Everything but the variables bundle (saved_model.pb,
// assets/, assets.extra/, fingerprint.pb, other files) is copied byte for byte.
//
// Since a weight's values depend only on the seed, its key, dtype and shape, the input may
// also be a weightless SavedModel (StripWeights, savedmodel/weightless.h), which keeps only
// the tensors copied unchanged and lists the others: its randomized copy is byte-identical
// to the full model's. That way only the graph travels and the weights are made where the
// model runs.
//
// The rule, per tensor of variables/variables.index (sorted by key):
//  * the bundle's bookkeeping (_CHECKPOINTABLE_OBJECT_GRAPH), integer, bool, string and
//    complex tensors: copied unchanged (step counters, vocabulary ids, tables);
//  * float32 / float64 / float16 / bfloat16 tensors whose variable name (the object
//    graph's full_name, else the key) ends in "variance", "moving_var" or "running_var"
//    (batch-norm variances, which must stay positive), or is "gamma" or "scale": uniform in
//    [0.5, 1.5];
//  * other floating tensors: uniform in [-a, a] with a = sqrt(3 / fan_in), fan_in = the
//    product of all dims but the last for rank >= 2 (LeCun-uniform for HWIO kernels and
//    [in, out] matrices), and a = 0.1 for rank <= 1 (biases, betas, moving means).
#ifndef TFTRT_SAVEDMODEL_RANDOMIZE_WEIGHTS_H_
#define TFTRT_SAVEDMODEL_RANDOMIZE_WEIGHTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/env.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

struct RandomizeWeightsOptions {
  uint64_t seed = 0;
  // Replace a non-empty output directory.
  bool overwrite = false;
};

struct RandomizeWeightsStats {
  int64_t randomized_tensors = 0;
  int64_t randomized_values = 0;
  int64_t unchanged_tensors = 0;
  // Every file of the output directory, variables included.
  int64_t bytes_written = 0;
};

// How one bundle tensor is written.
struct WeightRule {
  enum Kind { kUnchanged, kUniform };
  Kind kind = kUnchanged;
  double low = 0, high = 0;  // kUniform: the closed range of the values
};

// The rule above for a tensor named `name` (a variable name or checkpoint key).
WeightRule RandomWeightRule(std::string_view name, DataType dtype, const Shape& shape);

// Checkpoint key -> variable name (TrackableObjectGraph's full_name) for every tensor the
// bundle's object graph names; empty if the bundle has no object graph (TF1 checkpoints,
// whose keys are the variable names). DataLoss naming the bundle for a corrupt graph.
StatusOr<std::map<std::string, std::string>> BundleVariableNames(const TensorBundleReader& bundle);

// Writes the randomized copy of SavedModel `in_dir` (full or weightless) to `out_dir`
// atomically (temporary sibling directory + rename, as WriteSavedModel; `in_dir` is only
// read). Errors name the path: NotFound for a missing `in_dir`, InvalidArgument if it is no
// SavedModel or `out_dir` is, lies inside or holds it, FailedPrecondition if it has no
// variables, AlreadyExists for a non-empty `out_dir` without options.overwrite, the bundle
// reader's errors, and ReadWeightlessManifest's; DataLoss if a weightless manifest lists a
// tensor that its bundle also holds or that would be copied unchanged.
StatusOr<RandomizeWeightsStats> RandomizeWeights(Env* env, const std::string& in_dir,
                                                 const std::string& out_dir,
                                                 const RandomizeWeightsOptions& options = {});

struct StripWeightsOptions {
  // Replace a non-empty output directory.
  bool overwrite = false;
};

struct StripWeightsStats {
  int64_t stripped_tensors = 0;
  // The bytes of the stripped tensors' values in the input's data shards.
  int64_t stripped_bytes = 0;
  int64_t kept_tensors = 0;
  // Every file of the output directory, variables and manifest included.
  int64_t bytes_written = 0;
};

// Writes the weightless copy of SavedModel `in_dir` to `out_dir` (savedmodel/weightless.h):
// every file as is but the variables bundle, which keeps the tensors that RandomizeWeights
// copies unchanged, and a manifest of the others' keys, dtypes and shapes. Written as
// RandomizeWeights writes, with the same errors, and FailedPrecondition if `in_dir` is
// weightless already.
StatusOr<StripWeightsStats> StripWeights(Env* env, const std::string& in_dir,
                                         const std::string& out_dir,
                                         const StripWeightsOptions& options = {});

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_RANDOMIZE_WEIGHTS_H_
