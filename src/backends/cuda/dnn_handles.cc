#include "backends/cuda/dnn_handles.h"

#include <cuda_runtime_api.h>

#include "backends/cuda/cuda_check.h"

namespace tftrt::cuda {

StatusOr<std::unique_ptr<DnnHandles>> DnnHandles::Create() {
  std::unique_ptr<DnnHandles> handles(new DnnHandles());
  TFTRT_CUDA_CHECK(cudaGetDevice(&handles->device_));
  // The destructor releases whichever handle was created when the other one fails.
  TFTRT_CUDA_CHECK(cudnnCreate(&handles->cudnn_));
  TFTRT_CUDA_CHECK(cublasLtCreate(&handles->cublas_lt_));
  handles->cudnn_version_ = cudnnGetVersion();
  return handles;
}

DnnHandles::~DnnHandles() {
  // Errors cannot be returned from a destructor; destroying a valid handle does not fail.
  if (cublas_lt_ != nullptr) TFTRT_CUDA_STATUS(cublasLtDestroy(cublas_lt_)).IgnoreError();
  if (cudnn_ != nullptr) TFTRT_CUDA_STATUS(cudnnDestroy(cudnn_)).IgnoreError();
}

}  // namespace tftrt::cuda
