// The cuda engine backend: runs engine plans on an NVIDIA GPU. Convolutions go through
// cuDNN's graph API, matmuls through cuBLASLt, every other layer kind through tftrt's own
// kernels (backends/cuda/kernels); activations live in one device arena planned from
// tensor lifetimes, weights are uploaded once, and each execution context owns its
// stream, library handles, arena and pinned staging buffers.
#ifndef TFTRT_BACKENDS_CUDA_CUDA_BACKEND_H_
#define TFTRT_BACKENDS_CUDA_CUDA_BACKEND_H_

#include <string>

#include "backends/backend.h"

namespace tftrt::cuda {

// The backend for the current device, created on first use; null where no GPU can be used
// (`why_not` then says why: no device, no driver).
const EngineBackend* AvailableCudaBackend(std::string* why_not);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CUDA_BACKEND_H_
