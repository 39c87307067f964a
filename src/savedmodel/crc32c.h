// CRC-32C (Castagnoli) and the masking TensorFlow and LevelDB apply to stored checksums.
//
// Checksums in the variables bundle (SSTable block trailers, BundleEntryProto.crc32c, the
// in-data checksums of string tensors) are masked: a CRC of data that itself contains CRCs
// is then unlikely to be degenerate.
#ifndef TFTRT_SAVEDMODEL_CRC32C_H_
#define TFTRT_SAVEDMODEL_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tftrt::crc32c {

// The CRC of concat(A, data) given crc = Value(A). Extend(0, ...) is Value(...).
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Extend(uint32_t crc, std::string_view data) {
  return Extend(crc, data.data(), data.size());
}
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
// Rotate right by 15 bits and add a constant.
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace tftrt::crc32c

#endif  // TFTRT_SAVEDMODEL_CRC32C_H_
