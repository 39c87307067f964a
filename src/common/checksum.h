// Comparing a checksum stored in a file with the one computed from the data it covers.
//
// Every reader checks its checksums through ChecksumMatches, so that the fuzz targets can
// accept any stored value: a mutated input then reaches the parsing behind the checksum
// instead of stopping at it almost every time. Checksums guard against damage, not against
// a hostile file (anyone can recompute them), so the code behind them must be safe on any
// bytes anyway.
//
// Only the fuzzing build (TFTRT_FUZZ, which defines FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
// as OSS-Fuzz does) can turn checksums off, and only its fuzz targets do
// (fuzz/fuzz_helpers.cc): the unit tests built with them still expect checksum errors.
#ifndef TFTRT_COMMON_CHECKSUM_H_
#define TFTRT_COMMON_CHECKSUM_H_

#include <cstdint>

namespace tftrt {

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
// Set once, before the first input, by a fuzz target's initialization.
inline bool& IgnoreChecksumsForFuzzing() {
  static bool ignore = false;
  return ignore;
}
#endif

inline bool ChecksumMatches(uint32_t stored, uint32_t computed) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (IgnoreChecksumsForFuzzing()) return true;
#endif
  return stored == computed;
}

}  // namespace tftrt

#endif  // TFTRT_COMMON_CHECKSUM_H_
