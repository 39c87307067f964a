// Batch normalization over the channel axis (TF's FusedBatchNorm / V2 / V3), on an array
// seen as [outer, channels, inner]: NHWC is [N*H*W, C, 1], NCHW is [N, C, H*W].
//
// Statistics and parameters are float (TF's U); x and y may be float, Half or BFloat16
// (widened to float per element, as TF's kernel does).
//   inference: y = (x - mean) * (scale / sqrt(variance + epsilon)) + offset
//   training:  the batch's mean and biased variance per channel (accumulated in double),
//              then the same formula with them.
#ifndef TFTRT_KERNELS_CPU_BATCH_NORM_H_
#define TFTRT_KERNELS_CPU_BATCH_NORM_H_

#include <cstdint>

namespace tftrt {

struct BatchNormShape {
  int64_t outer = 0, channels = 0, inner = 1;
};

// `mean`, `variance`, `scale`, `offset` have `channels` elements.
template <typename T>
void BatchNormInference(const BatchNormShape& shape, const T* x, const float* scale,
                        const float* offset, const float* mean, const float* variance,
                        float epsilon, T* y);

// Also writes the batch statistics: batch_mean and batch_variance (biased, i.e. divided
// by the number of elements per channel) have `channels` elements.
template <typename T>
void BatchNormTraining(const BatchNormShape& shape, const T* x, const float* scale,
                       const float* offset, float epsilon, T* y, float* batch_mean,
                       float* batch_variance);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_BATCH_NORM_H_
