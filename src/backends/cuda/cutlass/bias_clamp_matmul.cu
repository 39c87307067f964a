#include <cstdint>

#include "backends/cuda/cutlass/bias_clamp_matmul.h"

#if TFTRT_HAVE_CUTLASS
#include <cutlass/gemm/device/gemm.h>

#include "backends/cuda/cutlass/bias_clamp_epilogue.cuh"
#endif

namespace tftrt::cuda {

#if TFTRT_HAVE_CUTLASS
namespace {

using namespace cutlass_kernels;

// One configuration: a CTA tile of M x N x K split between warps of the given tile.
template <int kTileM, int kTileN, int kTileK, int kWarpM, int kWarpN, int kStages>
struct BiasClampGemm {
  using Half = cutlass::half_t;
  using RowMajor = cutlass::layout::RowMajor;
  using Gemm = cutlass::gemm::device::Gemm<
      Half, RowMajor, Half, RowMajor, Half, RowMajor, float, cutlass::arch::OpClassTensorOp,
      cutlass::arch::Sm80, cutlass::gemm::GemmShape<kTileM, kTileN, kTileK>,
      cutlass::gemm::GemmShape<kWarpM, kWarpN, kTileK>, cutlass::gemm::GemmShape<16, 8, 16>,
      BiasClampOp, cutlass::gemm::threadblock::GemmIdentityThreadblockSwizzle<>, kStages,
      kAlignment, kAlignment>;

  static typename Gemm::Arguments Arguments(const BiasClampMatMulShape& s, const void* a,
                                            const void* b, const BiasClamp& e, void* d) {
    const int m = static_cast<int>(s.m), n = static_cast<int>(s.n), k = static_cast<int>(s.k);
    Half* d_half = static_cast<Half*>(d);
    // The bias as the GEMM's source matrix with a leading dimension of 0: every row reads
    // the same N values. Without a bias, beta = 0 and the source is never read.
    const Half* source = e.bias != nullptr ? static_cast<const Half*>(e.bias) : d_half;
    return typename Gemm::Arguments(
        {m, n, k}, {static_cast<const Half*>(a), k}, {static_cast<const Half*>(b), n},
        {source, e.bias != nullptr ? 0 : n}, {d_half, n}, BiasClampParams(e));
  }

  static bool Supports(const BiasClampMatMulShape& s) {
    return CanImplement<Gemm>(Arguments(s, nullptr, nullptr, {}, nullptr));
  }

  static Status Run(const BiasClampMatMulShape& s, const void* a, const void* b, const BiasClamp& e,
                    void* d, cudaStream_t stream) {
    return Launch<Gemm>(Arguments(s, a, b, e, d), stream, "BiasClampMatMul");
  }
};

// Narrow and wide output tiles: MobileNetV2's expand layers write 96 or 144 channels (64
// wastes least of the last tile), ResNet50's 1x1 layers 64 to 2048.
using Tile128x64 = BiasClampGemm<128, 64, 32, 64, 32, 4>;
using Tile128x128 = BiasClampGemm<128, 128, 32, 64, 64, 4>;

using Tiles = ConfigList<Tile128x64, Tile128x128>;
constexpr const char* kConfigNames[Tiles::kCount] = {
    "cutlass sm80 128x64x32",
    "cutlass sm80 128x128x32",
};

}  // namespace

int BiasClampMatMulConfigs() { return Tiles::kCount; }

std::string BiasClampMatMulConfigName(int config) { return ConfigName(kConfigNames, config); }

bool BiasClampMatMulSupports(int config, const BiasClampMatMulShape& s) {
  constexpr int64_t kMax = INT32_MAX;
  if (config < 0 || config >= BiasClampMatMulConfigs() || s.m <= 0 || s.n <= 0 || s.k <= 0 ||
      s.n % kAlignment != 0 || s.k % kAlignment != 0 || s.m * s.k > kMax || s.m * s.n > kMax ||
      s.k * s.n > kMax) {
    return false;
  }
  return Tiles::Dispatch(config, [&](auto gemm) { return decltype(gemm)::Supports(s); }) &&
         DeviceHasSm80TensorCores();
}

Status BiasClampMatMul(int config, const BiasClampMatMulShape& shape, const void* a, const void* b,
                       const BiasClamp& epilogue, void* d, cudaStream_t stream) {
  if (!BiasClampMatMulSupports(config, shape)) {
    return Status::InvalidArgument("BiasClampMatMul: configuration " + std::to_string(config) +
                                   " does not take M " + std::to_string(shape.m) + ", N " +
                                   std::to_string(shape.n) + ", K " + std::to_string(shape.k) +
                                   " on this device");
  }
  return Tiles::Dispatch(
      config, [&](auto gemm) { return decltype(gemm)::Run(shape, a, b, epilogue, d, stream); });
}

#else  // no CUTLASS: no configurations

int BiasClampMatMulConfigs() { return 0; }
std::string BiasClampMatMulConfigName(int) { return "none"; }
bool BiasClampMatMulSupports(int, const BiasClampMatMulShape&) { return false; }
Status BiasClampMatMul(int, const BiasClampMatMulShape&, const void*, const void*, const BiasClamp&,
                       void*, cudaStream_t) {
  return Status::Unimplemented("BiasClampMatMul: not in this build (no CUTLASS headers)");
}

#endif

}  // namespace tftrt::cuda
