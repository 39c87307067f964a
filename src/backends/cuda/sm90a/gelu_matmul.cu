#include <cstdint>
#include <iterator>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/sm90a/gelu_matmul.h"

#if TFTRT_HAVE_SM90A_KERNELS
#include <cutlass/cutlass.h>
#include <cutlass/gemm/device/gemm_universal_adapter.h>

#include <cute/tensor.hpp>
#include <cutlass/epilogue/collective/collective_builder.hpp>
#include <cutlass/epilogue/fusion/operations.hpp>
#include <cutlass/gemm/collective/collective_builder.hpp>
#include <cutlass/gemm/kernel/gemm_universal.hpp>
#include <cutlass/util/packed_stride.hpp>

#include "backends/cuda/kernels/device_utils.cuh"
#endif

namespace tftrt::cuda {

#if TFTRT_HAVE_SM90A_KERNELS
namespace {

using namespace cute;

// TF's exact GELU as a CUTLASS epilogue activation (on float and on fragments of it).
template <typename T>
struct TfGeluActivation {
  CUTLASS_DEVICE T operator()(const T& x) const { return T(TfGelu(float(x))); }
};
template <typename T, int N>
struct TfGeluActivation<cutlass::Array<T, N>> {
  CUTLASS_DEVICE cutlass::Array<T, N> operator()(const cutlass::Array<T, N>& x) const {
    cutlass::Array<T, N> y;
    CUTLASS_PRAGMA_UNROLL
    for (int i = 0; i < N; ++i) y[i] = T(TfGelu(float(x[i])));
    return y;
  }
};

constexpr int kAlignment = 8;  // halves: 16 bytes

// One configuration: a CTA tile, a cluster, and the warp-specialized schedule.
template <class TileShape, class ClusterShape, class KernelSchedule, class EpilogueSchedule>
struct GeluGemm {
  using Fusion =
      cutlass::epilogue::fusion::LinCombPerColBiasEltAct<TfGeluActivation, cutlass::half_t, float,
                                                         float, cutlass::half_t, float>;
  using Epilogue = typename cutlass::epilogue::collective::CollectiveBuilder<
      cutlass::arch::Sm90, cutlass::arch::OpClassTensorOp, TileShape, ClusterShape,
      cutlass::epilogue::collective::EpilogueTileAuto, float, float, void,
      cutlass::layout::RowMajor, kAlignment, cutlass::half_t, cutlass::layout::RowMajor, kAlignment,
      EpilogueSchedule, Fusion>::CollectiveOp;
  using Mainloop = typename cutlass::gemm::collective::CollectiveBuilder<
      cutlass::arch::Sm90, cutlass::arch::OpClassTensorOp, cutlass::half_t,
      cutlass::layout::RowMajor, kAlignment, cutlass::half_t, cutlass::layout::RowMajor, kAlignment,
      float, TileShape, ClusterShape,
      cutlass::gemm::collective::StageCountAutoCarveout<static_cast<int>(
          sizeof(typename Epilogue::SharedStorage))>,
      KernelSchedule>::CollectiveOp;
  using Kernel =
      cutlass::gemm::kernel::GemmUniversal<Shape<int, int, int, int>, Mainloop, Epilogue>;
  using Gemm = cutlass::gemm::device::GemmUniversalAdapter<Kernel>;

  static typename Gemm::Arguments Arguments(const GeluMatMulShape& s, const void* a, const void* b,
                                            const float* bias, void* d) {
    const int m = static_cast<int>(s.m), n = static_cast<int>(s.n), k = static_cast<int>(s.k);
    using StrideA = typename Kernel::StrideA;
    using StrideB = typename Kernel::StrideB;
    using StrideD = typename Kernel::StrideD;
    typename Gemm::Arguments args{
        cutlass::gemm::GemmUniversalMode::kGemm,
        {m, n, k, 1},
        {static_cast<const cutlass::half_t*>(a),
         cutlass::make_cute_packed_stride(StrideA{}, make_shape(m, k, 1)),
         static_cast<const cutlass::half_t*>(b),
         cutlass::make_cute_packed_stride(StrideB{}, make_shape(n, k, 1))},
        {{},
         nullptr,
         cutlass::make_cute_packed_stride(StrideD{}, make_shape(m, n, 1)),
         static_cast<cutlass::half_t*>(d),
         cutlass::make_cute_packed_stride(StrideD{}, make_shape(m, n, 1))}};
    args.epilogue.thread.alpha = 1.0f;
    args.epilogue.thread.beta = 0.0f;
    args.epilogue.thread.bias_ptr = bias;
    return args;
  }

  static StatusOr<size_t> Workspace(const GeluMatMulShape& s) {
    return Gemm::get_workspace_size(Arguments(s, nullptr, nullptr, nullptr, nullptr));
  }

