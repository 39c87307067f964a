#include <cuda_fp16.h>

#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/softmax.h"

namespace tftrt::cuda {
namespace {

// Three passes over each row (max, sum of exp, write) by one RowTeam; the row stays in
// L1/L2 between them. `in` and `out` may alias: each element is read in the last pass
// before the same thread writes it.
template <typename T, bool kLog, bool kWarp>
__global__ void SoftmaxKernel(int64_t rows, int64_t classes, const T* in, T* out) {
  __shared__ float scratch[32];
  const RowTeam<kWarp> team;
  for (int64_t r = team.first_row(); r < rows; r += team.row_step()) {
    const T* row = in + r * classes;
    float max_value = -INFINITY;
    for (int64_t j = team.rank(); j < classes; j += team.size()) {
      const float x = LoadFloat(row + j);
      // Ignores NaN (as TF's max); a NaN makes the sum NaN below anyway.
      if (x > max_value) max_value = x;
    }
    max_value = team.AllReduce(
        max_value, [](float a, float b) { return a > b ? a : b; }, -INFINITY, scratch);
    float sum = 0.0f;
    for (int64_t j = team.rank(); j < classes; j += team.size()) {
      sum = __fadd_rn(sum, expf(__fsub_rn(LoadFloat(row + j), max_value)));
    }
    sum = team.AllReduce(
        sum, [](float a, float b) { return __fadd_rn(a, b); }, 0.0f, scratch);
    const float scale = kLog ? logf(sum) : __fdiv_rn(1.0f, sum);
    T* out_row = out + r * classes;
    for (int64_t j = team.rank(); j < classes; j += team.size()) {
      const float shifted = __fsub_rn(LoadFloat(row + j), max_value);
      const float y = kLog ? __fsub_rn(shifted, scale) : __fmul_rn(expf(shifted), scale);
      out_row[j] = ConvertForStore<T, float>(y);
    }
  }
}

template <typename T, bool kLog>
Status LaunchSoftmax(const void* in, int64_t rows, int64_t classes, void* out,
                     cudaStream_t stream) {
  LaunchRowKernel(rows, classes, stream, SoftmaxKernel<T, kLog, true>,
                  SoftmaxKernel<T, kLog, false>, rows, classes, static_cast<const T*>(in),
                  static_cast<T*>(out));
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

}  // namespace

Status Softmax(const void* in, int64_t rows, int64_t classes, DType dtype, bool log, void* out,
               cudaStream_t stream) {
  if (rows < 0 || classes < 0) {
    return Status::InvalidArgument("Softmax: negative rows or classes");
  }
  if (dtype != DType::kFloat32 && dtype != DType::kFloat16) {
    return Status::InvalidArgument(std::string("Softmax: unsupported dtype ") + DTypeName(dtype));
  }
  if (rows == 0 || classes == 0) return Status::Ok();
  if (dtype == DType::kFloat32) {
    return log ? LaunchSoftmax<float, true>(in, rows, classes, out, stream)
               : LaunchSoftmax<float, false>(in, rows, classes, out, stream);
  }
  return log ? LaunchSoftmax<__half, true>(in, rows, classes, out, stream)
             : LaunchSoftmax<__half, false>(in, rows, classes, out, stream);
}

}  // namespace tftrt::cuda
