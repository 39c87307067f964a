#include "backends/cuda/shared_weights.h"

#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "savedmodel/crc32c.h"

namespace tftrt::cuda {
namespace {

// A shared copy and the host bytes it was made from (compared on a lookup: the key is a
// checksum, not an identity).
struct Entry {
  std::vector<char> host;
  DeviceWeights device;
};

class Registry {
 public:
  StatusOr<std::shared_ptr<const DeviceWeights>> Upload(const void* host, size_t bytes) {
    const char* data = static_cast<const char*>(host);
    const uint64_t key = (uint64_t{crc32c::Value(data, bytes)} << 32) ^ bytes;
    std::lock_guard<std::mutex> lock(mu_);
    auto [begin, end] = entries_.equal_range(key);
    for (auto it = begin; it != end;) {
      std::shared_ptr<Entry> entry = it->second.lock();
      if (entry == nullptr) {  // every engine that held it is gone
        it = entries_.erase(it);
        continue;
      }
      if (entry->host.size() == bytes && std::memcmp(entry->host.data(), data, bytes) == 0) {
        return std::shared_ptr<const DeviceWeights>(entry, &entry->device);
      }
      ++it;
    }
    auto entry = std::make_shared<Entry>();
    TFTRT_ASSIGN_OR_RETURN(entry->device, DeviceWeights::Upload(host, bytes));
    entry->host.assign(data, data + bytes);
    entries_.emplace(key, entry);
    return std::shared_ptr<const DeviceWeights>(entry, &entry->device);
  }

  size_t Bytes() {
    std::lock_guard<std::mutex> lock(mu_);
    size_t total = 0;
    for (const auto& [key, weak] : entries_) {
      if (std::shared_ptr<Entry> entry = weak.lock()) total += entry->device.bytes();
    }
    return total;
  }

 private:
  std::mutex mu_;
  std::unordered_multimap<uint64_t, std::weak_ptr<Entry>> entries_;
};

Registry& ProcessRegistry() {
  static Registry* registry = new Registry();  // never destroyed: engines may outlive statics
  return *registry;
}

}  // namespace

StatusOr<std::shared_ptr<const DeviceWeights>> UploadShared(const void* host, size_t bytes) {
  if (bytes < kSharedWeightsMinBytes) {
    TFTRT_ASSIGN_OR_RETURN(DeviceWeights weights, DeviceWeights::Upload(host, bytes));
    return std::shared_ptr<const DeviceWeights>(
        std::make_shared<DeviceWeights>(std::move(weights)));
  }
  return ProcessRegistry().Upload(host, bytes);
}

StatusOr<std::shared_ptr<const DeviceWeights>> UploadSharedAs(const std::vector<float>& values,
                                                              DataType dtype) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<char> bytes, WeightBytesAs(values, dtype));
  return UploadShared(bytes.data(), bytes.size());
}

size_t SharedWeightsBytes() { return ProcessRegistry().Bytes(); }

}  // namespace tftrt::cuda
