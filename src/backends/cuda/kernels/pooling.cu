#include <cuda_fp16.h>

#include <cstdint>
#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/pooling.h"

namespace tftrt::cuda {
namespace {

// The compute type and its lowest finite value (where max pooling starts, as TF's kernel
// does). Half is computed in float and rounded once on store, so a window of -inf gives
// float's lowest, which rounds to -inf: what TF gives in float32, in half storage.
template <typename T>
struct PoolTraits {
  using C = float;
  static constexpr float kLowest = -3.402823466e+38f;
};
template <>
struct PoolTraits<int32_t> {
  using C = int32_t;
  static constexpr int32_t kLowest = INT32_MIN;
};

template <typename T>
__device__ __forceinline__ typename PoolTraits<T>::C LoadPool(const T* p) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return *p;
  } else {
    return LoadFloat(p);
  }
}

// kLanes consecutive channels of T, loaded and stored as one vector (16 bytes when kLanes is
// 16 / sizeof(T)).
template <typename T, int kLanes>
struct alignas(sizeof(T) * kLanes) Lanes {
  T v[kLanes];
};

// One thread per kLanes channels of an output pixel, channels fastest so that neighbouring
// threads read neighbouring channels; each lane computes exactly what a one-lane thread would.
template <PoolOp kOp, typename T, int kLanes>
__global__ void __launch_bounds__(kThreadsPerBlock)
    Pool2DKernel(const Pool2DParams p, const T* __restrict__ in, T* __restrict__ out) {
  using C = typename PoolTraits<T>::C;
  using Vector = Lanes<T, kLanes>;
  const int64_t groups = p.channels / kLanes;
  const int64_t n = p.batch * p.out_height * p.out_width * groups;
  for (int64_t i = GlobalThreadIndex(); i < n; i += GridStride()) {
    const auto [b, y, x, group] = UnravelNhwc(i, p.out_height, p.out_width, groups);
    const int64_t c = group * kLanes;
    const int64_t y_start = y * p.stride_height - p.pad_top;
    const int64_t x_start = x * p.stride_width - p.pad_left;
    const int64_t y_begin = y_start > 0 ? y_start : 0;
    const int64_t x_begin = x_start > 0 ? x_start : 0;
    const int64_t y_end = min(y_start + p.window_height, p.in_height);
    const int64_t x_end = min(x_start + p.window_width, p.in_width);
    const T* image = in + b * p.in_height * p.in_width * p.channels + c;
    C acc[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      acc[lane] = kOp == PoolOp::kMax ? C(PoolTraits<T>::kLowest) : C(0);
    }
    for (int64_t yy = y_begin; yy < y_end; ++yy) {
      for (int64_t xx = x_begin; xx < x_end; ++xx) {
        const Vector loaded =
            *reinterpret_cast<const Vector*>(image + (yy * p.in_width + xx) * p.channels);
        for (int lane = 0; lane < kLanes; ++lane) {
          const C v = LoadPool(&loaded.v[lane]);
          if constexpr (kOp == PoolOp::kMax) {
            if (v > acc[lane]) acc[lane] = v;
          } else {
            acc[lane] = __fadd_rn(acc[lane], v);
          }
        }
      }
    }
    Vector result;
    for (int lane = 0; lane < kLanes; ++lane) {
      if constexpr (kOp == PoolOp::kAvg) {
        const int64_t rows = y_end > y_begin ? y_end - y_begin : 0;
        const int64_t cols = x_end > x_begin ? x_end - x_begin : 0;
        acc[lane] = __fdiv_rn(acc[lane], static_cast<float>(rows * cols));
      }
      result.v[lane] = ConvertForStore<T, C>(acc[lane]);
    }
    *reinterpret_cast<Vector*>(out + ((b * p.out_height + y) * p.out_width + x) * p.channels + c) =
        result;
  }
}

template <PoolOp kOp, typename T, int kLanes>
Status LaunchPoolLanes(const Pool2DParams& p, const void* in, void* out, cudaStream_t stream) {
  const int64_t n = p.batch * p.out_height * p.out_width * (p.channels / kLanes);
  Pool2DKernel<kOp, T, kLanes><<<GridStrideBlocks(n), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const T*>(in), static_cast<T*>(out));
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

// 16-byte vectors of channels where the channel count and the pointers allow (the memory
// traffic of one pixel's channels in a few wide loads instead of one per element).
template <PoolOp kOp, typename T>
Status LaunchPool(const Pool2DParams& p, const void* in, void* out, cudaStream_t stream) {
  constexpr int kWide = 16 / sizeof(T);
  const bool aligned =
      reinterpret_cast<uintptr_t>(in) % 16 == 0 && reinterpret_cast<uintptr_t>(out) % 16 == 0;
  if (aligned && p.channels % kWide == 0) return LaunchPoolLanes<kOp, T, kWide>(p, in, out, stream);
  return LaunchPoolLanes<kOp, T, 1>(p, in, out, stream);
}

}  // namespace

Status Pool2D(PoolOp op, const Pool2DParams& p, const void* in, DType dtype, void* out,
              cudaStream_t stream) {
  if (p.window_height <= 0 || p.window_width <= 0 || p.stride_height <= 0 || p.stride_width <= 0) {
    return Status::InvalidArgument("Pool2D: windows and strides must be positive");
  }
  if (p.batch < 0 || p.in_height < 0 || p.in_width < 0 || p.channels < 0 || p.out_height < 0 ||
      p.out_width < 0 || p.pad_top < 0 || p.pad_left < 0) {
    return Status::InvalidArgument("Pool2D: negative size or padding");
  }
  const bool supported = dtype == DType::kFloat32 || dtype == DType::kFloat16 ||
                         (dtype == DType::kInt32 && op == PoolOp::kMax);
  if (!supported) {
    return Status::InvalidArgument(std::string(op == PoolOp::kMax ? "MaxPool" : "AvgPool") +
                                   ": unsupported dtype " + DTypeName(dtype));
  }
  if (p.batch * p.out_height * p.out_width * p.channels == 0) return Status::Ok();
  if (op == PoolOp::kMax) {
    switch (dtype) {
      case DType::kFloat32:
        return LaunchPool<PoolOp::kMax, float>(p, in, out, stream);
      case DType::kFloat16:
        return LaunchPool<PoolOp::kMax, __half>(p, in, out, stream);
      default:
        return LaunchPool<PoolOp::kMax, int32_t>(p, in, out, stream);
    }
  }
  return dtype == DType::kFloat32 ? LaunchPool<PoolOp::kAvg, float>(p, in, out, stream)
                                  : LaunchPool<PoolOp::kAvg, __half>(p, in, out, stream);
}

}  // namespace tftrt::cuda
