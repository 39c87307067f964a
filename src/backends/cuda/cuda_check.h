// The one checking macro for every CUDA runtime, cuBLAS / cuBLASLt and cuDNN call: a
// failed call becomes a Status that names the call, the file and the line, so a GPU error
// reaches the user as an error message, never as a crash. An allocation failure is
// ResourceExhausted; callers that allocate add how many bytes they asked for.
//
//   TFTRT_CUDA_CHECK(cudaMemcpyAsync(...));          // returns the Status on failure
//   Status status = TFTRT_CUDA_STATUS(cudaFree(p));  // when the caller cannot return
#ifndef TFTRT_BACKENDS_CUDA_CUDA_CHECK_H_
#define TFTRT_BACKENDS_CUDA_CUDA_CHECK_H_

#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include "tftrt/status.h"

namespace tftrt::cuda {

// OK when `result` is the library's success value.
Status CallStatus(cudaError_t result, const char* call, const char* file, int line);
Status CallStatus(cublasStatus_t result, const char* call, const char* file, int line);
Status CallStatus(cudnnStatus_t result, const char* call, const char* file, int line);

}  // namespace tftrt::cuda

#define TFTRT_CUDA_STATUS(call) ::tftrt::cuda::CallStatus((call), #call, __FILE__, __LINE__)
#define TFTRT_CUDA_CHECK(call) TFTRT_RETURN_IF_ERROR(TFTRT_CUDA_STATUS(call))

#endif  // TFTRT_BACKENDS_CUDA_CUDA_CHECK_H_
