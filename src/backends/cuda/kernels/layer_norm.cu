#include <cuda_fp16.h>

#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/layer_norm.h"

namespace tftrt::cuda {
namespace {

// Each thread reads its elements before the team's reductions and writes them after, so x
// and y may alias.
template <typename T, bool kWarp>
__global__ void LayerNormKernel(int64_t rows, int64_t cols, const T* x, const float* gamma,
                                const float* beta, float epsilon, T* y) {
  __shared__ float scratch[32];
  const RowTeam<kWarp> team;
  const auto add = [](float a, float b) { return __fadd_rn(a, b); };
  const float count = static_cast<float>(cols);
  for (int64_t r = team.first_row(); r < rows; r += team.row_step()) {
    const T* in = x + r * cols;
    float sum = 0.0f;
    for (int64_t j = team.rank(); j < cols; j += team.size()) sum += LoadFloat(in + j);
    const float mean = __fdiv_rn(team.AllReduce(sum, add, 0.0f, scratch), count);
    float squares = 0.0f;
    for (int64_t j = team.rank(); j < cols; j += team.size()) {
      const float d = __fsub_rn(LoadFloat(in + j), mean);
      squares = __fadd_rn(squares, __fmul_rn(d, d));
    }
    const float variance = __fdiv_rn(team.AllReduce(squares, add, 0.0f, scratch), count);
    const float inverse = __fdiv_rn(1.0f, __fsqrt_rn(__fadd_rn(variance, epsilon)));
    T* out = y + r * cols;
    for (int64_t j = team.rank(); j < cols; j += team.size()) {
      const float s = __fmul_rn(inverse, gamma[j]);
      const float shift = __fadd_rn(__fmul_rn(-mean, s), beta[j]);
      out[j] = ConvertForStore<T, float>(__fadd_rn(__fmul_rn(LoadFloat(in + j), s), shift));
    }
  }
}

// ---- The register path: rows of up to kRegisterRowMax elements, read once ----
//
// The kernel above reads a row three times (mean, variance, output) with one 2- or 4-byte
// load per element and lane. Where a row is a whole number of 8-element vectors and the
// tensors are 16-byte aligned, a warp instead loads its row once into registers with
// 16-byte loads (kVectorsPerLane vectors of 8 per lane), reduces from registers, and writes
// the output with 16-byte stores: one read and one write of the row, as the bandwidth
// floor asks. The arithmetic per element is the kernel above's; only the order of the
// sums' additions differs.

constexpr int64_t kRegisterRowMax = 32 * kVector8 * 8;  // 2048: kVectorsPerLane <= 8

// One warp per row; lane l holds vectors l, l + 32, ... of its row.
template <typename T, int kVectorsPerLane>
__global__ void __launch_bounds__(kThreadsPerBlock)
    LayerNormRegisterKernel(int64_t rows, int cols, const T* x, const float* gamma,
                            const float* beta, float epsilon, T* y) {
  const RowTeam<true> team;
  const auto add = [](float a, float b) { return __fadd_rn(a, b); };
  const int vectors = cols / kVector8;
  const float count = static_cast<float>(cols);
  for (int64_t r = team.first_row(); r < rows; r += team.row_step()) {
    const T* in = x + r * cols;
    float v[kVectorsPerLane][kVector8];
    float sum = 0.0f;
#pragma unroll
    for (int t = 0; t < kVectorsPerLane; ++t) {
      const int vector = team.rank() + 32 * t;
      if (vector < vectors) {
        LoadVector8(in + vector * kVector8, v[t]);
#pragma unroll
        for (int k = 0; k < kVector8; ++k) sum = __fadd_rn(sum, v[t][k]);
      }
    }
    const float mean = __fdiv_rn(WarpAllReduce(sum, add), count);
    float squares = 0.0f;
#pragma unroll
    for (int t = 0; t < kVectorsPerLane; ++t) {
      if (team.rank() + 32 * t < vectors) {
#pragma unroll
        for (int k = 0; k < kVector8; ++k) {
          const float d = __fsub_rn(v[t][k], mean);
          squares = __fadd_rn(squares, __fmul_rn(d, d));
        }
      }
    }
    const float variance = __fdiv_rn(WarpAllReduce(squares, add), count);
    const float inverse = __fdiv_rn(1.0f, __fsqrt_rn(__fadd_rn(variance, epsilon)));
    T* out = y + r * cols;
#pragma unroll
    for (int t = 0; t < kVectorsPerLane; ++t) {
      const int vector = team.rank() + 32 * t;
      if (vector < vectors) {
        const int j0 = vector * kVector8;
        float g[kVector8], b[kVector8], result[kVector8];
        LoadVector8(gamma + j0, g);
        LoadVector8(beta + j0, b);
#pragma unroll
        for (int k = 0; k < kVector8; ++k) {
          const float s = __fmul_rn(inverse, g[k]);
          const float shift = __fadd_rn(__fmul_rn(-mean, s), b[k]);
          result[k] = __fadd_rn(__fmul_rn(v[t][k], s), shift);
        }
        StoreVector8(result, out + j0);
      }
    }
  }
}

// The register kernel for rows of `cols` elements, or nullptr where it does not apply.
template <typename T>
auto RegisterKernelFor(int64_t cols, const void* x, const float* gamma, const float* beta,
                       const void* y) -> decltype(&LayerNormRegisterKernel<T, 1>) {
  if (cols % kVector8 != 0 || cols > kRegisterRowMax || !Aligned16(x) || !Aligned16(y) ||
      !Aligned16(gamma) || !Aligned16(beta)) {
    return nullptr;
  }
  const int64_t per_lane = CeilDiv(cols / kVector8, 32);
  if (per_lane <= 1) return LayerNormRegisterKernel<T, 1>;
  if (per_lane <= 2) return LayerNormRegisterKernel<T, 2>;
  if (per_lane <= 4) return LayerNormRegisterKernel<T, 4>;
  return LayerNormRegisterKernel<T, 8>;
}

template <typename T>
Status Launch(const void* x, int64_t rows, int64_t cols, const float* gamma, const float* beta,
              float epsilon, void* y, cudaStream_t stream) {
  if (const auto kernel = RegisterKernelFor<T>(cols, x, gamma, beta, y)) {
    const RowLaunch launch = RowLaunchFor(rows, cols);  // a warp per row
    kernel<<<launch.blocks, launch.threads, 0, stream>>>(rows, static_cast<int>(cols),
                                                         static_cast<const T*>(x), gamma, beta,
                                                         epsilon, static_cast<T*>(y));
  } else {
    LaunchRowKernel(rows, cols, stream, LayerNormKernel<T, true>, LayerNormKernel<T, false>, rows,
                    cols, static_cast<const T*>(x), gamma, beta, epsilon, static_cast<T*>(y));
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

}  // namespace

Status LayerNorm(const void* x, int64_t rows, int64_t cols, const float* gamma, const float* beta,
                 float epsilon, DType dtype, void* y, cudaStream_t stream) {
  if (rows < 0 || cols < 0) return Status::InvalidArgument("LayerNorm: negative rows or cols");
  if (dtype != DType::kFloat32 && dtype != DType::kFloat16) {
    return Status::InvalidArgument(std::string("LayerNorm: unsupported dtype ") + DTypeName(dtype));
  }
  if (rows == 0 || cols == 0) return Status::Ok();
  return dtype == DType::kFloat32 ? Launch<float>(x, rows, cols, gamma, beta, epsilon, y, stream)
                                  : Launch<__half>(x, rows, cols, gamma, beta, epsilon, y, stream);
}

}  // namespace tftrt::cuda
