#include "kernels/cpu/string_hash.h"

#include <cstring>
#include <utility>

namespace tftrt {
namespace {

// Little-endian loads (the hashes are defined on little-endian words).
uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t RotateRight(uint64_t v, int shift) {
  return shift == 0 ? v : (v >> shift) | (v << (64 - shift));
}
uint64_t RotateLeft(uint64_t v, int shift) { return (v << shift) | (v >> (64 - shift)); }

// ---- farmhash Fingerprint64 ----

constexpr uint64_t kPrime0 = 0xc3a5c85c97cb3127ULL;
constexpr uint64_t kPrime1 = 0xb492b66fbe98f273ULL;
constexpr uint64_t kPrime2 = 0x9ae16a3b2f90404fULL;

uint64_t ShiftMix(uint64_t v) { return v ^ (v >> 47); }

// Mixes two words into one under multiplier `mul`.
uint64_t Mix16(uint64_t u, uint64_t v, uint64_t mul) {
  uint64_t a = (u ^ v) * mul;
  a ^= a >> 47;
  uint64_t b = (v ^ a) * mul;
  b ^= b >> 47;
  return b * mul;
}

uint64_t HashUpTo16(const char* s, size_t len) {
  if (len >= 8) {
    const uint64_t mul = kPrime2 + len * 2;
    const uint64_t a = Load64(s) + kPrime2;
    const uint64_t b = Load64(s + len - 8);
    const uint64_t c = RotateRight(b, 37) * mul + a;
    const uint64_t d = (RotateRight(a, 25) + b) * mul;
    return Mix16(c, d, mul);
  }
  if (len >= 4) {
    const uint64_t mul = kPrime2 + len * 2;
    const uint64_t a = Load32(s);
    return Mix16(len + (a << 3), Load32(s + len - 4), mul);
  }
  if (len > 0) {
    const uint8_t a = static_cast<uint8_t>(s[0]);
    const uint8_t b = static_cast<uint8_t>(s[len >> 1]);
    const uint8_t c = static_cast<uint8_t>(s[len - 1]);
    const uint32_t y = static_cast<uint32_t>(a) + (static_cast<uint32_t>(b) << 8);
    const uint32_t z = static_cast<uint32_t>(len) + (static_cast<uint32_t>(c) << 2);
    return ShiftMix(y * kPrime2 ^ z * kPrime0) * kPrime2;
  }
  return kPrime2;
}

uint64_t Hash17To32(const char* s, size_t len) {
  const uint64_t mul = kPrime2 + len * 2;
  const uint64_t a = Load64(s) * kPrime1;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * mul;
  const uint64_t d = Load64(s + len - 16) * kPrime2;
  return Mix16(RotateRight(a + b, 43) + RotateRight(c, 30) + d,
               a + RotateRight(b + kPrime2, 18) + c, mul);
}

uint64_t Hash33To64(const char* s, size_t len) {
  const uint64_t mul = kPrime2 + len * 2;
  const uint64_t a = Load64(s) * kPrime2;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * mul;
  const uint64_t d = Load64(s + len - 16) * kPrime2;
  const uint64_t y = RotateRight(a + b, 43) + RotateRight(c, 30) + d;
  const uint64_t z = Mix16(y, a + RotateRight(b + kPrime2, 18) + c, mul);
  const uint64_t e = Load64(s + 16) * mul;
  const uint64_t f = Load64(s + 24);
  const uint64_t g = (y + Load64(s + len - 32)) * mul;
  const uint64_t h = (z + Load64(s + len - 24)) * mul;
  return Mix16(RotateRight(e + f, 43) + RotateRight(g, 30) + h, e + RotateRight(f + a, 18) + g,
               mul);
}

using WordPair = std::pair<uint64_t, uint64_t>;

// Mixes the 32 bytes at `s` into the seeds (a, b).
WordPair Mix32WithSeeds(const char* s, uint64_t a, uint64_t b) {
  const uint64_t w = Load64(s), x = Load64(s + 8), y = Load64(s + 16), z = Load64(s + 24);
  a += w;
  b = RotateRight(b + a + z, 21);
  const uint64_t c = a;
  a += x;
  a += y;
  b += RotateRight(a, 44);
  return {a + z, b + c};
}

// The state of the 64-byte block loop of strings longer than 64 bytes.
struct LongState {
  uint64_t x, y, z;
  WordPair v{0, 0}, w{0, 0};

