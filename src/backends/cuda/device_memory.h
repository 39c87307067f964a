// Owned device and pinned host allocations for an execution context: the activation
// arena, the workspace and the staging buffers. An allocation that fails is a
// ResourceExhausted error saying how many bytes were asked for and what for.
#ifndef TFTRT_BACKENDS_CUDA_DEVICE_MEMORY_H_
#define TFTRT_BACKENDS_CUDA_DEVICE_MEMORY_H_

#include <cstddef>
#include <string>

#include "tftrt/status.h"

namespace tftrt::cuda {

// Move-only; frees in the destructor.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;

  // cudaMalloc of `bytes` (0: an empty buffer); `what` names the buffer in errors.
  static StatusOr<DeviceBuffer> Allocate(size_t bytes, const std::string& what);
  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

// Page-locked host memory, so that copies to and from the device are asynchronous.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  ~PinnedBuffer();
  PinnedBuffer(PinnedBuffer&& other) noexcept;
  PinnedBuffer& operator=(PinnedBuffer&& other) noexcept;

  static StatusOr<PinnedBuffer> Allocate(size_t bytes, const std::string& what);
  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_DEVICE_MEMORY_H_
