#include <cuda_fp16.h>

#include <cstdint>
#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/kernel_epilogue.cuh"
#include "backends/cuda/kernels/small_channel_conv.h"

namespace tftrt::cuda {
namespace {

constexpr int64_t kMaxFilterBytes = 48 * 1024;  // static shared memory without opting in
// Every block stages the filter in shared memory once, so the grid-stride loop runs on a
// bounded grid (at least 7 blocks per SM of an H100) rather than one block per 256 items.
constexpr int64_t kMaxStagingBlocks = 1024;

// The launch's geometry, all offsets in 32 bits (SmallChannelConv2DSupports).
struct Geometry {
  int32_t in_height, in_width, out_height, out_width, out_channels;
  int filter_height, filter_width;  // used where the kernel's kR / kS are 0 (any size)
  int32_t stride_height, stride_width, dilation_height, dilation_width;
  int32_t pad_top, pad_left;
  int32_t items;      // work items: batch * out_height * tiles * groups
  FastDivmod groups;  // output channel vectors per pixel: out_channels / kVec
  FastDivmod tiles;   // column tiles per output row: ceil(out_width / kCols)
  FastDivmod rows;    // out_height
};

// One work item per (image n, output row p, tile of kCols output columns from q0, vector of
// kVec output channels from k0), channels fastest: the threads of a warp that share pixels
// read the same inputs (one transaction) and store neighbouring vectors. Each thread
// accumulates its kCols x kVec outputs in float32 registers over the R x S x C window
// (positions in the padding are skipped: they add zero), each filter tap vector read from
// shared memory once for its kCols pixels; then applies the epilogue and stores each output
// vector once.
//
// kC: the input channels; kR, kS: the window at compile time (0: the geometry's, any size).
// The rows of large windows are not unrolled, to keep the code within the instruction cache.
template <typename T, int kC, int kR, int kS, int kCols, int kVec>
__global__ void __launch_bounds__(kThreadsPerBlock)
    SmallChannelConvKernel(const Geometry g, const T* __restrict__ x, const T* __restrict__ filter,
                           const KernelEpilogue e, T* __restrict__ y) {
  constexpr int kUnrollRows = kR > 0 && kR <= 3 ? kR : 1;
  const int filter_height = kR > 0 ? kR : g.filter_height;
  const int filter_width = kS > 0 ? kS : g.filter_width;
  const int32_t k_count = g.out_channels;

  // The filter [R, S, C, K] as float32; float4-typed so that vectors of 4 taps are aligned.
  extern __shared__ float4 shared_filter[];
  float* taps = reinterpret_cast<float*>(shared_filter);
  const int32_t filter_size = filter_height * filter_width * kC * k_count;
  for (int32_t i = threadIdx.x; i < filter_size; i += blockDim.x) taps[i] = LoadFloat(filter + i);
  __syncthreads();

  const int32_t step = static_cast<int32_t>(blockDim.x * gridDim.x);
  for (int32_t i = static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x); i < g.items;
       i += step) {
    const int32_t pixel_tile = static_cast<int32_t>(g.groups.Div(i));
    const int32_t k0 = (i - pixel_tile * static_cast<int32_t>(g.groups.divisor)) * kVec;
    const int32_t row = static_cast<int32_t>(g.tiles.Div(pixel_tile));
    const int32_t q0 = (pixel_tile - row * static_cast<int32_t>(g.tiles.divisor)) * kCols;
    const int32_t n = static_cast<int32_t>(g.rows.Div(row));
    const int32_t p = row - n * g.out_height;

    const int32_t h0 = p * g.stride_height - g.pad_top;
    const int32_t w0 = q0 * g.stride_width - g.pad_left;
    const T* image = x + n * g.in_height * g.in_width * kC;
    float acc[kCols][kVec];
#pragma unroll
    for (int j = 0; j < kCols; ++j) {
#pragma unroll
      for (int l = 0; l < kVec; ++l) acc[j][l] = 0.0f;
    }
#pragma unroll(kUnrollRows)
    for (int r = 0; r < filter_height; ++r) {
      const int32_t h = h0 + r * g.dilation_height;
      if (h < 0 || h >= g.in_height) continue;
      const T* in_row = image + h * g.in_width * kC;
#pragma unroll
      for (int s = 0; s < filter_width; ++s) {
        float in[kCols][kC];
#pragma unroll
        for (int j = 0; j < kCols; ++j) {
          const int32_t col = w0 + j * g.stride_width + s * g.dilation_width;
          const bool inside = col >= 0 && col < g.in_width;
#pragma unroll
          for (int c = 0; c < kC; ++c) in[j][c] = inside ? LoadFloat(in_row + col * kC + c) : 0.0f;
        }
        const float* tap_row = taps + (r * filter_width + s) * kC * k_count + k0;
#pragma unroll
        for (int c = 0; c < kC; ++c) {
          float tap[kVec];
          LoadFloats<kVec, /*kReadOnly=*/false>(tap_row + c * k_count, tap);
#pragma unroll
          for (int j = 0; j < kCols; ++j) {
#pragma unroll
            for (int l = 0; l < kVec; ++l) acc[j][l] = fmaf(in[j][c], tap[l], acc[j][l]);
          }
        }
      }
    }

    const int32_t out_row = (n * g.out_height + p) * g.out_width;
#pragma unroll
    for (int j = 0; j < kCols; ++j) {
      if (kCols > 1 && q0 + j >= g.out_width) break;
      const int32_t offset = (out_row + q0 + j) * k_count + k0;
      ApplyEpilogue<T, kVec, int32_t>(e, acc[j], k0, offset);
      Lanes<T, kVec> result;
#pragma unroll
      for (int l = 0; l < kVec; ++l) result.v[l] = ConvertForStore<T, float>(acc[j][l]);
      *reinterpret_cast<Lanes<T, kVec>*>(y + offset) = result;
    }
  }
}

// ---- Launch ----

int64_t FilterBytes(const Conv2DKernelParams& p) {
  return p.filter_height * p.filter_width * p.channels * p.out_channels *
         static_cast<int64_t>(sizeof(float));
}

template <typename T, int kC, int kR, int kS, int kCols, int kVec>
Status Launch(const Conv2DKernelParams& p, const void* x, const void* filter,
              const KernelEpilogue& e, void* y, cudaStream_t stream) {
  const int64_t groups = p.out_channels / kVec;
  const int64_t tiles = CeilDiv(p.out_width, kCols);
  const int64_t items = p.batch * p.out_height * tiles * groups;
  Geometry g;
  g.in_height = static_cast<int32_t>(p.in_height);
  g.in_width = static_cast<int32_t>(p.in_width);
  g.out_height = static_cast<int32_t>(p.out_height);
  g.out_width = static_cast<int32_t>(p.out_width);
  g.out_channels = static_cast<int32_t>(p.out_channels);
  g.filter_height = static_cast<int>(p.filter_height);
  g.filter_width = static_cast<int>(p.filter_width);
  g.stride_height = static_cast<int32_t>(p.stride_height);
  g.stride_width = static_cast<int32_t>(p.stride_width);
  g.dilation_height = static_cast<int32_t>(p.dilation_height);
  g.dilation_width = static_cast<int32_t>(p.dilation_width);
  g.pad_top = static_cast<int32_t>(p.pad_top);
  g.pad_left = static_cast<int32_t>(p.pad_left);
  g.items = static_cast<int32_t>(items);
  g.groups = FastDivmod(static_cast<uint32_t>(groups));
  g.tiles = FastDivmod(static_cast<uint32_t>(tiles));
  g.rows = FastDivmod(static_cast<uint32_t>(p.out_height));
  const int64_t blocks = CeilDiv(items, kThreadsPerBlock);
  SmallChannelConvKernel<T, kC, kR, kS, kCols, kVec>
      <<<static_cast<unsigned>(blocks < kMaxStagingBlocks ? blocks : kMaxStagingBlocks),
         kThreadsPerBlock, static_cast<size_t>(FilterBytes(p)), stream>>>(
          g, static_cast<const T*>(x), static_cast<const T*>(filter), e, static_cast<T*>(y));
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

// The windows compiled in, with tiles of params.column_tile output columns (4 by default): 3x3
// (MobileNet's, EfficientNet's and VGG's first layers) and 7x7 (ResNet's); any other window through
// the general kernel, one column per item.
template <typename T, int kC, int kVec>
Status LaunchForWindow(const Conv2DKernelParams& p, const void* x, const void* filter,
                       const KernelEpilogue& e, void* y, cudaStream_t stream) {
  const bool narrow = p.column_tile == 2;
  if (p.filter_height == 3 && p.filter_width == 3) {
    return narrow ? Launch<T, kC, 3, 3, 2, kVec>(p, x, filter, e, y, stream)
                  : Launch<T, kC, 3, 3, 4, kVec>(p, x, filter, e, y, stream);
  }
  if (p.filter_height == 7 && p.filter_width == 7) {
    return narrow ? Launch<T, kC, 7, 7, 2, kVec>(p, x, filter, e, y, stream)
                  : Launch<T, kC, 7, 7, 4, kVec>(p, x, filter, e, y, stream);
  }
  return Launch<T, kC, 0, 0, 1, kVec>(p, x, filter, e, y, stream);
}

// 16-byte output vectors where K and every pointer allow, single channels (general window
// only) otherwise.
template <typename T, int kC>
Status LaunchForVector(const Conv2DKernelParams& p, const void* x, const void* filter,
                       const KernelEpilogue& e, void* y, cudaStream_t stream) {
  constexpr int kWide = 16 / sizeof(T);
  bool wide = p.out_channels % kWide == 0 && Aligned16(y) && Aligned16(e.residual);
  for (int i = 0; i < e.num_steps; ++i) wide = wide && Aligned16(e.vectors[i]);
  if (wide) return LaunchForWindow<T, kC, kWide>(p, x, filter, e, y, stream);
  return Launch<T, kC, 0, 0, 1, 1>(p, x, filter, e, y, stream);
}

template <typename T>
Status LaunchForChannels(const Conv2DKernelParams& p, const void* x, const void* filter,
                         const KernelEpilogue& e, void* y, cudaStream_t stream) {
  switch (p.channels) {
    case 1:
      return LaunchForVector<T, 1>(p, x, filter, e, y, stream);
    case 2:
      return LaunchForVector<T, 2>(p, x, filter, e, y, stream);
    case 3:
      return LaunchForVector<T, 3>(p, x, filter, e, y, stream);
    default:
      return LaunchForVector<T, 4>(p, x, filter, e, y, stream);
  }
}

}  // namespace

bool SmallChannelConv2DSupports(const Conv2DKernelParams& p) {
  // Below 2^30, so that no offset the kernel computes (nor its grid-stride index) overflows.
  constexpr int64_t kLimit = int64_t{1} << 30;
  auto fits = [&](int64_t v) { return v >= 0 && v < kLimit; };
  return p.channels >= 1 && p.channels <= kSmallConvMaxChannels &&
         FilterBytes(p) <= kMaxFilterBytes &&
         fits(p.batch * p.in_height * p.in_width * p.channels) &&
         fits(p.batch * p.out_height * p.out_width * p.out_channels) &&
         fits(p.out_height * p.stride_height + p.pad_top + p.filter_height * p.dilation_height) &&
         fits(p.out_width * p.stride_width + p.pad_left + p.filter_width * p.dilation_width) &&
         fits(p.in_height) && fits(p.in_width);
}

Status SmallChannelConv2D(const Conv2DKernelParams& p, const void* x, const void* filter,
                          DType dtype, const KernelEpilogue& e, void* y, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateConvKernelArgs(p, dtype, e, "SmallChannelConv2D"));
  if (!SmallChannelConv2DSupports(p)) {
    return Status::InvalidArgument(
        "SmallChannelConv2D: takes 1 to " + std::to_string(kSmallConvMaxChannels) +
        " input channels, a filter of at most " + std::to_string(kMaxFilterBytes / 1024) +
        " KiB as float32 and 32-bit offsets; got " + std::to_string(p.channels) + " -> " +
        std::to_string(p.out_channels) + " channels, a " + std::to_string(p.filter_height) + "x" +
        std::to_string(p.filter_width) + " window");
  }
  if (p.batch * p.out_height * p.out_width * p.out_channels == 0) return Status::Ok();
  const bool reads_input = p.in_height > 0 && p.in_width > 0;
  if (y == nullptr || filter == nullptr || (reads_input && x == nullptr)) {
    return Status::InvalidArgument("SmallChannelConv2D: null x, filter or y");
  }
  return dtype == DType::kFloat32 ? LaunchForChannels<float>(p, x, filter, e, y, stream)
                                  : LaunchForChannels<__half>(p, x, filter, e, y, stream);
}

}  // namespace tftrt::cuda
