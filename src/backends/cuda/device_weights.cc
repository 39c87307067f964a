#include "backends/cuda/device_weights.h"

#include <cuda_runtime_api.h>

#include <string>
#include <utility>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_memory.h"

namespace tftrt::cuda {

namespace {

void Free(void* data, size_t bytes) {
  if (data == nullptr) return;
  CountDeviceMemory(-static_cast<int64_t>(bytes));
  TFTRT_CUDA_STATUS(cudaFree(data)).IgnoreError();
}

}  // namespace

DeviceWeights::~DeviceWeights() { Free(data_, bytes_); }

DeviceWeights::DeviceWeights(DeviceWeights&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceWeights& DeviceWeights::operator=(DeviceWeights&& other) noexcept {
  if (this != &other) {
    Free(data_, bytes_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

StatusOr<DeviceWeights> DeviceWeights::Upload(const void* host, size_t bytes) {
  DeviceWeights weights;
  if (bytes == 0) return weights;
  Status status = TFTRT_CUDA_STATUS(cudaMalloc(&weights.data_, bytes));
  if (!status.ok()) {
    weights.data_ = nullptr;
    return status.WithContext("while allocating " + std::to_string(bytes) +
                              " bytes of device memory for weights");
  }
  weights.bytes_ = bytes;
  CountDeviceMemory(static_cast<int64_t>(bytes));
  TFTRT_CUDA_CHECK(cudaMemcpy(weights.data_, host, bytes, cudaMemcpyHostToDevice));
  return weights;
}

StatusOr<DeviceWeights> DeviceWeights::UploadAs(const std::vector<float>& values, DataType dtype) {
  if (dtype == DataType::kFloat) return Upload(values.data(), values.size() * sizeof(float));
  if (dtype != DataType::kHalf) {
    return Status::InvalidArgument("weights can be uploaded as float32 or float16, not " +
                                   std::string(DataTypeName(dtype)));
  }
  std::vector<Half> halves(values.size());
  for (size_t i = 0; i < values.size(); ++i) halves[i] = FloatToHalf(values[i]);
  return Upload(halves.data(), halves.size() * sizeof(Half));
}

std::vector<float> TensorToFloats(const Tensor& tensor) {
  std::vector<float> values(tensor.NumElements());
  if (tensor.dtype() == DataType::kHalf) {
    const Half* halves = tensor.flat<Half>();
    for (size_t i = 0; i < values.size(); ++i) values[i] = HalfToFloat(halves[i]);
  } else {
    const float* floats = tensor.flat<float>();
    values.assign(floats, floats + values.size());
  }
  return values;
}

}  // namespace tftrt::cuda
