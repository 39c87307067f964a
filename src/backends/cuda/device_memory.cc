#include "backends/cuda/device_memory.h"

#include <utility>

#include "backends/cuda/cuda_check.h"

namespace tftrt::cuda {
namespace {

Status AllocationFailure(Status status, size_t bytes, const std::string& what) {
  return status.WithContext("while allocating " + std::to_string(bytes) + " bytes (" +
                            std::to_string(bytes >> 20) + " MiB) for " + what);
}

}  // namespace

DeviceBuffer::~DeviceBuffer() {
  if (data_ != nullptr) TFTRT_CUDA_STATUS(cudaFree(data_)).IgnoreError();
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(bytes_, other.bytes_);
  return *this;
}

StatusOr<DeviceBuffer> DeviceBuffer::Allocate(size_t bytes, const std::string& what) {
  DeviceBuffer buffer;
  if (bytes == 0) return buffer;
  Status status = TFTRT_CUDA_STATUS(cudaMalloc(&buffer.data_, bytes));
  if (!status.ok()) {
    buffer.data_ = nullptr;
    return AllocationFailure(status, bytes, "the " + what + " on the GPU");
  }
  buffer.bytes_ = bytes;
  return buffer;
}

PinnedBuffer::~PinnedBuffer() {
  if (data_ != nullptr) TFTRT_CUDA_STATUS(cudaFreeHost(data_)).IgnoreError();
}

PinnedBuffer::PinnedBuffer(PinnedBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

PinnedBuffer& PinnedBuffer::operator=(PinnedBuffer&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(bytes_, other.bytes_);
  return *this;
}

StatusOr<PinnedBuffer> PinnedBuffer::Allocate(size_t bytes, const std::string& what) {
  PinnedBuffer buffer;
  if (bytes == 0) return buffer;
  Status status = TFTRT_CUDA_STATUS(cudaMallocHost(&buffer.data_, bytes));
  if (!status.ok()) {
    buffer.data_ = nullptr;
    return AllocationFailure(status, bytes, "the " + what + " in pinned host memory");
  }
  buffer.bytes_ = bytes;
  return buffer;
}

}  // namespace tftrt::cuda
