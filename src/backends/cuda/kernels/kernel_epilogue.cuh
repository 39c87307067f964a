// Device side of tftrt's own convolution kernels' epilogue (conv_kernel_args.h): vectors of
// channels moved as one access, and the epilogue steps applied to them in registers with
// TF's semantics (as the elementwise kernel computes these ops). Included only by .cu files.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_KERNEL_EPILOGUE_CUH_
#define TFTRT_BACKENDS_CUDA_KERNELS_KERNEL_EPILOGUE_CUH_

#include <cuda_fp16.h>

#include "backends/cuda/kernels/conv_kernel_args.h"
#include "backends/cuda/kernels/device_utils.cuh"

namespace tftrt::cuda {

// ---- Vectors of channels ----

// kLanes consecutive channels of T, loaded and stored as one access (16 bytes when kLanes is
// 16 / sizeof(T)).
template <typename T, int kLanes>
struct alignas(sizeof(T) * kLanes) Lanes {
  T v[kLanes];
};

template <typename T, int kLanes>
__device__ __forceinline__ void LoadLanes(const T* p, float (&out)[kLanes]) {
  const Lanes<T, kLanes> loaded = *reinterpret_cast<const Lanes<T, kLanes>*>(p);
#pragma unroll
  for (int lane = 0; lane < kLanes; ++lane) out[lane] = LoadFloat(&loaded.v[lane]);
}

// kLanes float32 values from p, as 16-byte loads where kLanes % 4 == 0 (p then 16-byte
// aligned); kReadOnly: through the read-only cache (global memory only, not shared).
template <int kLanes, bool kReadOnly>
__device__ __forceinline__ void LoadFloats(const float* p, float (&out)[kLanes]) {
  auto load = [](const auto* q) {
    if constexpr (kReadOnly) {
      return __ldg(q);
    } else {
      return *q;
    }
  };
  if constexpr (kLanes % 4 == 0) {
#pragma unroll
    for (int k = 0; k < kLanes; k += 4) {
      const float4 f = load(reinterpret_cast<const float4*>(p + k));
      out[k] = f.x;
      out[k + 1] = f.y;
      out[k + 2] = f.z;
      out[k + 3] = f.w;
    }
  } else {
#pragma unroll
    for (int lane = 0; lane < kLanes; ++lane) out[lane] = load(p + lane);
  }
}

// ---- The epilogue, with TF's semantics (as the elementwise kernel computes these ops) ----

template <int kLanes>
__device__ __forceinline__ void Activate(EpilogueOp op, float alpha, float (&v)[kLanes]) {
  switch (op) {
    case EpilogueOp::kRelu:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) v[l] = v[l] < 0.0f ? 0.0f : v[l];  // NaN passes, as TF
      return;
    case EpilogueOp::kRelu6:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) v[l] = v[l] < 0.0f ? 0.0f : (v[l] > 6.0f ? 6.0f : v[l]);
      return;
    case EpilogueOp::kLeakyRelu:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) v[l] = v[l] > 0.0f ? v[l] : __fmul_rn(v[l], alpha);
      return;
    case EpilogueOp::kSigmoid:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) v[l] = __fdiv_rn(1.0f, __fadd_rn(1.0f, expf(-v[l])));
      return;
    case EpilogueOp::kTanh:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) v[l] = tanhf(v[l]);
      return;
    case EpilogueOp::kElu:  // TF computes exp(x) - 1, not expm1
#pragma unroll
      for (int l = 0; l < kLanes; ++l) {
        v[l] = v[l] < 0.0f ? __fmul_rn(alpha, __fsub_rn(expf(v[l]), 1.0f)) : v[l];
      }
      return;
    case EpilogueOp::kGeluExact:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) {
        v[l] = 0.5f * v[l] * (1.0f + erff(v[l] * 0.70710678118654752440f));
      }
      return;
    case EpilogueOp::kGeluTanh:
#pragma unroll
      for (int l = 0; l < kLanes; ++l) {
        const float x = v[l];
        v[l] = 0.5f * x * (1.0f + tanhf(0.79788456080286535588f * (x + 0.044715f * x * x * x)));
      }
      return;
    default:  // the channel and residual steps are ApplyEpilogue's
      return;
  }
}

// Applies the epilogue to kLanes channels from `channel` of the output element at `offset`.
// Every thread runs the same steps, so the branches are uniform.
template <typename T, int kLanes, typename I>
__device__ __forceinline__ void ApplyEpilogue(const KernelEpilogue& e, float (&v)[kLanes],
                                              I channel, I offset) {
  for (int i = 0; i < e.num_steps; ++i) {
    const EpilogueOp op = e.ops[i];
    if (op == EpilogueOp::kBiasAdd || op == EpilogueOp::kChannelScale) {
      float values[kLanes];
      LoadFloats<kLanes, /*kReadOnly=*/true>(e.vectors[i] + channel, values);
#pragma unroll
      for (int l = 0; l < kLanes; ++l) {
        v[l] = op == EpilogueOp::kBiasAdd ? __fadd_rn(v[l], values[l]) : __fmul_rn(v[l], values[l]);
      }
    } else if (op == EpilogueOp::kResidualAdd) {
      float residual[kLanes];
      LoadLanes<T, kLanes>(static_cast<const T*>(e.residual) + offset, residual);
#pragma unroll
      for (int l = 0; l < kLanes; ++l) v[l] = __fadd_rn(v[l], residual[l]);
    } else {
      Activate<kLanes>(op, e.alphas[i], v);
    }
  }
}

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_KERNEL_EPILOGUE_CUH_
