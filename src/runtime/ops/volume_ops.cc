// 3-D convolution and pooling on NDHWC volumes: Conv3D, MaxPool3D, AvgPool3D (video
// models). Attributes and geometry: runtime/volume_attrs.h; math: kernels/cpu/volume.h.
// Dtypes as TF's CPU kernels register them: Conv3D float, double, half, bfloat16;
// MaxPool3D and AvgPool3D float and bfloat16 only.
#include <string>

#include "kernels/cpu/elementwise.h"
#include "runtime/kernel_checks.h"
#include "runtime/volume_attrs.h"

namespace tftrt {
namespace {

using ConvTypes = TypeList<float, double, Half, BFloat16>;
using PoolTypes = TypeList<float, BFloat16>;

Status Conv3DKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(Volume3DShape shape,
                         MakeConv3DShape(ctx.node(), input.shape(), filter.shape()));
  Tensor output(input.dtype(), Volume3DOutputShape(shape, shape.out_depth));
  const bool visited = VisitType(ConvTypes{}, input.dtype(), [&]<typename T>() {
    Conv3D<T>(shape, input.flat<T>(), filter.flat<T>(), output.flat<T>());
  });
  if (!visited) return UnsupportedDtype(ctx.node().op, input.dtype());
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

template <bool kMax>
Status Pool3DKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(Volume3DShape shape, MakePool3DShape(ctx.node(), input.shape()));
  Tensor output(input.dtype(), Volume3DOutputShape(shape, shape.in_depth));
  const bool visited = VisitType(PoolTypes{}, input.dtype(), [&]<typename T>() {
    if constexpr (kMax) {
      MaxPool3D<T>(shape, input.flat<T>(), output.flat<T>());
    } else {
      AvgPool3D<T>(shape, input.flat<T>(), output.flat<T>());
    }
  });
  if (!visited) return UnsupportedDtype(ctx.node().op, input.dtype());
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterVolumeOps(KernelRegistry& registry) {
  registry.Register("Conv3D", Conv3DKernel);
  registry.Register("MaxPool3D", Pool3DKernel<true>);
  registry.Register("AvgPool3D", Pool3DKernel<false>);
}

}  // namespace tftrt
