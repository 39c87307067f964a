#include <cstdint>

#include "backends/cuda/cutlass/bias_clamp_conv.h"

#if TFTRT_HAVE_CUTLASS
// The device header needs the kernel's declarations first.
// clang-format off
#include <cutlass/conv/kernel/default_conv2d_fprop.h>
#include <cutlass/conv/device/implicit_gemm_convolution.h>
// clang-format on

#include "backends/cuda/cutlass/bias_clamp_epilogue.cuh"
#endif

namespace tftrt::cuda {

#if TFTRT_HAVE_CUTLASS
namespace {

using namespace cutlass_kernels;

// One configuration: a CTA tile of output pixels x output channels x GEMM-K (filter taps x
// channels), split between warps of the given tile.
template <int kTileM, int kTileN, int kTileK, int kWarpM, int kWarpN, int kStages>
struct BiasClampConvolution {
  using Half = cutlass::half_t;
  using Layout = cutlass::layout::TensorNHWC;
  using Kernel = typename cutlass::conv::kernel::DefaultConv2dFprop<
      Half, Layout, Half, Layout, Half, Layout, float, cutlass::arch::OpClassTensorOp,
      cutlass::arch::Sm80, cutlass::gemm::GemmShape<kTileM, kTileN, kTileK>,
      cutlass::gemm::GemmShape<kWarpM, kWarpN, kTileK>, cutlass::gemm::GemmShape<16, 8, 16>,
      BiasClampOp, cutlass::gemm::threadblock::GemmIdentityThreadblockSwizzle<>, kStages,
      cutlass::arch::OpMultiplyAdd, cutlass::conv::IteratorAlgorithm::kOptimized,
      cutlass::conv::StrideSupport::kStrided, kAlignment, kAlignment>::Kernel;
  using Convolution = cutlass::conv::device::ImplicitGemmConvolution<Kernel>;

  static typename Convolution::Arguments Arguments(const Conv2DKernelParams& p, const void* x,
                                                   const void* filter, const BiasClamp& e,
                                                   void* y) {
    const auto i = [](int64_t v) { return static_cast<int>(v); };
    const cutlass::conv::Conv2dProblemSize problem(
        i(p.batch), i(p.in_height), i(p.in_width), i(p.channels), i(p.out_channels),
        i(p.filter_height), i(p.filter_width), i(p.out_height), i(p.out_width), i(p.pad_top),
        i(p.pad_left), i(p.stride_height), i(p.stride_width), i(p.dilation_height),
        i(p.dilation_width), cutlass::conv::Mode::kCrossCorrelation);
    const Layout x_layout =
        Layout::packed({i(p.batch), i(p.in_height), i(p.in_width), i(p.channels)});
    const Layout filter_layout =
        Layout::packed({i(p.out_channels), i(p.filter_height), i(p.filter_width), i(p.channels)});
    const Layout y_layout =
        Layout::packed({i(p.batch), i(p.out_height), i(p.out_width), i(p.out_channels)});
    Half* y_half = static_cast<Half*>(y);
    // The bias as the source tensor with every stride 0: each output pixel reads the same K
    // values. Without a bias, beta = 0 and the source is never read.
    const cutlass::TensorRef<Half, Layout> source =
        e.bias != nullptr
            ? cutlass::TensorRef<Half, Layout>(static_cast<Half*>(const_cast<void*>(e.bias)),
                                               Layout(typename Layout::Stride(0)))
            : cutlass::TensorRef<Half, Layout>(y_half, y_layout);
    return typename Convolution::Arguments(
        problem, {static_cast<Half*>(const_cast<void*>(x)), x_layout},
        {static_cast<Half*>(const_cast<void*>(filter)), filter_layout}, source, {y_half, y_layout},
        BiasClampParams(e));
  }

  static bool Supports(const Conv2DKernelParams& p) {
    return CanImplement<Convolution>(Arguments(p, nullptr, nullptr, {}, nullptr));
  }

  static Status Run(const Conv2DKernelParams& p, const void* x, const void* filter,
                    const BiasClamp& e, void* y, cudaStream_t stream) {
    return Launch<Convolution>(Arguments(p, x, filter, e, y), stream, "BiasClampConv");
  }
};

// 64 output channels per CTA (ResNet50's first layer), and 128.
using Tile128x64 = BiasClampConvolution<128, 64, 32, 64, 32, 4>;
using Tile128x128 = BiasClampConvolution<128, 128, 32, 64, 64, 3>;

using Tiles = ConfigList<Tile128x64, Tile128x128>;
constexpr const char* kConfigNames[Tiles::kCount] = {
    "cutlass sm80 conv 128x64x32",
    "cutlass sm80 conv 128x128x32",
};

}  // namespace

int BiasClampConvConfigs() { return Tiles::kCount; }

std::string BiasClampConvConfigName(int config) { return ConfigName(kConfigNames, config); }

bool BiasClampConvSupports(int config, const Conv2DKernelParams& p) {
  constexpr int64_t kMax = INT32_MAX;
  const bool sizes = p.batch > 0 && p.in_height > 0 && p.in_width > 0 && p.out_height > 0 &&
                     p.out_width > 0 && p.filter_height > 0 && p.filter_width > 0 &&
                     p.stride_height > 0 && p.stride_width > 0 && p.dilation_height > 0 &&
                     p.dilation_width > 0 && p.pad_top >= 0 && p.pad_left >= 0 && p.channels > 0 &&
                     p.out_channels > 0 &&
                     p.batch * p.in_height * p.in_width * p.channels <= kMax &&
                     p.batch * p.out_height * p.out_width * p.out_channels <= kMax;
  if (config < 0 || config >= BiasClampConvConfigs() || !sizes || p.channels % kAlignment != 0 ||
      p.out_channels % kAlignment != 0) {
    return false;
  }
  return Tiles::Dispatch(config, [&](auto conv) { return decltype(conv)::Supports(p); }) &&
         DeviceHasSm80TensorCores();
}

Status BiasClampConv(int config, const Conv2DKernelParams& p, const void* x, const void* filter,
                     const BiasClamp& e, void* y, cudaStream_t stream) {
  if (!BiasClampConvSupports(config, p)) {
    return Status::InvalidArgument(
        "BiasClampConv: configuration " + std::to_string(config) + " does not take " +
        std::to_string(p.channels) + " -> " + std::to_string(p.out_channels) + " channels, " +
        std::to_string(p.filter_height) + "x" + std::to_string(p.filter_width) + " on this device");
  }
  return Tiles::Dispatch(
      config, [&](auto conv) { return decltype(conv)::Run(p, x, filter, e, y, stream); });
}

#else  // no CUTLASS: no configurations

int BiasClampConvConfigs() { return 0; }
std::string BiasClampConvConfigName(int) { return "none"; }
bool BiasClampConvSupports(int, const Conv2DKernelParams&) { return false; }
Status BiasClampConv(int, const Conv2DKernelParams&, const void*, const void*, const BiasClamp&,
                     void*, cudaStream_t) {
  return Status::Unimplemented("BiasClampConv: not in this build (no CUTLASS headers)");
}

#endif

}  // namespace tftrt::cuda
