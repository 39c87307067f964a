#include <cuda_fp16.h>

#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/resize.h"

namespace tftrt::cuda {
namespace {

struct ResizeKernelParams {
  ResizeParams shape;
  float height_scale, width_scale;
  int64_t num_elements;
};

// The two source positions along one dim and the weight of the upper one.
struct Interpolation {
  int64_t lower, upper;
  float lerp;
};

__device__ __forceinline__ Interpolation BilinearWeights(int64_t o, int64_t in_size, float scale,
                                                         bool half_pixel_centers) {
  const float of = static_cast<float>(o);
  const float src = half_pixel_centers ? __fsub_rn(__fmul_rn(__fadd_rn(of, 0.5f), scale), 0.5f)
                                       : __fmul_rn(of, scale);
  const float src_floor = floorf(src);
  const int64_t lower = static_cast<int64_t>(src_floor);
  const int64_t upper = static_cast<int64_t>(ceilf(src));
  return {lower > 0 ? lower : 0, upper < in_size - 1 ? upper : in_size - 1,
          __fsub_rn(src, src_floor)};
}

// a + (b - a) * t, rounded step by step as TF's CPU code.
__device__ __forceinline__ float Lerp(float a, float b, float t) {
  return __fadd_rn(a, __fmul_rn(__fsub_rn(b, a), t));
}

template <typename T>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ResizeBilinearKernel(const ResizeKernelParams p, const T* __restrict__ in,
                         float* __restrict__ out) {
  const ResizeParams& s = p.shape;
  const bool same_size = s.out_height == s.in_height && s.out_width == s.in_width;
  for (int64_t i = GlobalThreadIndex(); i < p.num_elements; i += GridStride()) {
    if (same_size) {
      out[i] = LoadFloat(in + i);  // a copy, as TF (keeps infinities)
      continue;
    }
    const auto [b, y, x, c] = UnravelNhwc(i, s.out_height, s.out_width, s.channels);
    const Interpolation ys = BilinearWeights(y, s.in_height, p.height_scale, s.half_pixel_centers);
    const Interpolation xs = BilinearWeights(x, s.in_width, p.width_scale, s.half_pixel_centers);
    const T* image = in + b * s.in_height * s.in_width * s.channels + c;
    auto at = [&](int64_t row, int64_t col) {
      return LoadFloat(image + (row * s.in_width + col) * s.channels);
    };
    const float top = Lerp(at(ys.lower, xs.lower), at(ys.lower, xs.upper), xs.lerp);
    const float bottom = Lerp(at(ys.upper, xs.lower), at(ys.upper, xs.upper), xs.lerp);
    out[i] = Lerp(top, bottom, ys.lerp);
  }
}

__device__ __forceinline__ int64_t NearestIndex(int64_t o, int64_t in_size, float scale,
                                                bool align_corners, bool half_pixel_centers) {
  const float of = static_cast<float>(o);
  // With half-pixel centers the +0.5 is applied but the -0.5 is folded into floor().
  const float src =
      half_pixel_centers ? __fmul_rn(__fadd_rn(of, 0.5f), scale) : __fmul_rn(of, scale);
  int64_t index = align_corners ? static_cast<int64_t>(roundf(src))  // half away from zero
                                : static_cast<int64_t>(floorf(src));
  if (index > in_size - 1) index = in_size - 1;
  if (half_pixel_centers && index < 0) index = 0;
  return index;
}

template <typename S>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ResizeNearestKernel(const ResizeKernelParams p, const S* __restrict__ in, S* __restrict__ out) {
  const ResizeParams& s = p.shape;
  for (int64_t i = GlobalThreadIndex(); i < p.num_elements; i += GridStride()) {
    const auto [b, y, x, c] = UnravelNhwc(i, s.out_height, s.out_width, s.channels);
    const int64_t src_y =
        NearestIndex(y, s.in_height, p.height_scale, s.align_corners, s.half_pixel_centers);
    const int64_t src_x =
        NearestIndex(x, s.in_width, p.width_scale, s.align_corners, s.half_pixel_centers);
    out[i] = in[((b * s.in_height + src_y) * s.in_width + src_x) * s.channels + c];
  }
}

StatusOr<ResizeKernelParams> Prepare(const ResizeParams& s, const char* op) {
  if (s.align_corners && s.half_pixel_centers) {
    return Status::InvalidArgument(std::string(op) +
                                   ": If half_pixel_centers is True, align_corners must be False.");
  }
  if (s.batch < 0 || s.channels <= 0 || s.in_height <= 0 || s.in_width <= 0 || s.out_height <= 0 ||
      s.out_width <= 0) {
    return Status::InvalidArgument(std::string(op) +
                                   ": sizes must be positive (batch non-negative)");
  }
  ResizeKernelParams p;
  p.shape = s;
  p.height_scale = ResizeScale(s.in_height, s.out_height, s.align_corners);
  p.width_scale = ResizeScale(s.in_width, s.out_width, s.align_corners);
  p.num_elements = s.batch * s.out_height * s.out_width * s.channels;
  return p;
}

}  // namespace

float ResizeScale(int64_t in_size, int64_t out_size, bool align_corners) {
  return (align_corners && out_size > 1 && in_size > 1)
             ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
             : static_cast<float>(in_size) / static_cast<float>(out_size);
}

Status ResizeBilinear(const ResizeParams& params, const void* in, DType dtype, float* out,
                      cudaStream_t stream) {
  TFTRT_ASSIGN_OR_RETURN(const ResizeKernelParams p, Prepare(params, "ResizeBilinear"));
  if (p.num_elements == 0) return Status::Ok();
  const unsigned blocks = GridStrideBlocks(p.num_elements);
  switch (dtype) {
    case DType::kFloat32:
      ResizeBilinearKernel<float>
          <<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<const float*>(in), out);
      break;
    case DType::kFloat16:
      ResizeBilinearKernel<__half>
          <<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<const __half*>(in), out);
      break;
    case DType::kInt32:
      ResizeBilinearKernel<int32_t>
          <<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<const int32_t*>(in), out);
      break;
    default:
      return Status::InvalidArgument(std::string("ResizeBilinear: unsupported dtype ") +
                                     DTypeName(dtype));
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

Status ResizeNearestNeighbor(const ResizeParams& params, const void* in, DType dtype, void* out,
                             cudaStream_t stream) {
  TFTRT_ASSIGN_OR_RETURN(const ResizeKernelParams p, Prepare(params, "ResizeNearestNeighbor"));
  if (params.in_height >= (1 << 24) || params.in_width >= (1 << 24)) {
    return Status::InvalidArgument(
        "ResizeNearestNeighbor: nearest neighbor requires max height & width of 2^24");
  }
  if (p.num_elements == 0) return Status::Ok();
  const unsigned blocks = GridStrideBlocks(p.num_elements);
  switch (DTypeSize(dtype)) {
    case 1:
      ResizeNearestKernel<uint8_t><<<blocks, kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out));
      break;
    case 2:
      ResizeNearestKernel<uint16_t><<<blocks, kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const uint16_t*>(in), static_cast<uint16_t*>(out));
      break;
    default:
      ResizeNearestKernel<uint32_t><<<blocks, kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const uint32_t*>(in), static_cast<uint32_t*>(out));
      break;
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

}  // namespace tftrt::cuda