  // One 64-byte block, multiplied by `mul`; `weight` scales two mixing terms (1 in the
  // loop, 9 for the final block).
  void Block(const char* s, uint64_t mul, uint64_t weight) {
    x = RotateRight(x + y + v.first + Load64(s + 8), 37) * mul;
    y = RotateRight(y + v.second + Load64(s + 48), 42) * mul;
    x ^= w.second * weight;
    y += v.first * weight + Load64(s + 40);
    z = RotateRight(z + w.first, 33) * mul;
    v = Mix32WithSeeds(s, v.second * mul, x + w.first);
    w = Mix32WithSeeds(s + 32, z + w.second, y + Load64(s + 16));
    std::swap(z, x);
  }
};

uint64_t HashLong(const char* s, size_t len) {
  constexpr uint64_t kSeed = 81;
  LongState st;
  st.x = kSeed * kPrime2 + Load64(s);
  st.y = kSeed * kPrime1 + 113;
  st.z = ShiftMix(st.y * kPrime2 + 113) * kPrime2;
  const char* end = s + ((len - 1) / 64) * 64;
  const char* last64 = end + ((len - 1) & 63) - 63;
  do {
    st.Block(s, kPrime1, 1);
    s += 64;
  } while (s != end);
  const uint64_t mul = kPrime1 + ((st.z & 0xff) << 1);
  st.w.first += (len - 1) & 63;
  st.v.first += st.w.first;
  st.w.first += st.v.first;
  st.Block(last64, mul, 9);
  return Mix16(Mix16(st.v.first, st.w.first, mul) + ShiftMix(st.y) * kPrime0 + st.z,
               Mix16(st.v.second, st.w.second, mul) + st.x, mul);
}

// ---- SipHash-2-4 ----

struct SipState {
  uint64_t v0, v1, v2, v3;

  void Round() {
    v0 += v1;
    v1 = RotateLeft(v1, 13);
    v1 ^= v0;
    v0 = RotateLeft(v0, 32);
    v2 += v3;
    v3 = RotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = RotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = RotateLeft(v1, 17);
    v1 ^= v2;
    v2 = RotateLeft(v2, 32);
  }
  void Compress(uint64_t m) {
    v3 ^= m;
    Round();
    Round();
    v0 ^= m;
  }
};

}  // namespace

uint64_t Fingerprint64(std::string_view data) {
  const char* s = data.data();
  const size_t len = data.size();
  if (len <= 16) return HashUpTo16(s, len);
  if (len <= 32) return Hash17To32(s, len);
  if (len <= 64) return Hash33To64(s, len);
  return HashLong(s, len);
}

uint64_t SipHash24(uint64_t key0, uint64_t key1, std::string_view data) {
  SipState st{key0 ^ 0x736f6d6570736575ULL, key1 ^ 0x646f72616e646f6dULL,
              key0 ^ 0x6c7967656e657261ULL, key1 ^ 0x7465646279746573ULL};
  const size_t full = data.size() / 8 * 8;
  for (size_t i = 0; i < full; i += 8) st.Compress(Load64(data.data() + i));
  // The last block: the remaining bytes, the length's low byte on top.
  uint64_t last = static_cast<uint64_t>(data.size() & 0xff) << 56;
  for (size_t i = full; i < data.size(); ++i) {
    last |= static_cast<uint64_t>(static_cast<uint8_t>(data[i])) << (8 * (i - full));
  }
  st.Compress(last);
  st.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) st.Round();
  return st.v0 ^ st.v1 ^ st.v2 ^ st.v3;
}

uint64_t LegacyHash64(std::string_view data) {
  constexpr uint64_t kMul = 0xc6a4a7935bd1e995ULL;
  constexpr int kShift = 47;
  constexpr uint64_t kSeed = 0xDECAFCAFFEULL;
  const char* s = data.data();
  size_t n = data.size();
  uint64_t h = kSeed ^ (n * kMul);
  for (; n >= 8; n -= 8, s += 8) {
    uint64_t k = Load64(s) * kMul;
    k ^= k >> kShift;
    h ^= k * kMul;
    h *= kMul;
  }
  if (n > 0) {
    for (size_t i = n; i-- > 0;) {
      h ^= static_cast<uint64_t>(static_cast<uint8_t>(s[i])) << (8 * i);
    }
    h *= kMul;
  }
  h ^= h >> kShift;
  h *= kMul;
  h ^= h >> kShift;
  return h;
}

}  // namespace tftrt
