// Writing a SavedModel directory that TensorFlow and tftrt read: saved_model.pb, the
// variables/ bundle, assets/ and any extra files (assets.extra/, keras_metadata.pb, ...).
//
// The directory appears atomically: everything is written into a temporary sibling
// directory, synced (files and directories), and renamed into place, then the parent
// directory is synced, so a failure (full disk, I/O error, a crash) leaves either no
// directory or the previous one, never a half-written model. An existing non-empty target
// is refused unless `overwrite` is set; with it, the new directory is exchanged with the old
// one in one atomic step (renameat2 RENAME_EXCHANGE; where the file system lacks it, the
// old directory is renamed aside, replaced, and put back if that fails), then the old one
// is deleted. A writer killed mid-write leaves its temporary directory behind (and, without
// the atomic exchange, possibly the old model moved aside): the next write of the same
// target removes the former and restores the latter (once that process is gone), and logs
// what it did.
#ifndef TFTRT_SAVEDMODEL_SAVED_MODEL_WRITER_H_
#define TFTRT_SAVEDMODEL_SAVED_MODEL_WRITER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "proto/saved_model.pb.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// What goes into a SavedModel directory.
struct SavedModelContents {
  tensorflow::SavedModel saved_model;
  // Checkpoint (key, tensor) pairs for variables/variables.*, in data-file order. Empty: no
  // variables/ directory (a program-only SavedModel). TF2 models also need the
  // _CHECKPOINTABLE_OBJECT_GRAPH entry (a scalar string) here.
  std::vector<std::pair<std::string, Tensor>> variables;
  // (file name under assets/, contents).
  std::vector<std::pair<std::string, std::string>> assets;
  // (relative path, contents), e.g. "fingerprint.pb", "assets.extra/tf_serving_warmup_requests".
  std::vector<std::pair<std::string, std::string>> extra_files;
};

struct WriteSavedModelOptions {
  // Replace an existing non-empty directory at the target path.
  bool overwrite = false;
  // Write saved_model.pbtxt (text format) instead of saved_model.pb.
  bool text_format = false;
};

// Writes `contents` as the SavedModel directory `export_dir` (parents are created).
// AlreadyExists if `export_dir` is a non-empty directory and !options.overwrite;
// FailedPrecondition if it is a file; InvalidArgument for asset / extra-file paths that are
// absolute, contain "..", or collide with the model's own files; any I/O error names the
// path. On error the target is unchanged and the temporary directory is removed, except
// for errors after the commit (syncing the parent directory, removing the previous model),
// which say that the model was written.
Status WriteSavedModel(Env* env, const std::string& export_dir, const SavedModelContents& contents,
                       const WriteSavedModelOptions& options = {});

// The atomic part of WriteSavedModel, for writers of other SavedModel copies: creates an
// empty temporary sibling directory of `dir`, calls `fill` with its path, and renames it
// to `dir` (replacing the previous directory only if `overwrite`, as above). Refuses a
// non-empty `dir` without `overwrite` (AlreadyExists) and a file at `dir`
// (FailedPrecondition) before calling `fill`. If `fill` fails, the temporary directory is
// removed, `dir` is unchanged and `fill`'s error is returned with context.
Status WriteDirectoryAtomically(Env* env, const std::string& dir, bool overwrite,
                                const std::function<Status(const std::string& temp_dir)>& fill);

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_SAVED_MODEL_WRITER_H_
