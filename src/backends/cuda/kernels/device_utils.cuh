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

// Threads per block for one block per row of `length` elements: a multiple of 32, at
// least 32, at most 1024, about one element per thread for short rows.
inline int ThreadsForRow(int64_t length) {
  int threads = 32;
  while (threads < 1024 && threads < length) threads *= 2;
  return threads;
}

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_DEVICE_UTILS_CUH_
