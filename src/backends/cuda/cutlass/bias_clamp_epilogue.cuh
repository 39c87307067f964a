// The device side of the BiasClamp epilogue (bias_clamp.h) for CUTLASS 2 kernels, and what
// those kernels share: their alignment, checking and launching an operator, and the list
// of a family's tile configurations. Included only by
// this directory's .cu files, where CUTLASS is found (TFTRT_HAVE_CUTLASS).
#ifndef TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_EPILOGUE_CUH_
#define TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_EPILOGUE_CUH_

#include <cuda_runtime_api.h>
#include <cutlass/cutlass.h>
#include <cutlass/epilogue/thread/linear_combination_generic.h>

#include <string>

#include "backends/cuda/bias_clamp.h"
#include "backends/cuda/cuda_check.h"
#include "tftrt/status.h"

namespace tftrt::cuda::cutlass_kernels {

// The activation as a clamp whose bounds come at run time (LinearCombinationGeneric passes
// its Params, which derive from Arguments), so that one kernel serves none, Relu and Relu6.
// Comparisons are false for NaN, which therefore passes through.
template <typename T>
struct ClampActivation {
  struct Arguments {
    float lower = 0.0f, upper = 0.0f;
  };
  CUTLASS_HOST_DEVICE T operator()(const T& x, const Arguments& a) const {
    return x < T(a.lower) ? T(a.lower) : (x > T(a.upper) ? T(a.upper) : x);
  }
};
template <typename T, int N>
struct ClampActivation<cutlass::Array<T, N>> {
  using Arguments = typename ClampActivation<T>::Arguments;
  CUTLASS_HOST_DEVICE cutlass::Array<T, N> operator()(const cutlass::Array<T, N>& x,
                                                      const Arguments& a) const {
    cutlass::Array<T, N> y;
    ClampActivation<T> clamp;
    CUTLASS_PRAGMA_UNROLL
    for (int i = 0; i < N; ++i) y[i] = clamp(x[i], a);
    return y;
  }
};

// Halves per 16-byte access: the alignment the kernels ask of every operand's rows.
inline constexpr int kAlignment = 8;

// out = clamp(alpha * accumulator + beta * source): the source is the bias, read with a
// zero row stride (every output row reads the same values), and beta = 0 without a bias so
// that the source is never read.
using BiasClampOp =
    cutlass::epilogue::thread::LinearCombinationGeneric<ClampActivation, cutlass::half_t,
                                                        kAlignment, float, float>;

inline BiasClampOp::Params BiasClampParams(const BiasClamp& e) {
  BiasClampOp::Params params(1.0f, e.bias != nullptr ? 1.0f : 0.0f);
  params.lower = e.lower;
  params.upper = e.upper;
  return params;
}

// Whether the CUTLASS 2 device operator (device::Gemm, ImplicitGemmConvolution) takes `args`.
template <typename Operator>
bool CanImplement(const typename Operator::Arguments& args) {
  return Operator::can_implement(args) == cutlass::Status::kSuccess;
}

// Initializes a CUTLASS 2 device operator with `args` (no workspace) and launches it on
// `stream`; `what` names it in errors.
template <typename Operator>
Status Launch(const typename Operator::Arguments& args, cudaStream_t stream, const char* what) {
  Operator op;
  if (op.initialize(args, nullptr, stream) != cutlass::Status::kSuccess ||
      op.run(stream) != cutlass::Status::kSuccess) {
    TFTRT_CUDA_CHECK(cudaGetLastError());
    return Status::Internal(std::string(what) + ": the CUTLASS kernel failed to launch");
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

// A kernel family's tile configurations, by index: Dispatch(index, f) is f(Config{}) for
// the index-th type (the last for any larger index).
template <typename... Configs>
struct ConfigList {
  static constexpr int kCount = sizeof...(Configs);

  template <typename F>
  static auto Dispatch(int index, F f) {
    return DispatchFrom<0, Configs...>(index, f);
  }

 private:
  template <int kIndex, typename First, typename... Rest, typename F>
  static auto DispatchFrom(int index, F f) {
    if constexpr (sizeof...(Rest) == 0) {
      return f(First{});
    } else {
      return index == kIndex ? f(First{}) : DispatchFrom<kIndex + 1, Rest...>(index, f);
    }
  }
};

// names[config] for a configuration of the list, "none" for any other index.
template <int kCount>
std::string ConfigName(const char* const (&names)[kCount], int config) {
  return config >= 0 && config < kCount ? names[config] : "none";
}

inline bool DeviceHasSm80TensorCores() {
  int device = 0, major = 0;
  return cudaGetDevice(&device) == cudaSuccess &&
         cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) == cudaSuccess &&
         major >= 8;
}

}  // namespace tftrt::cuda::cutlass_kernels

#endif  // TFTRT_BACKENDS_CUDA_CUTLASS_BIAS_CLAMP_EPILOGUE_CUH_
