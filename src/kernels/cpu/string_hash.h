// The string hashes TensorFlow's hashing ops use, bit for bit:
// - Fingerprint64: farmhash's Fingerprint64 (the "na" variant of its 64-bit hash), what
//   StringToHashBucketFast and tf.strings.to_hash_bucket_fast bucket by;
// - SipHash24: SipHash-2-4 under a 128-bit key, StringToHashBucketStrong's hash;
// - LegacyHash64: TF's own Hash64 (MurmurHash64A, seed 0xDECAFCAFFE), what the deprecated
//   StringToHashBucket uses.
// Written from the published descriptions of the algorithms; tests check them against
// values TensorFlow computed.
#ifndef TFTRT_KERNELS_CPU_STRING_HASH_H_
#define TFTRT_KERNELS_CPU_STRING_HASH_H_

#include <cstdint>
#include <string_view>

namespace tftrt {

uint64_t Fingerprint64(std::string_view data);
uint64_t SipHash24(uint64_t key0, uint64_t key1, std::string_view data);
uint64_t LegacyHash64(std::string_view data);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_STRING_HASH_H_
