// MaxPool and AvgPool on NHWC tensors (TF's MaxPool, MaxPoolV2, AvgPool), float32 and
// float16 (computed in float32), and int32 for MaxPool.
//
// Window positions in the padding are skipped, not read as zeros: MaxPool takes the
// maximum of the valid elements, starting from the type's lowest finite value and keeping
// an element only if it is greater (so NaN is ignored and an all -inf window gives the
// lowest finite value, as TF's CPU kernel); AvgPool divides by the number of valid
// elements (TF's SAME semantics; an empty window gives 0/0 = NaN).
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_POOLING_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_POOLING_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct Pool2DParams {
  int64_t batch = 0, in_height = 0, in_width = 0, channels = 0;
  int64_t window_height = 1, window_width = 1;
  int64_t stride_height = 1, stride_width = 1;
  // Padding before the image; padding after it is implied by the output size.
  int64_t pad_top = 0, pad_left = 0;
  int64_t out_height = 0, out_width = 0;
};

enum class PoolOp : uint8_t { kMax, kAvg };

// out[n, y, x, c] = pool of in[n, y*stride - pad_top + [0, window), x*stride - pad_left +
// [0, window), c] over positions inside the image. InvalidArgument for non-positive
// windows / strides, negative sizes or pads, or AvgPool of int32.
Status Pool2D(PoolOp op, const Pool2DParams& params, const void* in, DType dtype, void* out,
              cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_POOLING_H_
