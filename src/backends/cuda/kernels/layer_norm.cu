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

template <typename T>
Status Launch(const void* x, int64_t rows, int64_t cols, const float* gamma, const float* beta,
              float epsilon, void* y, cudaStream_t stream) {
  LaunchRowKernel(rows, cols, stream, LayerNormKernel<T, true>, LayerNormKernel<T, false>, rows,
                  cols, static_cast<const T*>(x), gamma, beta, epsilon, static_cast<T*>(y));
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
