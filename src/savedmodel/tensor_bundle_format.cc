#include "savedmodel/tensor_bundle_format.h"

#include <cstdio>
#include <vector>

#include "common/checksum.h"
#include "savedmodel/coding.h"
#include "savedmodel/crc32c.h"

namespace tftrt::bundle {
namespace {

// Lengths enter the checksums as 4 bytes when they fit, as TensorFlow's reader expects.
uint32_t ExtendWithLength(uint32_t crc, uint64_t length) {
  std::string bytes;
  if (length <= 0xffffffffu) {
    PutFixed32(&bytes, static_cast<uint32_t>(length));
  } else {
    PutFixed64(&bytes, length);
  }
  return crc32c::Extend(crc, bytes);
}

}  // namespace

std::string IndexPath(std::string_view prefix) { return std::string(prefix) + ".index"; }

std::string DataPath(std::string_view prefix, int shard_id, int num_shards) {
  char suffix[64];
  std::snprintf(suffix, sizeof(suffix), ".data-%05d-of-%05d", shard_id, num_shards);
  return std::string(prefix) + suffix;
}

void EncodeStringTensor(const std::string* strings, int64_t n, std::string* out, uint32_t* crc) {
  uint32_t length_crc = 0;
  for (int64_t i = 0; i < n; ++i) {
    PutVarint64(out, strings[i].size());
    length_crc = ExtendWithLength(length_crc, strings[i].size());
  }
  // The entry checksum repeats the length checksum, so both are computed in one pass.
  uint32_t entry_crc = length_crc;
  std::string masked;
  PutFixed32(&masked, crc32c::Mask(length_crc));
  out->append(masked);
  entry_crc = crc32c::Extend(entry_crc, masked);
  for (int64_t i = 0; i < n; ++i) {
    out->append(strings[i]);
    entry_crc = crc32c::Extend(entry_crc, strings[i]);
  }
  *crc = entry_crc;
}

Status DecodeStringTensor(std::string_view data, int64_t n, std::string* strings, uint32_t* crc,
                          const std::string& what) {
  std::string_view rest = data;
  std::vector<uint64_t> lengths(n);
  uint32_t length_crc = 0;
  uint64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!GetVarint64(&rest, &lengths[i])) {
      return Status::DataLoss(what + ": string length " + std::to_string(i) + " of " +
                              std::to_string(n) + " is truncated or malformed");
    }
    length_crc = ExtendWithLength(length_crc, lengths[i]);
    total += lengths[i];
    if (total > data.size()) {
      return Status::DataLoss(what + ": string lengths exceed the entry's " +
                              std::to_string(data.size()) + " bytes");
    }
  }
  uint32_t stored_length_crc;
  const std::string_view masked = rest.substr(0, 4);
  if (!GetFixed32(&rest, &stored_length_crc)) {
    return Status::DataLoss(what + ": string data is truncated before the length checksum");
  }
  if (!ChecksumMatches(crc32c::Unmask(stored_length_crc), length_crc)) {
    return Status::DataLoss(what + ": checksum mismatch in the string lengths");
  }
  if (total != rest.size()) {
    return Status::DataLoss(what + ": the string lengths add up to " + std::to_string(total) +
                            " bytes but the entry holds " + std::to_string(rest.size()));
  }
  uint32_t entry_crc = crc32c::Extend(length_crc, masked);
  for (int64_t i = 0; i < n; ++i) {
    strings[i].assign(rest.substr(0, lengths[i]));
    entry_crc = crc32c::Extend(entry_crc, rest.substr(0, lengths[i]));
    rest.remove_prefix(lengths[i]);
  }
  *crc = entry_crc;
  return Status::Ok();
}

}  // namespace tftrt::bundle
