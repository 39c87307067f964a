// Weightless SavedModels: what `tftrt strip-weights` writes so that only a model's graph
// travels (to a benchmark machine, say) and `tftrt randomize-weights` makes its weights there.
//
// A weightless SavedModel is its original directory with one difference under variables/:
//   variables/variables.{index,data-*}  a valid tensor bundle of only the tensors that
//                                       randomize-weights copies unchanged (the object
//                                       graph _CHECKPOINTABLE_OBJECT_GRAPH, integer, bool,
//                                       string and complex tensors);
//   variables/weightless.pbtxt          a text WeightlessManifest (proto/weightless.proto):
//                                       the key, dtype and shape of every tensor whose
//                                       values were stripped, sorted by key.
// The manifest is what marks a model weightless: ReadSavedModel (and so Model::Load, `tftrt
// run`, `convert`, `inspect`) refuses a directory that has one, with an error that says to
// run randomize-weights first, so that its partial bundle is never taken for the real one.
// randomize-weights reads the kept bundle and the manifest together as the full bundle's
// index and writes the same bytes as from the full model.
#ifndef TFTRT_SAVEDMODEL_WEIGHTLESS_H_
#define TFTRT_SAVEDMODEL_WEIGHTLESS_H_

#include <string>
#include <vector>

#include "common/env.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// Inside variables/.
inline constexpr char kWeightlessManifestFilename[] = "weightless.pbtxt";
// The WeightlessManifest.version tftrt writes and reads.
inline constexpr int kWeightlessManifestVersion = 1;

// "<export_dir>/variables/weightless.pbtxt".
std::string WeightlessManifestPath(const std::string& export_dir);

// True if `export_dir` has a weightless manifest.
bool IsWeightlessSavedModel(Env* env, const std::string& export_dir);

// FailedPrecondition for reading weightless `export_dir` as a model: says what it is and to
// run randomize-weights on it first.
Status WeightlessSavedModelError(const std::string& export_dir);

// One tensor whose values a weightless model does not hold.
struct StrippedTensor {
  std::string key;
  int dtype = 0;  // wire value (tensorflow::DataType), as BundleEntryInfo::dtype
  Shape shape;
};

// Writes `tensors` (sorted by key) as the text manifest `path`, headed by comments that say
// what the model is and how to make its weights.
Status WriteWeightlessManifest(Env* env, const std::string& path,
                               const std::vector<StrippedTensor>& tensors);

// Parses manifest `path`. DataLoss naming the file (and the tensor) for a parse error, an
// empty, unsorted or repeated key, or a negative or overflowing dimension; Unimplemented for
// a version other than kWeightlessManifestVersion.
StatusOr<std::vector<StrippedTensor>> ReadWeightlessManifest(Env* env, const std::string& path);

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_WEIGHTLESS_H_
