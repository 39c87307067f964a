// ResizeBilinear and ResizeNearestNeighbor on NHWC images, with TF's CPU arithmetic
// (tensorflow/core/kernels/image/resize_*_op.cc, util/image_resizer_state.h): the same
// float32 scale and source-coordinate formulas, floor / round and clamping, in the same
// order of float operations (no FMA contraction), so results match TF bit for bit.
//
//   scale = align_corners && out > 1 && in > 1 ? (in - 1) / (out - 1) : in / out (float)
//   bilinear:  src = half_pixel_centers ? (o + 0.5) * scale - 0.5 : o * scale;
//              lower = max(floor(src), 0), upper = min(ceil(src), in - 1),
//              lerp = src - floor(src); top/bottom interpolated along x, then along y.
//              A same-size resize is a copy (TF keeps infinities there).
//   nearest:   src = half_pixel_centers ? (o + 0.5) * scale : o * scale;
//              index = align_corners ? round(src) : floor(src), then min(index, in - 1)
//              and, with half_pixel_centers, max(index, 0).
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_RESIZE_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_RESIZE_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct ResizeParams {
  int64_t batch = 0, in_height = 0, in_width = 0, channels = 0;
  int64_t out_height = 0, out_width = 0;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// TF's scale for one dimension (see above).
float ResizeScale(int64_t in_size, int64_t out_size, bool align_corners);

// `in` of dtype float32, float16 or int32; `out` is float32 (as TF's ResizeBilinear).
// InvalidArgument for align_corners with half_pixel_centers, non-positive sizes.
Status ResizeBilinear(const ResizeParams& params, const void* in, DType dtype, float* out,
                      cudaStream_t stream);

// `out` has the input's dtype (any DType).
Status ResizeNearestNeighbor(const ResizeParams& params, const void* in, DType dtype, void* out,
                             cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_RESIZE_H_
