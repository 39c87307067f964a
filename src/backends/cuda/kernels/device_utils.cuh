// Device-side helpers shared by the kernels of this directory: element loads and stores
// with TensorFlow's conversion rules, grid-stride loops, and warp / block reductions.
// Included only by .cu files.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_DEVICE_UTILS_CUH_
#define TFTRT_BACKENDS_CUDA_KERNELS_DEVICE_UTILS_CUH_

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/kernel_types.h"

namespace tftrt::cuda {

// The first index of this thread and the step of a grid-stride loop, in 64 bits so that
// tensors of more than 2^31 elements are covered.
__device__ __forceinline__ int64_t GlobalThreadIndex() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t GridStride() {
  return static_cast<int64_t>(blockDim.x) * gridDim.x;
}

// The product of the dims (1 for rank 0), in device code.
__device__ __forceinline__ int64_t NumElementsDevice(const Dims& shape) {
  int64_t n = 1;
  for (int d = 0; d < shape.rank; ++d) n *= shape.d[d];
  return n;
}

// Division of 32-bit indices by a divisor fixed at launch, by a multiply-high and a shift
// instead of the ~20-instruction integer division (64-bit division is ~70). Exact for
// dividends and divisors below 2^31.
struct FastDivmod {
  uint32_t divisor = 1, multiplier = 0, shift = 0;

