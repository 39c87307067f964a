// Types shared by tftrt's own CUDA kernels (src/backends/cuda/kernels/): the element
// types the kernels store, a fixed-capacity dims/strides array that can be passed to a
// kernel by value, and launch-size helpers.
//
// Host-only code (no device code here): every .cu of this directory includes it, so it
// stays C++17.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_KERNEL_TYPES_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_KERNEL_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tftrt/status.h"

namespace tftrt::cuda {

// Element types of device tensors. Half is storage only: kernels compute in float32 and
// round once when they store (the engines' FP16 mode). Bool is one byte holding 0 or 1.
enum class DType : uint8_t { kFloat32, kFloat16, kInt32, kBool };

const char* DTypeName(DType dtype);
size_t DTypeSize(DType dtype);

inline constexpr int kMaxRank = 8;

// Up to kMaxRank int64 values: a shape, or strides in elements. Trivially copyable, so it
// travels to kernels inside their by-value parameter structs.
struct Dims {
  int rank = 0;
  int64_t d[kMaxRank] = {};

  // REQUIRES: values.size() <= kMaxRank (checked by ValidateDims where it matters; a
  // longer vector is truncated and its rank recorded as kMaxRank + 1 so validation fails).
  static Dims From(const std::vector<int64_t>& values);
  std::vector<int64_t> ToVector() const { return std::vector<int64_t>(d, d + rank); }
  int64_t operator[](int i) const { return d[i]; }
  int64_t& operator[](int i) { return d[i]; }
};

bool operator==(const Dims& a, const Dims& b);
inline bool operator!=(const Dims& a, const Dims& b) { return !(a == b); }

// "[2,3,4]".
std::string DimsToString(const Dims& dims);

// The product of the dims (1 for rank 0).
int64_t NumElements(const Dims& shape);

// Row-major strides (in elements) of a dense tensor of `shape`.
Dims DenseStrides(const Dims& shape);

// OK when 0 <= rank <= kMaxRank and every dim >= 0; otherwise InvalidArgument naming
// `what` ("Transpose input").
Status ValidateShape(const Dims& shape, const char* what);

// ---- Launch helpers ----

inline constexpr int kThreadsPerBlock = 256;
// Grid-stride kernels never need more blocks than this (a few waves on any current GPU);
// larger tensors are covered by the loop, so gridDim.x stays far below its 2^31 - 1 limit.
inline constexpr int64_t kMaxBlocks = 8192;

constexpr int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Blocks of `threads` for a grid-stride loop over `n` work items. REQUIRES: n > 0.
inline unsigned GridStrideBlocks(int64_t n, int threads = kThreadsPerBlock) {
  const int64_t blocks = CeilDiv(n, threads);
  return static_cast<unsigned>(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_KERNEL_TYPES_H_
