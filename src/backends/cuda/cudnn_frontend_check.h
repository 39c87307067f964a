// TFTRT_CUDA_CHECK for cudnn-frontend calls: one more overload of CallStatus, for the
// frontend's cudnn_frontend::error_t, so that the one checking macro of cuda_check.h also
// takes `graph.validate()`, `graph.build_plan_at_index(i)`, ... The Status carries the
// frontend's own message.
//
// Include only from .cc files of tftrt_backend_cuda: the frontend's headers are a private
// (SYSTEM) include of that library, and slow to compile.
#ifndef TFTRT_BACKENDS_CUDA_CUDNN_FRONTEND_CHECK_H_
#define TFTRT_BACKENDS_CUDA_CUDNN_FRONTEND_CHECK_H_

#include <cudnn_frontend.h>

#include <string>

#include "backends/cuda/cuda_check.h"

namespace tftrt::cuda {

// "GRAPH_NOT_SUPPORTED", ... for a frontend error code.
inline const char* CudnnFrontendErrorName(cudnn_frontend::error_code_t code) {
  using cudnn_frontend::error_code_t;
  switch (code) {
    case error_code_t::OK:
      return "OK";
    case error_code_t::ATTRIBUTE_NOT_SET:
      return "ATTRIBUTE_NOT_SET";
    case error_code_t::SHAPE_DEDUCTION_FAILED:
      return "SHAPE_DEDUCTION_FAILED";
    case error_code_t::INVALID_TENSOR_NAME:
      return "INVALID_TENSOR_NAME";
    case error_code_t::INVALID_VARIANT_PACK:
      return "INVALID_VARIANT_PACK";
    case error_code_t::GRAPH_NOT_SUPPORTED:
      return "GRAPH_NOT_SUPPORTED";
    case error_code_t::GRAPH_EXECUTION_PLAN_CREATION_FAILED:
      return "GRAPH_EXECUTION_PLAN_CREATION_FAILED";
    case error_code_t::GRAPH_EXECUTION_FAILED:
      return "GRAPH_EXECUTION_FAILED";
    case error_code_t::HEURISTIC_QUERY_FAILED:
      return "HEURISTIC_QUERY_FAILED";
    case error_code_t::UNSUPPORTED_GRAPH_FORMAT:
      return "UNSUPPORTED_GRAPH_FORMAT";
    case error_code_t::CUDA_API_FAILED:
      return "CUDA_API_FAILED";
    case error_code_t::CUDNN_BACKEND_API_FAILED:
      return "CUDNN_BACKEND_API_FAILED";
    case error_code_t::INVALID_CUDA_DEVICE:
      return "INVALID_CUDA_DEVICE";
    case error_code_t::HANDLE_ERROR:
      return "HANDLE_ERROR";
    case error_code_t::INVALID_VALUE:
      return "INVALID_VALUE";
    case error_code_t::NVRTC_COMPILATION_FAILED:
      return "NVRTC_COMPILATION_FAILED";
  }
  return "unknown cudnn-frontend error";
}

// OK when `result` is OK. What cuDNN cannot do for this graph (no engine, no plan, an
// unsupported graph) is kUnimplemented, so that callers can fall back; the rest kInternal.
inline Status CallStatus(const cudnn_frontend::error_t& result, const char* call, const char* file,
                         int line) {
  using cudnn_frontend::error_code_t;
  if (result.is_good()) return Status::Ok();
  const bool unsupported = result.code == error_code_t::GRAPH_NOT_SUPPORTED ||
                           result.code == error_code_t::GRAPH_EXECUTION_PLAN_CREATION_FAILED ||
                           result.code == error_code_t::HEURISTIC_QUERY_FAILED;
  return Status(unsupported ? StatusCode::kUnimplemented : StatusCode::kInternal,
                std::string("cuDNN frontend error ") + CudnnFrontendErrorName(result.code) + ": " +
                    result.err_msg + " in " + call + " (" + file + ":" + std::to_string(line) +
                    ")");
}

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CUDNN_FRONTEND_CHECK_H_
