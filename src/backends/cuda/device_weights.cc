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

StatusOr<std::vector<char>> WeightBytesAs(const std::vector<float>& values, DataType dtype) {
  if (dtype == DataType::kFloat) {
    const char* data = reinterpret_cast<const char*>(values.data());
    return std::vector<char>(data, data + values.size() * sizeof(float));
  }
  if (dtype != DataType::kHalf) {
    return Status::InvalidArgument("weights can be uploaded as float32 or float16, not " +
                                   std::string(DataTypeName(dtype)));
  }
  std::vector<char> bytes(values.size() * sizeof(Half));
  Half* halves = reinterpret_cast<Half*>(bytes.data());
  for (size_t i = 0; i < values.size(); ++i) halves[i] = FloatToHalf(values[i]);
  return bytes;
}

StatusOr<DeviceWeights> DeviceWeights::UploadAs(const std::vector<float>& values, DataType dtype) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<char> bytes, WeightBytesAs(values, dtype));
  return Upload(bytes.data(), bytes.size());
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
