// Scaled dot-product attention in Keras MultiHeadAttention's layout (what
// engine/attention_folding.h makes of its ops): for each batch b, head n and query t,
//     score[s] = scale * sum_h q[b,t,n,h] * k[b,s,n,h]       (masked: mask_value)
//     p = softmax(score)                                       over the keys s
//     out[b,t,n,h] = sum_s p[s] * v[b,s,n,h]
// q and out are [batch, queries, heads, head_dim], k and v [batch, keys, heads, head_dim],
// dense; or q, k and v are slices of one packed tensor [batch, positions, 3, heads,
// head_dim] (engine/qkv_packing.h): q = qkv[:, :, 0], k = qkv[:, :, 1], v = qkv[:, :, 2],
// each position 3 * heads * head_dim elements after the one before (qkv_stride).
// Computed in float (double for double): the scores, the softmax and the sums.
#ifndef TFTRT_KERNELS_CPU_ATTENTION_H_
#define TFTRT_KERNELS_CPU_ATTENTION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace tftrt {

struct AttentionShape {
  int64_t batch = 0, queries = 0, keys = 0, heads = 0, head_dim = 0;
  // Elements from one position of q, k and v to the next; 0: heads * head_dim (dense).
  int64_t qkv_stride = 0;
};

// A boolean mask read as [batch, heads, queries, keys] through strides in elements (0 along
// a broadcast dim); data == nullptr: no mask.
struct AttentionMask {
  const bool* data = nullptr;
  std::array<int64_t, 4> strides = {0, 0, 0, 0};
  float value = 0.0f;  // the score of a masked-out key

  bool Keeps(int64_t b, int64_t n, int64_t t, int64_t s) const {
    return data == nullptr ||
           data[b * strides[0] + n * strides[1] + t * strides[2] + s * strides[3]];
  }
};

// The strides that read a mask of shape `mask` (rank <= 4, each dim 1 or the scores') as
// the [batch, heads, queries, keys] scores it broadcasts to; nullopt when it does not.
std::optional<std::array<int64_t, 4>> AttentionMaskStrides(const std::vector<int64_t>& mask,
                                                           const std::array<int64_t, 4>& scores);

// Instantiated for float, double, Half and BFloat16 (the last two computed in float).
template <typename T>
void Attention(const AttentionShape& shape, const T* q, const T* k, const T* v, float scale,
               const AttentionMask& mask, T* out);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_ATTENTION_H_
