#include "kernels/cpu/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/nn_numeric.h"

namespace tftrt {

std::optional<std::array<int64_t, 4>> AttentionMaskStrides(const std::vector<int64_t>& mask,
                                                           const std::array<int64_t, 4>& scores) {
  const int rank = static_cast<int>(mask.size());
  if (rank > 4) return std::nullopt;
  std::array<int64_t, 4> strides = {0, 0, 0, 0};
  int64_t stride = 1;
  for (int d = 3; d >= 4 - rank; --d) {
    const int64_t size = mask[d - (4 - rank)];
    if (size != 1 && size != scores[d]) return std::nullopt;
    strides[d] = size == 1 ? 0 : stride;
    stride *= size;
  }
  return strides;
}

template <typename T>
void Attention(const AttentionShape& shape, const T* q, const T* k, const T* v, float scale,
               const AttentionMask& mask, T* out) {
  using C = WideType<T>;
  const int64_t row = shape.heads * shape.head_dim;  // one position's values, all heads
  const int64_t in_row = shape.qkv_stride > 0 ? shape.qkv_stride : row;  // of q, k and v
  std::vector<C> scores(shape.keys);
  std::vector<C> sums(shape.head_dim);
  for (int64_t b = 0; b < shape.batch; ++b) {
    for (int64_t n = 0; n < shape.heads; ++n) {
      const T* keys = k + b * shape.keys * in_row + n * shape.head_dim;
      const T* values = v + b * shape.keys * in_row + n * shape.head_dim;
      for (int64_t t = 0; t < shape.queries; ++t) {
        const T* query = q + (b * shape.queries + t) * in_row + n * shape.head_dim;
        C max = -std::numeric_limits<C>::infinity();
        for (int64_t s = 0; s < shape.keys; ++s) {
          C dot = 0;
          for (int64_t h = 0; h < shape.head_dim; ++h) {
            dot += Widen(query[h]) * Widen(keys[s * in_row + h]);
          }
          scores[s] =
              mask.Keeps(b, n, t, s) ? dot * static_cast<C>(scale) : static_cast<C>(mask.value);
          max = std::max(max, scores[s]);
        }
        C total = 0;
        for (int64_t s = 0; s < shape.keys; ++s) {
          scores[s] = std::exp(scores[s] - max);
          total += scores[s];
        }
        std::fill(sums.begin(), sums.end(), C{0});
        for (int64_t s = 0; s < shape.keys; ++s) {
          const C p = scores[s] / total;
          for (int64_t h = 0; h < shape.head_dim; ++h) {
            sums[h] += p * Widen(values[s * in_row + h]);
          }
        }
        T* result = out + (b * shape.queries + t) * row + n * shape.head_dim;
        for (int64_t h = 0; h < shape.head_dim; ++h) result[h] = Narrow<T>(sums[h]);
      }
    }
  }
}

#define TFTRT_INSTANTIATE_ATTENTION(T)                                                   \
  template void Attention<T>(const AttentionShape&, const T*, const T*, const T*, float, \
                             const AttentionMask&, T*);
TFTRT_INSTANTIATE_ATTENTION(float)
TFTRT_INSTANTIATE_ATTENTION(double)
TFTRT_INSTANTIATE_ATTENTION(Half)
TFTRT_INSTANTIATE_ATTENTION(BFloat16)
#undef TFTRT_INSTANTIATE_ATTENTION

}  // namespace tftrt
