#include "savedmodel/tensor_bundle_reader.h"

#include <cstdio>
#include <cstring>

#include "common/checksum.h"
#include "common/logging.h"
#include "common/memory_limit.h"
#include "savedmodel/crc32c.h"
#include "savedmodel/sstable_reader.h"
#include "savedmodel/tensor_bundle_format.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// More shards than any real checkpoint has; a larger count is a corrupt header, not a
// reason to try opening millions of files.
constexpr int kMaxShards = 1 << 16;

std::string Hex(uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "0x%08x", value);
  return buffer;
}

// Checks that `shape` describes a tensor whose bytes fit in int64 (at most 16 per element).
bool ShapeFits(const Shape& shape) {
  int64_t n = 16;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<TensorBundleReader>> TensorBundleReader::Open(Env* env,
                                                                       const std::string& prefix) {
  std::unique_ptr<TensorBundleReader> reader(new TensorBundleReader);
  reader->prefix_ = prefix;
  reader->index_path_ = bundle::IndexPath(prefix);
  const std::string& index_path = reader->index_path_;
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<SSTableReader> table,
                         SSTableReader::Open(env, index_path));

  const auto& table_entries = table->entries();
  if (table_entries.empty() || table_entries.front().first != bundle::kHeaderEntryKey) {
    return Status::DataLoss("tensor bundle index '" + index_path +
                            "' has no header (the entry with the empty key)");
  }
  RouteProtobufLogs();
  tensorflow::BundleHeaderProto& header = reader->header_;
  if (!header.ParseFromString(table_entries.front().second)) {
    return Status::DataLoss("cannot parse the BundleHeaderProto of '" + index_path + "'");
  }
  if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE) {
    return Status::Unimplemented("tensor bundle '" + index_path +
                                 "' is big-endian; tftrt reads little-endian bundles only");
  }
  if (header.version().min_consumer() > bundle::kTensorBundleVersion) {
    return Status::Unimplemented("tensor bundle '" + index_path + "' needs a reader of version " +
                                 std::to_string(header.version().min_consumer()) +
                                 "; tftrt reads version " +
                                 std::to_string(bundle::kTensorBundleVersion));
  }
  for (int bad : header.version().bad_consumers()) {
    if (bad == bundle::kTensorBundleVersion) {
      return Status::Unimplemented("tensor bundle '" + index_path + "' excludes reader version " +
                                   std::to_string(bad));
    }
  }
  if (header.num_shards() <= 0 || header.num_shards() > kMaxShards) {
    return Status::DataLoss("tensor bundle index '" + index_path + "' has a bad shard count " +
                            std::to_string(header.num_shards()));
  }

  std::vector<bool> shard_used(header.num_shards(), false);
  for (size_t i = 1; i < table_entries.size(); ++i) {
    const std::string& key = table_entries[i].first;
    tensorflow::BundleEntryProto entry;
    auto corrupt = [&](const std::string& why) {
      return Status::DataLoss("entry for tensor '" + key + "' in '" + index_path + "' " + why);
    };
    if (!entry.ParseFromString(table_entries[i].second)) return corrupt("cannot be parsed");
    auto shape = ShapeFromProto(entry.shape());
    if (!shape.ok()) return corrupt("has a bad shape: " + shape.status().message());
    if (!ShapeFits(*shape)) return corrupt("has a shape too large: " + ShapeToString(*shape));
    if (entry.slices_size() == 0) {
      if (entry.shard_id() < 0 || entry.shard_id() >= header.num_shards()) {
        return corrupt("names shard " + std::to_string(entry.shard_id()) + " of " +
                       std::to_string(header.num_shards()));
      }
      if (entry.offset() < 0 || entry.size() < 0) {
        return corrupt("has a negative offset or size");
      }
      shard_used[entry.shard_id()] = true;
    }
    reader->entries_.emplace(key, std::move(entry));
  }

  // Like TensorFlow, only shards that hold data must exist.
  reader->shards_.resize(header.num_shards());
  for (int s = 0; s < header.num_shards(); ++s) {
    if (!shard_used[s]) continue;
    const std::string path = bundle::DataPath(prefix, s, header.num_shards());
    auto file = env->NewRandomAccessFile(path);
    if (!file.ok()) {
      if (file.status().code() == StatusCode::kNotFound) {
        return Status::DataLoss("data shard '" + path + "' of tensor bundle '" + index_path +
                                "' is missing");
      }
      return file.status();
    }
    reader->shards_[s] = std::move(file).value();
  }
  return reader;
}

bool TensorBundleReader::Contains(std::string_view key) const {
  return entries_.find(key) != entries_.end();
}

StatusOr<const tensorflow::BundleEntryProto*> TensorBundleReader::GetEntry(
    std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    return Status::NotFound("no tensor '" + std::string(key) + "' in tensor bundle '" +
                            index_path_ + "'");
  }
  return &it->second;
}

