#include <cuda_fp16.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/depthwise.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/kernel_epilogue.cuh"

namespace tftrt::cuda {
namespace {

// ---- Index arithmetic ----

// Division of the work-item index by sizes fixed at launch: FastDivmod's multiply-high and
// shift where indices are 32-bit, plain division where they are 64-bit (rare).
struct Divisor32 {
  FastDivmod fast;
  int32_t divisor = 1;

  // REQUIRES: 1 <= d < 2^31.
  static Divisor32 Of(int64_t d) {
    return {FastDivmod(static_cast<uint32_t>(d)), static_cast<int32_t>(d)};
  }
  // REQUIRES: 0 <= n < 2^31.
  __device__ __forceinline__ int32_t Div(int32_t n) const {
    return static_cast<int32_t>(fast.Div(static_cast<uint32_t>(n)));
  }
};

struct Divisor64 {
  int64_t divisor = 1;

  static Divisor64 Of(int64_t d) { return {d}; }
  __device__ __forceinline__ int64_t Div(int64_t n) const { return n / divisor; }
};

template <typename I>
struct DivisorFor;
template <>
struct DivisorFor<int32_t> {
  using Type = Divisor32;
};
template <>
struct DivisorFor<int64_t> {
  using Type = Divisor64;
};

// The launch's geometry in the kernel's index type I: int32_t where every offset into x, y and
// the filter fits (then all index arithmetic is 32-bit), int64_t otherwise.
template <typename I>
struct Geometry {
  using Divisor = typename DivisorFor<I>::Type;
  I in_height, in_width, channels, out_height, out_width;
  int filter_height, filter_width;  // used where the kernel's kR / kS are 0 (any size)
  I stride_height, stride_width, dilation_height, dilation_width;
  I pad_top, pad_left;
  I items;         // work items: batch * out_height * tiles * groups
  Divisor groups;  // channel vectors per pixel: channels / kVec
  Divisor tiles;   // column tiles per output row: ceil(out_width / kCols)
  Divisor rows;    // out_height
};

// ---- The kernel ----

// One work item per (image n, output row p, tile of kCols output columns from q0, vector of
// kVec channels from c), channels fastest: the threads of a warp read neighbouring vectors of
// the same pixels, so every load instruction is coalesced. Each thread accumulates its
// kCols x kVec outputs in float32 registers over the R x S window (positions in the padding
// are skipped: they add zero), applies the epilogue and stores each output vector once.
//
// kR, kS: the window's size at compile time (0: the geometry's, any size), so that the common
// 3x3 and 5x5 windows are unrolled. kCols > 1 (REQUIRES kS > 0, unit stride and dilation along
// W): the kCols + kS - 1 input columns that the tile's windows share are loaded once per row,
// instead of kS per output column. Filter taps are read through the read-only cache (a few
// KB that every block shares).
template <typename T, int kVec, int kR, int kS, int kCols, typename I>
__global__ void __launch_bounds__(kThreadsPerBlock)
    DepthwiseKernel(const Geometry<I> g, const T* __restrict__ x, const T* __restrict__ filter,
                    const KernelEpilogue e, T* __restrict__ y) {
  static_assert(kCols == 1 || kS > 0, "column tiles need a compile-time window width");
  const int filter_height = kR > 0 ? kR : g.filter_height;
  const int filter_width = kS > 0 ? kS : g.filter_width;
  const I step = static_cast<I>(blockDim.x) * static_cast<I>(gridDim.x);
  for (I i = static_cast<I>(blockIdx.x) * static_cast<I>(blockDim.x) + static_cast<I>(threadIdx.x);
       i < g.items; i += step) {
    const I pixel_tile = g.groups.Div(i);
    const I c = (i - pixel_tile * g.groups.divisor) * kVec;
    const I row = g.tiles.Div(pixel_tile);
    const I q0 = (pixel_tile - row * g.tiles.divisor) * kCols;
    const I n = g.rows.Div(row);
    const I p = row - n * g.rows.divisor;

    const I h0 = p * g.stride_height - g.pad_top;
    const I w0 = q0 * g.stride_width - g.pad_left;
    const T* image = x + n * g.in_height * g.in_width * g.channels + c;
    float acc[kCols][kVec];
#pragma unroll
    for (int j = 0; j < kCols; ++j) {
#pragma unroll
      for (int l = 0; l < kVec; ++l) acc[j][l] = 0.0f;
    }
#pragma unroll
    for (int r = 0; r < filter_height; ++r) {
      const I h = h0 + r * g.dilation_height;
      if (h < 0 || h >= g.in_height) continue;
      const T* in_row = image + h * g.in_width * g.channels;
      const T* taps = filter + static_cast<I>(r * filter_width) * g.channels + c;
      if constexpr (kCols == 1) {
#pragma unroll
        for (int s = 0; s < filter_width; ++s) {
          const I col = w0 + s * g.dilation_width;
          if (col < 0 || col >= g.in_width) continue;
          float in[kVec], tap[kVec];
          LoadLanes<T, kVec>(in_row + col * g.channels, in);
          LoadLanes<T, kVec>(taps + s * g.channels, tap);
#pragma unroll
          for (int l = 0; l < kVec; ++l) acc[0][l] = fmaf(in[l], tap[l], acc[0][l]);
        }
      } else {
        constexpr int kWindow = kCols + kS - 1;
        float in[kWindow][kVec];
#pragma unroll
        for (int k = 0; k < kWindow; ++k) {
          const I col = w0 + k;
          if (col >= 0 && col < g.in_width) {
            LoadLanes<T, kVec>(in_row + col * g.channels, in[k]);
          } else {
#pragma unroll
            for (int l = 0; l < kVec; ++l) in[k][l] = 0.0f;
          }
        }
#pragma unroll
        for (int s = 0; s < kS; ++s) {
          float tap[kVec];
          LoadLanes<T, kVec>(taps + s * g.channels, tap);
#pragma unroll
          for (int j = 0; j < kCols; ++j) {
#pragma unroll
            for (int l = 0; l < kVec; ++l) acc[j][l] = fmaf(in[j + s][l], tap[l], acc[j][l]);
          }
        }
      }
    }

    const I out_row = (n * g.out_height + p) * g.out_width;
#pragma unroll
    for (int j = 0; j < kCols; ++j) {
      if (kCols > 1 && q0 + j >= g.out_width) break;
      const I offset = (out_row + q0 + j) * g.channels + c;
      ApplyEpilogue<T, kVec, I>(e, acc[j], c, offset);
      Lanes<T, kVec> result;
#pragma unroll
      for (int l = 0; l < kVec; ++l) result.v[l] = ConvertForStore<T, float>(acc[j][l]);
      *reinterpret_cast<Lanes<T, kVec>*>(y + offset) = result;
    }
  }
}

// ---- Launch ----

template <typename T, int kVec, int kR, int kS, int kCols, typename I>
Status LaunchDepthwise(const Conv2DKernelParams& p, const void* x, const void* filter,
                       const KernelEpilogue& e, void* y, cudaStream_t stream) {
  using Divisor = typename Geometry<I>::Divisor;
  const int64_t groups = p.channels / kVec;
  const int64_t tiles = CeilDiv(p.out_width, kCols);
  const int64_t items = p.batch * p.out_height * tiles * groups;
  Geometry<I> g;
  g.in_height = static_cast<I>(p.in_height);
  g.in_width = static_cast<I>(p.in_width);
  g.channels = static_cast<I>(p.channels);
  g.out_height = static_cast<I>(p.out_height);
  g.out_width = static_cast<I>(p.out_width);
  g.filter_height = static_cast<int>(p.filter_height);
  g.filter_width = static_cast<int>(p.filter_width);
  g.stride_height = static_cast<I>(p.stride_height);
  g.stride_width = static_cast<I>(p.stride_width);
  g.dilation_height = static_cast<I>(p.dilation_height);
  g.dilation_width = static_cast<I>(p.dilation_width);
  g.pad_top = static_cast<I>(p.pad_top);
  g.pad_left = static_cast<I>(p.pad_left);
  g.items = static_cast<I>(items);
  g.groups = Divisor::Of(groups);
  g.tiles = Divisor::Of(tiles);
  g.rows = Divisor::Of(p.out_height);
  DepthwiseKernel<T, kVec, kR, kS, kCols, I>
      <<<GridStrideBlocks(items), kThreadsPerBlock, 0, stream>>>(
          g, static_cast<const T*>(x), static_cast<const T*>(filter), e, static_cast<T*>(y));
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

// The window sizes compiled in: 3x3 and 5x5 (MobileNet's, EfficientNet's), with column tiles
// where the stride and dilation along W are 1 (3x3: params.column_tile, 4 by default; 5x5: 4,
// or 2 for 8 channels); any other window through the general kernel. Tensors that need 64-bit
// offsets (rare) always take the general kernel.
template <typename T, int kVec, typename I>
Status LaunchForWindow(const Conv2DKernelParams& p, const void* x, const void* filter,
                       const KernelEpilogue& e, void* y, cudaStream_t stream) {
  if constexpr (std::is_same_v<I, int32_t>) {
    const bool unit_w = p.stride_width == 1 && p.dilation_width == 1;
    if (p.filter_height == 3 && p.filter_width == 3) {
      if (!unit_w) return LaunchDepthwise<T, kVec, 3, 3, 1, I>(p, x, filter, e, y, stream);
      return p.column_tile == 2 ? LaunchDepthwise<T, kVec, 3, 3, 2, I>(p, x, filter, e, y, stream)
                                : LaunchDepthwise<T, kVec, 3, 3, 4, I>(p, x, filter, e, y, stream);
    }
    if (p.filter_height == 5 && p.filter_width == 5) {
      // 8-channel tiles of 4 columns would hold 8 x 8 inputs and 4 x 8 sums: too many registers.
      constexpr int kCols = kVec >= 8 ? 2 : 4;
      return unit_w ? LaunchDepthwise<T, kVec, 5, 5, kCols, I>(p, x, filter, e, y, stream)
                    : LaunchDepthwise<T, kVec, 5, 5, 1, I>(p, x, filter, e, y, stream);
    }
  }
  return LaunchDepthwise<T, kVec, 0, 0, 1, I>(p, x, filter, e, y, stream);
}

// 16-byte channel vectors where the channel count and every pointer allow, single channels
// otherwise.
template <typename T, typename I>
Status LaunchForVector(const Conv2DKernelParams& p, const void* x, const void* filter,
                       const KernelEpilogue& e, void* y, cudaStream_t stream) {
  constexpr int kWide = 16 / sizeof(T);
  bool wide = p.channels % kWide == 0 && Aligned16(x) && Aligned16(filter) && Aligned16(y) &&
              Aligned16(e.residual);
  for (int i = 0; i < e.num_steps; ++i) wide = wide && Aligned16(e.vectors[i]);
  if (wide) return LaunchForWindow<T, kWide, I>(p, x, filter, e, y, stream);
  return LaunchForWindow<T, 1, I>(p, x, filter, e, y, stream);
}

// 32-bit index arithmetic when every offset the kernel computes stays below 2^30 (so that the
// grid-stride loop's index cannot overflow either).
template <typename T>
Status LaunchForIndex(const Conv2DKernelParams& p, const void* x, const void* filter,
                      const KernelEpilogue& e, void* y, cudaStream_t stream) {
  constexpr int64_t kLimit = int64_t{1} << 30;
  auto fits = [&](int64_t v) { return v < kLimit; };
  const bool narrow =
      fits(p.batch * p.in_height * p.in_width * p.channels) &&
      fits(p.batch * p.out_height * p.out_width * p.channels) &&
      fits(p.filter_height * p.filter_width * p.channels) &&
      fits(p.out_height * p.stride_height + p.pad_top + p.filter_height * p.dilation_height) &&
      fits(p.out_width * p.stride_width + p.pad_left + p.filter_width * p.dilation_width) &&
      fits(p.in_height) && fits(p.in_width);
  if (narrow) return LaunchForVector<T, int32_t>(p, x, filter, e, y, stream);
  return LaunchForVector<T, int64_t>(p, x, filter, e, y, stream);
}

}  // namespace

Status DepthwiseConv2D(const Conv2DKernelParams& p, const void* x, const void* filter, DType dtype,
                       const KernelEpilogue& e, void* y, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateConvKernelArgs(p, dtype, e, "DepthwiseConv2D"));
  if (p.out_channels != p.channels) {
    return Status::InvalidArgument("DepthwiseConv2D: " + std::to_string(p.out_channels) +
                                   " output channels for " + std::to_string(p.channels) +
                                   " input channels (channel multiplier 1 only)");
  }
  if (p.batch * p.out_height * p.out_width * p.channels == 0) return Status::Ok();
  const bool reads_input = p.in_height > 0 && p.in_width > 0;
  if (y == nullptr || filter == nullptr || (reads_input && x == nullptr)) {
    return Status::InvalidArgument("DepthwiseConv2D: null x, filter or y");
  }
  return dtype == DType::kFloat32 ? LaunchForIndex<float>(p, x, filter, e, y, stream)
                                  : LaunchForIndex<__half>(p, x, filter, e, y, stream);
}

}  // namespace tftrt::cuda
