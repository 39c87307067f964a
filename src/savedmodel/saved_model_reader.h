// Reading a SavedModel directory: saved_model.pb (or .pbtxt), the MetaGraphDef for a
// tag-set, the variables bundle and the checkpoint's object graph, and the mapping from the
// SavedModel's variable objects to their checkpoint keys.
//
// Errors name the directory or file: NotFound / InvalidArgument when the path is not a
// SavedModel directory or lacks the tag-set (the message lists the tag-sets there are),
// DataLoss for truncated or corrupt files, Unimplemented for chunked (.cpb) SavedModels,
// FailedPrecondition for weightless SavedModels (savedmodel/weightless.h).
#ifndef TFTRT_SAVEDMODEL_SAVED_MODEL_READER_H_
#define TFTRT_SAVEDMODEL_SAVED_MODEL_READER_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/env.h"
#include "proto/fingerprint.pb.h"
#include "proto/meta_graph.pb.h"
#include "proto/saved_model.pb.h"
#include "proto/trackable_object_graph.pb.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "tftrt/status.h"

namespace tftrt {

// File and directory names inside a SavedModel directory.
inline constexpr char kSavedModelFilenamePb[] = "saved_model.pb";
inline constexpr char kSavedModelFilenamePbTxt[] = "saved_model.pbtxt";
inline constexpr char kSavedModelFilenameCpb[] = "saved_model.cpb";
inline constexpr char kFingerprintFilename[] = "fingerprint.pb";
inline constexpr char kVariablesDirectory[] = "variables";
inline constexpr char kVariablesFilename[] = "variables";  // bundle prefix inside variables/
inline constexpr char kAssetsDirectory[] = "assets";
inline constexpr char kAssetsExtraDirectory[] = "assets.extra";
// Checkpoint key of the serialized TrackableObjectGraph (a scalar string tensor).
inline constexpr char kObjectGraphProtoKey[] = "_CHECKPOINTABLE_OBJECT_GRAPH";
inline constexpr char kServeTag[] = "serve";

// A SavedModel as read from disk. Move-only.
struct SavedModelBundle {
  std::string export_dir;
  // The file the SavedModel proto was read from (saved_model.pb or saved_model.pbtxt).
  std::string saved_model_path;
  // The MetaGraphDef whose tags equal the requested tag-set.
  tensorflow::MetaGraphDef meta_graph;
  // The variables checkpoint; null if the model has no variables/variables.index.
  std::unique_ptr<TensorBundleReader> variables;
  // The checkpoint's object graph (TF2 models), if the checkpoint has one.
  std::optional<tensorflow::TrackableObjectGraph> object_graph;
  // fingerprint.pb, if present (newer TF).
  std::optional<tensorflow::FingerprintDef> fingerprint;
};

// Parses saved_model.pb, else saved_model.pbtxt, of `export_dir` (no tag selection).
StatusOr<tensorflow::SavedModel> ReadSavedModelProto(Env* env, const std::string& export_dir);

// Parses the checkpoint's object graph (the scalar string under kObjectGraphProtoKey).
// NotFound if `variables` has none; DataLoss naming the bundle if it is not a scalar string
// or not a TrackableObjectGraph.
Status ReadObjectGraph(const TensorBundleReader& variables,
                       tensorflow::TrackableObjectGraph* graph);

// Reads the SavedModel in `export_dir` with the MetaGraphDef tagged exactly `tags`.
StatusOr<SavedModelBundle> ReadSavedModel(Env* env, const std::string& export_dir,
                                          const std::set<std::string>& tags = {kServeTag});

// For each variable node of the SavedObjectGraph (node id), its checkpoint key in
// `bundle.variables`, found as TensorFlow's loader does: walking the SavedObjectGraph and
// the checkpoint's TrackableObjectGraph in parallel from node 0, matching children by
// local_name (slot variables by slot name and original variable). Variables without a
// checkpoint value are absent. FailedPrecondition if the model has no object graph (TF1) or
// the two graphs disagree; an empty map if the model has no checkpoint object graph and no
// variables.
StatusOr<std::map<int, std::string>> VariableCheckpointKeys(const SavedModelBundle& bundle);

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_SAVED_MODEL_READER_H_
