#include "backends/cuda/device_memory.h"

#include <atomic>
#include <utility>

#include "backends/cuda/cuda_check.h"

namespace tftrt::cuda {
namespace {

std::atomic<int64_t> held_device_bytes{0};
std::atomic<int64_t> peak_device_bytes{0};

Status AllocationFailure(Status status, size_t bytes, const std::string& what) {
  return status.WithContext("while allocating " + std::to_string(bytes) + " bytes (" +
                            std::to_string(bytes >> 20) + " MiB) for " + what);
}

// The CUDA calls of each kind, and where its errors say the memory is.
template <MemoryKind kKind>
struct Memory;

template <>
struct Memory<MemoryKind::kDevice> {
  static constexpr const char* kWhere = " on the GPU";
  static Status Allocate(void** data, size_t bytes) {
    TFTRT_CUDA_CHECK(cudaMalloc(data, bytes));
    CountDeviceMemory(static_cast<int64_t>(bytes));
    return Status::Ok();
  }
  static Status Free(void* data, size_t bytes) {
    CountDeviceMemory(-static_cast<int64_t>(bytes));
    return TFTRT_CUDA_STATUS(cudaFree(data));
  }
};

template <>
struct Memory<MemoryKind::kPinnedHost> {
  static constexpr const char* kWhere = " in pinned host memory";
  static Status Allocate(void** data, size_t bytes) {
    return TFTRT_CUDA_STATUS(cudaMallocHost(data, bytes));
  }
  static Status Free(void* data, size_t) { return TFTRT_CUDA_STATUS(cudaFreeHost(data)); }
};

}  // namespace

DeviceMemoryUse CountedDeviceMemory() {
  return {held_device_bytes.load(), peak_device_bytes.load()};
}

void CountDeviceMemory(int64_t bytes) {
  const int64_t held = held_device_bytes.fetch_add(bytes) + bytes;
  int64_t peak = peak_device_bytes.load();
  while (held > peak && !peak_device_bytes.compare_exchange_weak(peak, held)) {
  }
}

template <MemoryKind kKind>
CudaBuffer<kKind>::~CudaBuffer() {
  if (data_ != nullptr) Memory<kKind>::Free(data_, bytes_).IgnoreError();
}

template <MemoryKind kKind>
CudaBuffer<kKind>::CudaBuffer(CudaBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

template <MemoryKind kKind>
CudaBuffer<kKind>& CudaBuffer<kKind>::operator=(CudaBuffer&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(bytes_, other.bytes_);
  return *this;
}

template <MemoryKind kKind>
StatusOr<CudaBuffer<kKind>> CudaBuffer<kKind>::Allocate(size_t bytes, const std::string& what) {
  CudaBuffer buffer;
  if (bytes == 0) return buffer;
  Status status = Memory<kKind>::Allocate(&buffer.data_, bytes);
  if (!status.ok()) {
    buffer.data_ = nullptr;
    return AllocationFailure(status, bytes, "the " + what + Memory<kKind>::kWhere);
  }
  buffer.bytes_ = bytes;
  return buffer;
}

template class CudaBuffer<MemoryKind::kDevice>;
template class CudaBuffer<MemoryKind::kPinnedHost>;

}  // namespace tftrt::cuda