  FastDivmod() = default;
  // REQUIRES: 1 <= d < 2^31.
  explicit FastDivmod(uint32_t d) : divisor(d) {
    if (d == 1) return;
    uint32_t log2 = 0;  // ceil(log2(d))
    while ((uint64_t{1} << log2) < d) ++log2;
    const uint64_t p = 31 + log2;
    multiplier = static_cast<uint32_t>(((uint64_t{1} << p) + d - 1) / d);
    shift = static_cast<uint32_t>(p - 32);
  }
  __device__ __forceinline__ uint32_t Div(uint32_t n) const {
    return divisor == 1 ? n : __umulhi(n, multiplier) >> shift;
  }
  __device__ __forceinline__ uint32_t Mod(uint32_t n) const { return n - Div(n) * divisor; }
};

// The coordinates of element `i` of an NHWC tensor [batch, height, width, channels].
struct NhwcIndex {
  int64_t b, y, x, c;
};
__device__ __forceinline__ NhwcIndex UnravelNhwc(int64_t i, int64_t height, int64_t width,
                                                 int64_t channels) {
  NhwcIndex index;
  index.c = i % channels;
  int64_t rest = i / channels;
  index.x = rest % width;
  rest /= width;
  index.y = rest % height;
  index.b = rest / height;
  return index;
}

// ---- Conversions with TensorFlow's Cast rules ----

// tf.nn.gelu(approximate=False) with its ops in TF's order: (0.5 * x) * erfc((-x) * 1/sqrt(2)),
// each rounded (no contraction into FMAs), as the elementwise chain and the fused GELU
// matmul compute it.
__device__ __forceinline__ float TfGelu(float x) {
  return __fmul_rn(__fmul_rn(0.5f, x), erfcf(__fmul_rn(-x, 0.70710677f)));
}

// TF's CPU float-to-int32 cast is x86's truncating conversion: truncation toward zero,
// INT32_MIN for NaN and out-of-range values.
__device__ __forceinline__ int32_t TfFloatToInt32(float x) {
  return (x >= -2147483648.0f && x < 2147483648.0f) ? __float2int_rz(x) : INT32_MIN;
}

// Widening loads into the two compute types (float32, int32). Bool is 0 / 1; half is
// exact in float.
template <typename T>
__device__ __forceinline__ float LoadFloat(const T* p);
template <>
__device__ __forceinline__ float LoadFloat(const float* p) {
  return *p;
}
template <>
__device__ __forceinline__ float LoadFloat(const __half* p) {
  return __half2float(*p);
}
template <>
__device__ __forceinline__ float LoadFloat(const int32_t* p) {
  return __int2float_rn(*p);
}
template <>
__device__ __forceinline__ float LoadFloat(const bool* p) {
  return *reinterpret_cast<const uint8_t*>(p) != 0 ? 1.0f : 0.0f;
}

// A value of compute type C stored as T, with TF's cast rules: round to nearest for half
// (and int32 -> float), truncation for float -> int32, x != 0 for bool.
template <typename T, typename C>
__device__ __forceinline__ T ConvertForStore(C value);
template <>
__device__ __forceinline__ float ConvertForStore(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half ConvertForStore(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ int32_t ConvertForStore(float v) {
  return TfFloatToInt32(v);
}
template <>
__device__ __forceinline__ bool ConvertForStore(float v) {
  return v != 0.0f;
}
template <>
__device__ __forceinline__ float ConvertForStore(int32_t v) {
  return __int2float_rn(v);
}
template <>
__device__ __forceinline__ __half ConvertForStore(int32_t v) {
  return __float2half_rn(__int2float_rn(v));  // through float, as TF
}
template <>
__device__ __forceinline__ int32_t ConvertForStore(int32_t v) {
  return v;
}
template <>
__device__ __forceinline__ bool ConvertForStore(int32_t v) {
  return v != 0;
}

// An element of a tensor whose dtype is only known at run time, in compute type C.
template <typename C>
__device__ __forceinline__ C LoadAs(const void* base, DType dtype, int64_t offset);
template <>
__device__ __forceinline__ float LoadAs<float>(const void* base, DType dtype, int64_t offset) {
  switch (dtype) {
    case DType::kFloat32:
      return LoadFloat(static_cast<const float*>(base) + offset);
    case DType::kFloat16:
      return LoadFloat(static_cast<const __half*>(base) + offset);
    case DType::kInt32:
      return LoadFloat(static_cast<const int32_t*>(base) + offset);
    case DType::kBool:
      return LoadFloat(static_cast<const bool*>(base) + offset);
  }
  return 0.0f;
}
template <>
__device__ __forceinline__ int32_t LoadAs<int32_t>(const void* base, DType dtype, int64_t offset) {
  switch (dtype) {
    case DType::kFloat32:
      return TfFloatToInt32(static_cast<const float*>(base)[offset]);
    case DType::kFloat16:
      return TfFloatToInt32(__half2float(static_cast<const __half*>(base)[offset]));
    case DType::kInt32:
      return static_cast<const int32_t*>(base)[offset];
    case DType::kBool:
      return static_cast<const uint8_t*>(base)[offset] != 0 ? 1 : 0;
  }
  return 0;
}

// ---- Vectors of 8 elements: one 16-byte access for half, two for 4-byte types ----
//
// Memory-bound kernels reach the bandwidth with 16-byte accesses; one 2- or 4-byte access
// per element and thread reaches a fraction of it. The values are unpacked with shifts and
// register moves (a union or an array cast would put them in local memory).
// REQUIRES: p is 16-byte aligned (8-byte for bool).

inline constexpr int kVector8 = 8;

// Host side: whether `p` may be read or written with 16-byte vector accesses.
inline bool Aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

__device__ __forceinline__ float HalfBitsToFloat(uint32_t bits) {
  return __half2float(__ushort_as_half(static_cast<unsigned short>(bits & 0xffffu)));
}
__device__ __forceinline__ uint32_t FloatToHalfBits(float v) {
  return __half_as_ushort(__float2half_rn(v));
}

__device__ __forceinline__ void LoadVector8(const float* p, float (&x)[kVector8]) {
  const float4 a = reinterpret_cast<const float4*>(p)[0];
  const float4 b = reinterpret_cast<const float4*>(p)[1];
  x[0] = a.x, x[1] = a.y, x[2] = a.z, x[3] = a.w, x[4] = b.x, x[5] = b.y, x[6] = b.z, x[7] = b.w;
}
__device__ __forceinline__ void LoadVector8(const __half* p, float (&x)[kVector8]) {
  const uint4 u = *reinterpret_cast<const uint4*>(p);
  const uint32_t words[4] = {u.x, u.y, u.z, u.w};
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    x[2 * k] = HalfBitsToFloat(words[k]);
    x[2 * k + 1] = HalfBitsToFloat(words[k] >> 16);
  }
}
__device__ __forceinline__ void LoadVector8(const int32_t* p, float (&x)[kVector8]) {
  const int4 a = reinterpret_cast<const int4*>(p)[0];
  const int4 b = reinterpret_cast<const int4*>(p)[1];
  const int32_t values[kVector8] = {a.x, a.y, a.z, a.w, b.x, b.y, b.z, b.w};
#pragma unroll
  for (int k = 0; k < kVector8; ++k) x[k] = __int2float_rn(values[k]);
}
__device__ __forceinline__ void LoadVector8(const bool* p, float (&x)[kVector8]) {
  const uint2 u = *reinterpret_cast<const uint2*>(p);
#pragma unroll
  for (int k = 0; k < kVector8; ++k) {
    x[k] = (((k < 4 ? u.x : u.y) >> (8 * (k % 4))) & 0xffu) != 0 ? 1.0f : 0.0f;
  }
}

// Stores with ConvertForStore's rounding.
__device__ __forceinline__ void StoreVector8(const float (&y)[kVector8], float* p) {
  reinterpret_cast<float4*>(p)[0] = make_float4(y[0], y[1], y[2], y[3]);
  reinterpret_cast<float4*>(p)[1] = make_float4(y[4], y[5], y[6], y[7]);
}
__device__ __forceinline__ void StoreVector8(const float (&y)[kVector8], __half* p) {
  uint32_t words[4];
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    words[k] = FloatToHalfBits(y[2 * k]) | (FloatToHalfBits(y[2 * k + 1]) << 16);
  }
  *reinterpret_cast<uint4*>(p) = make_uint4(words[0], words[1], words[2], words[3]);
}

// ---- Reductions across a warp and a block ----

// Combines `value` over the 32 lanes of the warp with `combine` (associative); every lane
// gets the result.
template <typename T, typename Combine>
__device__ __forceinline__ T WarpAllReduce(T value, Combine combine) {
  for (int offset = 16; offset > 0; offset /= 2) {
    value = combine(value, __shfl_xor_sync(0xffffffffu, value, offset));
  }
  return value;
}

// Combines `value` over the whole block; every thread gets the result. `scratch` holds
// 32 T in shared memory. REQUIRES: blockDim.x is a multiple of 32, at most 1024, and
// every thread of the block calls it.
template <typename T, typename Combine>
__device__ T BlockAllReduce(T value, Combine combine, T identity, T* scratch) {
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  const int num_warps = blockDim.x / 32;
  value = WarpAllReduce(value, combine);
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = value;
  __syncthreads();
  value = lane < num_warps ? scratch[lane] : identity;
  return WarpAllReduce(value, combine);
}

// ---- Rows: who reduces one row of a row-major matrix ----

// Rows up to this length get one warp each (eight rows per block, no block barriers);
// longer rows get a whole block each. A block per short row would leave most of its
// threads idle and spend its time in barriers (a [16384, 768] Mean took 0.58 ms that way).
inline constexpr int64_t kWarpRowMaxLength = 2048;

// The threads that reduce one row together: a warp (kWarp) or the whole block. Loops over
// rows `for (r = team.first_row(); r < rows; r += team.row_step())` are uniform over the
// team, so every thread of it reaches AllReduce.
template <bool kWarp>
struct RowTeam {
  __device__ int rank() const { return kWarp ? threadIdx.x % 32 : threadIdx.x; }
  __device__ int size() const { return kWarp ? 32 : blockDim.x; }
  __device__ int64_t first_row() const {
    return kWarp ? static_cast<int64_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32
                 : blockIdx.x;
  }
  __device__ int64_t row_step() const {
    return kWarp ? static_cast<int64_t>(gridDim.x) * (blockDim.x / 32) : gridDim.x;
  }
  // `value` combined over the team; every thread of it gets the result. `scratch`: 32 T in
  // shared memory (unused by a warp).
  template <typename T, typename Combine>
  __device__ T AllReduce(T value, Combine combine, T identity, T* scratch) const {
    if constexpr (kWarp) {
      return WarpAllReduce(value, combine);
    } else {
      return BlockAllReduce(value, combine, identity, scratch);
    }
  }
};

// The launch of a row kernel over `rows` rows of `length` elements.
struct RowLaunch {
  bool warp_per_row;
  unsigned blocks;
  int threads;
};
inline RowLaunch RowLaunchFor(int64_t rows, int64_t length) {
  const bool warp_per_row = length <= kWarpRowMaxLength;
  const int64_t wanted = warp_per_row ? (rows + 7) / 8 : rows;
  const int64_t blocks = wanted < 1 ? 1 : (wanted < kMaxBlocks * 8 ? wanted : kMaxBlocks * 8);
  int threads = 256;
  if (!warp_per_row) {  // about one element per thread, at most 1024
    threads = 32;
    while (threads < 1024 && threads < length) threads *= 2;
  }
  return {warp_per_row, static_cast<unsigned>(blocks), threads};
}

// Launches the RowTeam<true> instance of a row kernel or its RowTeam<false> instance, as
// RowLaunchFor(rows, length) chooses. The caller checks cudaGetLastError.
template <typename... Params, typename... Args>
void LaunchRowKernel(int64_t rows, int64_t length, cudaStream_t stream,
                     void (*warp_kernel)(Params...), void (*block_kernel)(Params...),
                     Args... args) {
  const RowLaunch launch = RowLaunchFor(rows, length);
  (launch.warp_per_row ? warp_kernel
                       : block_kernel)<<<launch.blocks, launch.threads, 0, stream>>>(args...);
}

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_DEVICE_UTILS_CUH_
