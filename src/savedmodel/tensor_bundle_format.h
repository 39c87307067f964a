// Facts of TensorFlow's tensor bundle (the variables/ checkpoint of a SavedModel) shared by
// TensorBundleReader and TensorBundleWriter:
//
//   <prefix>.index                 table (sstable_format.h): key "" -> BundleHeaderProto,
//                                  tensor name -> BundleEntryProto (dtype, shape, shard,
//                                  offset, size, masked crc32c)
//   <prefix>.data-SSSSS-of-NNNNN   the tensors' bytes, packed in the writer's order
//
// Numeric and bool tensors are their raw little-endian bytes; the entry checksum is the
// masked CRC32C of those bytes. String tensors are laid out as
//   varint64 length[n] | fixed32 masked crc of the lengths | bytes[0] ... bytes[n-1]
// where the length checksum covers each length as uint32 LE (uint64 LE if >= 4 GiB), and the
// entry checksum covers those same fixed-width lengths, the 4 stored checksum bytes, and the
// string bytes (not the varints as stored).
#ifndef TFTRT_SAVEDMODEL_TENSOR_BUNDLE_FORMAT_H_
#define TFTRT_SAVEDMODEL_TENSOR_BUNDLE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "tftrt/status.h"

namespace tftrt::bundle {

// The index key of the BundleHeaderProto; it sorts first.
inline constexpr std::string_view kHeaderEntryKey = "";
// BundleHeaderProto.version.producer that tftrt writes, and the newest min_consumer it reads.
inline constexpr int kTensorBundleVersion = 1;

// "<prefix>.index".
std::string IndexPath(std::string_view prefix);
// "<prefix>.data-00000-of-00001" for shard 0 of 1.
std::string DataPath(std::string_view prefix, int shard_id, int num_shards);

// Appends the on-disk form of `n` strings to `*out` and returns the entry checksum
// (unmasked) in `*crc`.
void EncodeStringTensor(const std::string* strings, int64_t n, std::string* out, uint32_t* crc);

// Parses `n` strings from `data`, which must be exactly their on-disk form, checking the
// length checksum. Returns the entry checksum (unmasked) in `*crc`. DataLoss naming `what`
// on any inconsistency.
Status DecodeStringTensor(std::string_view data, int64_t n, std::string* strings, uint32_t* crc,
                          const std::string& what);

}  // namespace tftrt::bundle

#endif  // TFTRT_SAVEDMODEL_TENSOR_BUNDLE_FORMAT_H_