  static Status Run(const GeluMatMulShape& s, const void* a, const void* b, const float* bias,
                    void* d, void* workspace, cudaStream_t stream) {
    Gemm gemm;
    const typename Gemm::Arguments args = Arguments(s, a, b, bias, d);
    if (gemm.can_implement(args) != cutlass::Status::kSuccess) {
      return Status::InvalidArgument("GeluMatMul: CUTLASS cannot run this shape");
    }
    if (gemm.initialize(args, workspace, stream) != cutlass::Status::kSuccess ||
        gemm.run(stream) != cutlass::Status::kSuccess) {
      TFTRT_CUDA_CHECK(cudaGetLastError());
      return Status::Internal("GeluMatMul: the CUTLASS kernel failed to launch");
    }
    TFTRT_CUDA_CHECK(cudaGetLastError());
    return Status::Ok();
  }
};

using Cooperative128x256 = GeluGemm<Shape<_128, _256, _64>, Shape<_1, _1, _1>,
                                    cutlass::gemm::KernelTmaWarpSpecializedCooperative,
                                    cutlass::epilogue::TmaWarpSpecializedCooperative>;
using Cooperative128x128 = GeluGemm<Shape<_128, _128, _64>, Shape<_2, _1, _1>,
                                    cutlass::gemm::KernelTmaWarpSpecializedCooperative,
                                    cutlass::epilogue::TmaWarpSpecializedCooperative>;
using Pingpong64x128 = GeluGemm<Shape<_64, _128, _64>, Shape<_1, _1, _1>,
                                cutlass::gemm::KernelTmaWarpSpecializedPingpong,
                                cutlass::epilogue::TmaWarpSpecialized>;

constexpr const char* kConfigNames[] = {
    "cutlass sm90 128x256x64 cooperative",
    "cutlass sm90 128x128x64 cluster 2x1 cooperative",
    "cutlass sm90 64x128x64 pingpong",
};

template <typename F>
auto Dispatch(int config, F f) {
  switch (config) {
    case 0:
      return f(Cooperative128x256{});
    case 1:
      return f(Cooperative128x128{});
    default:
      return f(Pingpong64x128{});
  }
}

}  // namespace

int GeluMatMulConfigs() { return static_cast<int>(std::size(kConfigNames)); }

std::string GeluMatMulConfigName(int config) {
  return config >= 0 && config < GeluMatMulConfigs() ? kConfigNames[config] : "none";
}

bool GeluMatMulSupports(const GeluMatMulShape& s) {
  if (s.m <= 0 || s.n <= 0 || s.k <= 0 || s.n % kAlignment != 0 || s.k % kAlignment != 0 ||
      s.m > INT32_MAX || s.n > INT32_MAX || s.k > INT32_MAX) {
    return false;
  }
  int device = 0, major = 0, minor = 0;
  return cudaGetDevice(&device) == cudaSuccess &&
         cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) == cudaSuccess &&
         cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) == cudaSuccess &&
         major == 9 && minor == 0;
}

StatusOr<size_t> GeluMatMulWorkspaceBytes(int config, const GeluMatMulShape& shape) {
  if (config < 0 || config >= GeluMatMulConfigs()) {
    return Status::InvalidArgument("GeluMatMul: no configuration " + std::to_string(config));
  }
  return Dispatch(config, [&](auto gemm) { return decltype(gemm)::Workspace(shape); });
}

Status GeluMatMul(int config, const GeluMatMulShape& shape, const void* a, const void* b,
                  const float* bias, void* d, void* workspace, cudaStream_t stream) {
  if (config < 0 || config >= GeluMatMulConfigs() || !GeluMatMulSupports(shape)) {
    return Status::InvalidArgument("GeluMatMul: configuration " + std::to_string(config) +
                                   " does not take M " + std::to_string(shape.m) + ", N " +
                                   std::to_string(shape.n) + ", K " + std::to_string(shape.k));
  }
  return Dispatch(config, [&](auto gemm) {
    return decltype(gemm)::Run(shape, a, b, bias, d, workspace, stream);
  });
}

#else  // no CUTLASS or no sm_90 target: no configurations

int GeluMatMulConfigs() { return 0; }
std::string GeluMatMulConfigName(int) { return "none"; }
bool GeluMatMulSupports(const GeluMatMulShape&) { return false; }
StatusOr<size_t> GeluMatMulWorkspaceBytes(int, const GeluMatMulShape&) {
  return Status::Unimplemented("GeluMatMul: not in this build (no CUTLASS or no sm_90 target)");
}
Status GeluMatMul(int, const GeluMatMulShape&, const void*, const void*, const float*, void*, void*,
                  cudaStream_t) {
  return Status::Unimplemented("GeluMatMul: not in this build (no CUTLASS or no sm_90 target)");
}

#endif

}  // namespace tftrt::cuda
