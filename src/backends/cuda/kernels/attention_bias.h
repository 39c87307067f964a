// The additive bias that turns the boolean mask of an engine-only _TftrtAttention
// (engine/attention_folding.h) into cuDNN's fused-attention input: a float32
// [batch, 1, queries, keys] tensor, 0 where the mask keeps a score and mask_value where it
// replaces one. With Keras' mask_value (float32's lowest / 1.4) a masked score
// scale * q.k + mask_value rounds to mask_value itself in float32, so the softmax sees what
// TF's SelectV2 gives it, fully masked rows included.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_ATTENTION_BIAS_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_ATTENTION_BIAS_H_

#include <cuda_runtime_api.h>

#include <array>
#include <cstdint>

#include "tftrt/status.h"

namespace tftrt::cuda {

// bias[b, t, s] = mask[b * strides[0] + t * strides[1] + s * strides[2]] ? 0 : mask_value,
// for b < batch, t < queries, s < keys (a stride of 0 broadcasts the mask along that dim).
Status AttentionBias(const bool* mask, const std::array<int64_t, 3>& strides, int64_t batch,
                     int64_t queries, int64_t keys, float mask_value, float* bias,
                     cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_ATTENTION_BIAS_H_
