// Device memory that a runner owns for its constants (filters, matmul weights, bias and scale
// vectors): uploaded once when the runner is created, read by every run, freed in the
// destructor. Move-only.
//
// Thread safety: immutable after Upload; any number of streams may read it at once.
#ifndef TFTRT_BACKENDS_CUDA_DEVICE_WEIGHTS_H_
#define TFTRT_BACKENDS_CUDA_DEVICE_WEIGHTS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

class DeviceWeights {
 public:
  DeviceWeights() = default;  // empty: data() is null
  ~DeviceWeights();
  DeviceWeights(DeviceWeights&& other) noexcept;
  DeviceWeights& operator=(DeviceWeights&& other) noexcept;
  DeviceWeights(const DeviceWeights&) = delete;
  DeviceWeights& operator=(const DeviceWeights&) = delete;

  // Copies `bytes` bytes from the host to new device memory (cudaMalloc: 256-byte aligned),
  // synchronously. Zero bytes gives an empty DeviceWeights.
  static StatusOr<DeviceWeights> Upload(const void* host, size_t bytes);
  // Converts float `values` to `dtype` (kFloat, or kHalf rounded to nearest even) and uploads.
  static StatusOr<DeviceWeights> UploadAs(const std::vector<float>& values, DataType dtype);

  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

// The elements of a host tensor of dtype kFloat or kHalf as floats (REQUIRES: one of those).
std::vector<float> TensorToFloats(const Tensor& tensor);

// Float `values` as the bytes of `dtype` (kFloat, or kHalf rounded to nearest even), as
// UploadAs uploads them; InvalidArgument for other dtypes.
StatusOr<std::vector<char>> WeightBytesAs(const std::vector<float>& values, DataType dtype);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_DEVICE_WEIGHTS_H_
