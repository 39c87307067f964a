#include "engine/engine_cache_file.h"

#include "savedmodel/coding.h"

namespace tftrt {
namespace {

constexpr std::string_view kCacheMagic = "TFTRTCAC";
constexpr uint32_t kCacheVersion = 1;

}  // namespace

std::string SerializeEngineCacheFile(const std::vector<std::string>& blobs) {
  std::string contents(kCacheMagic);
  PutFixed32(&contents, kCacheVersion);
  PutFixed32(&contents, static_cast<uint32_t>(blobs.size()));
  for (const std::string& blob : blobs) {
    PutFixed64(&contents, blob.size());
    contents += blob;
  }
  return contents;
}

StatusOr<std::vector<std::string>> ParseEngineCacheFile(std::string_view contents) {
  if (!contents.starts_with(kCacheMagic)) {
    return Status::DataLoss("not a tftrt engine cache file (bad magic)");
  }
  contents.remove_prefix(kCacheMagic.size());
  uint32_t version = 0, count = 0;
  if (!GetFixed32(&contents, &version) || version != kCacheVersion ||
      !GetFixed32(&contents, &count)) {
    return Status::DataLoss("engine cache file: bad header (version " + std::to_string(version) +
                            ")");
  }
  std::vector<std::string> blobs;
  for (uint32_t i = 0; i < count; ++i) {
    if (contents.size() < 8) return Status::DataLoss("engine cache file is truncated");
    const uint64_t size = DecodeFixed64(contents.data());
    contents.remove_prefix(8);
    if (contents.size() < size) return Status::DataLoss("engine cache file is truncated");
    blobs.emplace_back(contents.substr(0, size));
    contents.remove_prefix(size);
  }
  if (!contents.empty()) return Status::DataLoss("engine cache file has trailing bytes");
  return blobs;
}

}  // namespace tftrt
