// Owned device and pinned host allocations for an execution context: the activation
// arena, the workspace and the staging buffers. An allocation that fails is a
// ResourceExhausted error saying how many bytes were asked for and what for.
//
// Every device allocation of the cuda backend (these buffers and the weights,
// device_weights.h) is counted, so that a benchmark can report the device memory that
// engines held at most (as PyTorch's max_memory_allocated does for its tensors).
#ifndef TFTRT_BACKENDS_CUDA_DEVICE_MEMORY_H_
#define TFTRT_BACKENDS_CUDA_DEVICE_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "tftrt/status.h"

namespace tftrt::cuda {

// Where a CudaBuffer lives: device memory (cudaMalloc) or page-locked host memory
// (cudaMallocHost), so that copies to and from the device are asynchronous.
enum class MemoryKind { kDevice, kPinnedHost };

// Move-only; frees in the destructor.
template <MemoryKind kKind>
class CudaBuffer {
 public:
  CudaBuffer() = default;
  ~CudaBuffer();
  CudaBuffer(CudaBuffer&& other) noexcept;
  CudaBuffer& operator=(CudaBuffer&& other) noexcept;

  // Allocates `bytes` (0: an empty buffer); `what` names the buffer in errors.
  static StatusOr<CudaBuffer> Allocate(size_t bytes, const std::string& what);
  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

using DeviceBuffer = CudaBuffer<MemoryKind::kDevice>;

// Device bytes that the cuda backend holds now and held at most since the process started
// (all devices together; allocations made by the libraries themselves are not counted).
struct DeviceMemoryUse {
  int64_t held_bytes = 0;
  int64_t peak_bytes = 0;
};
DeviceMemoryUse CountedDeviceMemory();
// Records `bytes` more (an allocation) or fewer (negative: a free) device bytes held.
void CountDeviceMemory(int64_t bytes);
using PinnedBuffer = CudaBuffer<MemoryKind::kPinnedHost>;

// Defined in device_memory.cc for these two kinds.
extern template class CudaBuffer<MemoryKind::kDevice>;
extern template class CudaBuffer<MemoryKind::kPinnedHost>;

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_DEVICE_MEMORY_H_
