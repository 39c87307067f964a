// 3-D convolution and pooling on NDHWC volumes (TF's Conv3D, MaxPool3D, AvgPool3D), the
// math shared by the native kernels (runtime/ops/volume_ops.cc) and the cpu engine
// backend. Filters are [planes, rows, cols, in_depth, out_depth] (DHWIO).
//
// Padding contributes zeros to a convolution and is skipped by pooling: max pooling takes
// the largest valid element (starting from the type's lowest finite value, as Eigen's
// reducer), average pooling divides by the number of valid elements (TF's SAME rule).
// Convolution goes through GEMM (kernels/cpu/gemm.h: float for 16-bit floats, rounded
// once).
// Instantiated for float, double, Half and BFloat16.
#ifndef TFTRT_KERNELS_CPU_VOLUME_H_
#define TFTRT_KERNELS_CPU_VOLUME_H_

#include <array>
#include <cstdint>

namespace tftrt {

// A window over the three spatial dimensions (planes, rows, cols) of an NDHWC volume.
struct Window3D {
  std::array<int64_t, 3> filter = {1, 1, 1};
  std::array<int64_t, 3> stride = {1, 1, 1};
  std::array<int64_t, 3> dilation = {1, 1, 1};
  std::array<int64_t, 3> pad_before = {0, 0, 0};
  std::array<int64_t, 3> pad_after = {0, 0, 0};  // recorded for engine plans
  std::array<int64_t, 3> out = {0, 0, 0};
};

struct Volume3DShape {
  int64_t batch = 0;
  std::array<int64_t, 3> in = {0, 0, 0};
  int64_t in_depth = 0;
  int64_t out_depth = 0;  // convolution only; pooling keeps in_depth
  Window3D window;
};

// output[batch, out..., out_depth] = conv(input[batch, in..., in_depth], filter).
template <typename T>
void Conv3D(const Volume3DShape& shape, const T* input, const T* filter, T* output);

// output[batch, out..., in_depth].
template <typename T>
void MaxPool3D(const Volume3DShape& shape, const T* input, T* output);
template <typename T>
void AvgPool3D(const Volume3DShape& shape, const T* input, T* output);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_VOLUME_H_
