// TensorBundleWriter: writes tensors as a TensorFlow tensor bundle (a SavedModel's
// variables/; format in tensor_bundle_format.h) that TensorFlow and TensorBundleReader read:
// one data shard, tensors packed in the order they are added, an uncompressed index sorted
// by key, header {num_shards: 1, version {producer: 1}}.
//
// Tensor bytes are streamed to the data shard as they are added (large checkpoints are not
// held in memory twice). The writer does not make the bundle appear atomically: write into
// a temporary directory and rename it, as SaveSavedModel does.
//
// Thread safety: one writer is used by one thread.
#ifndef TFTRT_SAVEDMODEL_TENSOR_BUNDLE_WRITER_H_
#define TFTRT_SAVEDMODEL_TENSOR_BUNDLE_WRITER_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "proto/tensor_bundle.pb.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

class TensorBundleWriter {
 public:
  // Creates "<prefix>.data-00000-of-00001" (the directory must exist); the index is written
  // by Finish().
  static StatusOr<std::unique_ptr<TensorBundleWriter>> Create(Env* env, const std::string& prefix);

  // Appends `tensor` under `key`. InvalidArgument for an empty or duplicate key, and for
  // invalid / resource / variant tensors.
  Status Add(const std::string& key, const Tensor& tensor);
  // Closes (and syncs) the data shard and writes "<prefix>.index". Call exactly once.
  Status Finish();

 private:
  TensorBundleWriter(Env* env, std::string prefix, std::unique_ptr<WritableFile> data)
      : env_(env), prefix_(std::move(prefix)), data_(std::move(data)) {}

  Env* env_;
  std::string prefix_;
  std::unique_ptr<WritableFile> data_;
  int64_t offset_ = 0;
  std::map<std::string, tensorflow::BundleEntryProto> entries_;
  bool finished_ = false;
};

// Writes `tensors` (key, tensor) as a bundle at `prefix` in one call.
Status WriteTensorBundle(Env* env, const std::string& prefix,
                         const std::vector<std::pair<std::string, Tensor>>& tensors);

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_TENSOR_BUNDLE_WRITER_H_