StatusOr<Tensor> TensorBundleReader::Read(std::string_view key_view) const {
  TFTRT_ASSIGN_OR_RETURN(const tensorflow::BundleEntryProto* entry, GetEntry(key_view));
  const std::string key(key_view);
  if (entry->slices_size() > 0) {
    return Status::Unimplemented("tensor '" + key + "' in '" + index_path_ +
                                 "' is partitioned into " + std::to_string(entry->slices_size()) +
                                 " slices; tftrt does not read sliced variables");
  }
  auto dtype_or = DataTypeFromProto(entry->dtype());
  if (!dtype_or.ok()) {
    return Status::InvalidArgument("tensor '" + key + "' in '" + index_path_ +
                                   "': " + dtype_or.status().message());
  }
  const DataType dtype = *dtype_or;
  if (dtype == DataType::kResource || dtype == DataType::kVariant) {
    return Status::Unimplemented("tensor '" + key + "' in '" + index_path_ + "' has dtype " +
                                 std::string(DataTypeName(dtype)) + ", which tftrt does not read");
  }
  Shape shape = ShapeFromProto(entry->shape()).value();  // checked by Open()
  const RandomAccessFile& shard = *shards_[entry->shard_id()];
  const std::string where = "tensor '" + key + "' in data shard '" + shard.path() + "'";
  const uint64_t offset = static_cast<uint64_t>(entry->offset());
  const uint64_t size = static_cast<uint64_t>(entry->size());
  if (offset > shard.Size() || size > shard.Size() - offset) {
    return Status::DataLoss(where + ": bytes [" + std::to_string(offset) + ", " +
                            std::to_string(offset + size) + ") lie past the end of the shard (" +
                            std::to_string(shard.Size()) + " bytes); truncated shard?");
  }

  // Check the size against the shape before allocating: a corrupt shape must not make us
  // allocate more than the shard holds.
  const int64_t n = NumElements(shape);
  if (dtype == DataType::kString) {
    // At least one length byte per string, plus the length checksum.
    if (static_cast<uint64_t>(n) > size || (n > 0 && size - static_cast<uint64_t>(n) < 4)) {
      return Status::DataLoss(where + ": " + std::to_string(size) + " bytes cannot hold " +
                              std::to_string(n) + " strings");
    }
  } else if (size != static_cast<uint64_t>(n) * DataTypeSize(dtype)) {
    return Status::DataLoss(where + ": the index says " + std::to_string(size) + " bytes but " +
                            std::string(DataTypeName(dtype)) + ShapeToString(shape) + " has " +
                            std::to_string(n * DataTypeSize(dtype)));
  }

  // Even a size that the shard holds can ask too much: a string is 1 byte in the shard and a
  // std::string in memory.
  TFTRT_RETURN_IF_ERROR_CTX(CheckTensorAllocation(dtype, shape), where);
  Tensor tensor(dtype, shape);
  uint32_t actual_crc;
  if (dtype == DataType::kString) {
    std::string data;
    TFTRT_RETURN_IF_ERROR(shard.ReadToString(offset, size, &data));
    TFTRT_RETURN_IF_ERROR(bundle::DecodeStringTensor(
        data, tensor.NumElements(), tensor.flat<std::string>(), &actual_crc, where));
  } else {
    char* data = static_cast<char*>(tensor.raw_data());
    TFTRT_RETURN_IF_ERROR(shard.Read(offset, size, data));
    actual_crc = crc32c::Value(data, size);
    if (dtype == DataType::kBool) {
      // Only 0 and 1 are valid bools in C++; TF writes nothing else, but be safe.
      for (uint64_t i = 0; i < size; ++i) data[i] = data[i] != 0 ? 1 : 0;
    }
  }
  const uint32_t stored_crc = crc32c::Unmask(entry->crc32c());
  if (!ChecksumMatches(stored_crc, actual_crc)) {
    return Status::DataLoss("checksum mismatch for " + where + ": stored " + Hex(stored_crc) +
                            ", computed " + Hex(actual_crc) + "; the checkpoint is corrupt");
  }
  return tensor;
}

std::vector<BundleEntryInfo> TensorBundleReader::List() const {
  std::vector<BundleEntryInfo> list;
  list.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) {
    BundleEntryInfo info;
    info.key = key;
    info.dtype = entry.dtype();
    info.dtype_name = DataTypeProtoName(entry.dtype());
    info.shape = ShapeFromProto(entry.shape()).value();  // checked by Open()
    info.size_bytes = entry.size();
    info.shard_id = entry.shard_id();
    info.offset = entry.offset();
    info.sliced = entry.slices_size() > 0;
    list.push_back(std::move(info));
  }
  return list;
}

Status TensorBundleReader::VerifyAll() const {
  for (const auto& [key, entry] : entries_) {
    if (entry.slices_size() > 0) continue;
    // Hold the StatusOr: a reference to the status of a temporary would dangle.
    StatusOr<Tensor> tensor = Read(key);
    if (!tensor.ok()) return tensor.status();
  }
  return Status::Ok();
}

}  // namespace tftrt
