// Constants and block handles of the LevelDB table ("SSTable") format that TensorFlow uses
// for variables.index (TF's core/lib/io/table_format.txt):
//
//   file    = data-block* metaindex-block index-block footer
//   block   = contents type:uint8 crc:fixed32   (crc = Mask(crc32c(contents || type)))
//   contents (uncompressed) = entry* restart:fixed32* num_restarts:fixed32
//   entry   = shared:varint32 non_shared:varint32 value_length:varint32
//             key_delta[non_shared] value[value_length]
//   footer  = metaindex-handle index-handle zero-padding (40 bytes) magic:fixed64 (48 bytes)
//   handle  = offset:varint64 size:varint64   (size excludes the 5-byte block trailer)
#ifndef TFTRT_SAVEDMODEL_SSTABLE_FORMAT_H_
#define TFTRT_SAVEDMODEL_SSTABLE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tftrt::sstable {

inline constexpr uint64_t kTableMagicNumber = 0xdb4775248b80fb57ull;
inline constexpr size_t kBlockTrailerSize = 5;
inline constexpr size_t kMaxBlockHandleLength = 20;  // two varint64s
inline constexpr size_t kFooterLength = 2 * kMaxBlockHandleLength + 8;

// Block types (the byte after the contents).
inline constexpr uint8_t kNoCompression = 0;
inline constexpr uint8_t kSnappyCompression = 1;

struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;  // contents only, without the trailer
};

void EncodeBlockHandle(const BlockHandle& handle, std::string* dst);
// Parses a handle from the front of `*input`, advancing it. False if malformed.
bool DecodeBlockHandle(std::string_view* input, BlockHandle* handle);

}  // namespace tftrt::sstable

#endif  // TFTRT_SAVEDMODEL_SSTABLE_FORMAT_H_
