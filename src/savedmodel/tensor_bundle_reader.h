// TensorBundleReader: reads tensors from a TensorFlow tensor bundle (a SavedModel's
// variables/variables.{index,data-*}; format in tensor_bundle_format.h) by key.
//
// Open() reads and checks the index (table checksums, header, every entry) and opens every
// data shard, so a missing shard is reported up front. Read() checks bounds and the entry's
// checksum before returning a tensor. Every error names the file and the key at fault:
// NotFound (missing file or key), DataLoss (corruption), Unimplemented (partitioned /
// sliced tensors, big-endian bundles, variant tensors), InvalidArgument (dtypes tftrt cannot
// hold).
//
// Thread safety: immutable after Open(); Read() may be called concurrently.
#ifndef TFTRT_SAVEDMODEL_TENSOR_BUNDLE_READER_H_
#define TFTRT_SAVEDMODEL_TENSOR_BUNDLE_READER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "proto/tensor_bundle.pb.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// What the index says about one tensor.
struct BundleEntryInfo {
  std::string key;
  int dtype = 0;           // wire value (tensorflow::DataType), which tftrt may not support
  std::string dtype_name;  // "DT_FLOAT"
  Shape shape;             // full shape
  int64_t size_bytes = 0;  // bytes in the data shard
  int shard_id = 0;
  int64_t offset = 0;
  bool sliced = false;  // partitioned: data lives under other keys (not readable by tftrt)
};

class TensorBundleReader {
 public:
  // `prefix` is the path without suffix, e.g. "<export dir>/variables/variables".
  static StatusOr<std::unique_ptr<TensorBundleReader>> Open(Env* env, const std::string& prefix);

  const std::string& prefix() const { return prefix_; }
  const tensorflow::BundleHeaderProto& header() const { return header_; }

  bool Contains(std::string_view key) const;
  // The index entry of `key`; NotFound naming the key and the bundle if there is none.
  StatusOr<const tensorflow::BundleEntryProto*> GetEntry(std::string_view key) const;
  // Reads the tensor stored under `key`, verifying its checksum.
  StatusOr<Tensor> Read(std::string_view key) const;
  // Every tensor of the bundle (not the header), sorted by key.
  std::vector<BundleEntryInfo> List() const;
  // Reads every non-sliced tensor and checks its checksum; the first error, if any.
  Status VerifyAll() const;

 private:
  TensorBundleReader() = default;

  std::string prefix_;
  std::string index_path_;
  tensorflow::BundleHeaderProto header_;
  std::map<std::string, tensorflow::BundleEntryProto, std::less<>> entries_;
  std::vector<std::unique_ptr<RandomAccessFile>> shards_;
};

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_TENSOR_BUNDLE_READER_H_
