// The cuDNN and cuBLASLt library handles that the runners (ConvolutionRunner, MatMulRunner)
// need: created together on one device, destroyed together.
//
// Thread safety: a cuDNN handle must not be used by several threads at once, and binding it
// to a stream (cudnnSetStream, which every cuDNN Run does) changes shared state. So each
// thread that runs engines — in tftrt, each ExecutionContext — owns its own DnnHandles; the
// runners themselves are immutable after creation and may be shared between contexts. The
// cuBLASLt handle follows the same rule for simplicity. Not copyable or movable (the
// handles are referred to by address); hold one in a unique_ptr.
#ifndef TFTRT_BACKENDS_CUDA_DNN_HANDLES_H_
#define TFTRT_BACKENDS_CUDA_DNN_HANDLES_H_

#include <cublasLt.h>
#include <cudnn.h>

#include <memory>

#include "tftrt/status.h"

namespace tftrt::cuda {

class DnnHandles {
 public:
  // Creates a cuDNN and a cuBLASLt handle on the calling thread's current device.
  static StatusOr<std::unique_ptr<DnnHandles>> Create();
  ~DnnHandles();
  DnnHandles(const DnnHandles&) = delete;
  DnnHandles& operator=(const DnnHandles&) = delete;

  cudnnHandle_t cudnn() const { return cudnn_; }
  cublasLtHandle_t cublas_lt() const { return cublas_lt_; }
  // The CUDA device ordinal the handles belong to.
  int device() const { return device_; }
  // cudnnGetVersion() of the loaded library, e.g. 91400 (it can differ from the headers').
  size_t cudnn_version() const { return cudnn_version_; }

 private:
  DnnHandles() = default;

  cudnnHandle_t cudnn_ = nullptr;
  cublasLtHandle_t cublas_lt_ = nullptr;
  int device_ = 0;
  size_t cudnn_version_ = 0;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_DNN_HANDLES_H_
