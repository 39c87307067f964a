#include "backends/cuda/cuda_check.h"

#include <string>

namespace tftrt::cuda {
namespace {

Status Failure(StatusCode code, const std::string& what, const char* call, const char* file,
               int line) {
  return Status(code, what + " in " + call + " (" + file + ":" + std::to_string(line) + ")");
}

}  // namespace

Status CallStatus(cudaError_t result, const char* call, const char* file, int line) {
  if (result == cudaSuccess) return Status::Ok();
  cudaGetLastError();  // clears a non-sticky error so that later calls do not report it
  const StatusCode code =
      result == cudaErrorMemoryAllocation ? StatusCode::kResourceExhausted : StatusCode::kInternal;
  return Failure(code,
                 std::string("CUDA error ") + cudaGetErrorName(result) + " (" +
                     cudaGetErrorString(result) + ")",
                 call, file, line);
}

Status CallStatus(cublasStatus_t result, const char* call, const char* file, int line) {
  if (result == CUBLAS_STATUS_SUCCESS) return Status::Ok();
  const StatusCode code =
      result == CUBLAS_STATUS_ALLOC_FAILED ? StatusCode::kResourceExhausted : StatusCode::kInternal;
  return Failure(code, std::string("cuBLAS error ") + cublasLtGetStatusName(result), call, file,
                 line);
}

Status CallStatus(cudnnStatus_t result, const char* call, const char* file, int line) {
  if (result == CUDNN_STATUS_SUCCESS) return Status::Ok();
  const bool allocation = result == CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED ||
                          result == CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
  const StatusCode code = allocation ? StatusCode::kResourceExhausted : StatusCode::kInternal;
  return Failure(code, std::string("cuDNN error ") + cudnnGetErrorString(result), call, file, line);
}

}  // namespace tftrt::cuda
