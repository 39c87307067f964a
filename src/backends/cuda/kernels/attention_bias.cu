#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/attention_bias.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/kernel_types.h"

namespace tftrt::cuda {
namespace {

__global__ void __launch_bounds__(kThreadsPerBlock)
    AttentionBiasKernel(const bool* mask, int64_t stride_b, int64_t stride_t, int64_t stride_s,
                        int64_t queries, int64_t keys, int64_t n, float mask_value, float* bias) {
  for (int64_t i = GlobalThreadIndex(); i < n; i += GridStride()) {
    const int64_t s = i % keys;
    const int64_t t = (i / keys) % queries;
    const int64_t b = i / (keys * queries);
    bias[i] = mask[b * stride_b + t * stride_t + s * stride_s] ? 0.0f : mask_value;
  }
}

}  // namespace

Status AttentionBias(const bool* mask, const std::array<int64_t, 3>& strides, int64_t batch,
                     int64_t queries, int64_t keys, float mask_value, float* bias,
                     cudaStream_t stream) {
  if (batch < 0 || queries < 0 || keys < 0) {
    return Status::InvalidArgument("AttentionBias: negative sizes");
  }
  const int64_t n = batch * queries * keys;
  if (n == 0) return Status::Ok();
  AttentionBiasKernel<<<GridStrideBlocks(n), kThreadsPerBlock, 0, stream>>>(
      mask, strides[0], strides[1], strides[2], queries, keys, n, mask_value, bias);
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

}  // namespace tftrt::cuda
