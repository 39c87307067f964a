// Ops on complex numbers: Complex (build from real and imaginary parts), Real, Imag,
// ComplexAbs, Angle, Conj.
//
// complex64 pairs with float32, complex128 with float64. The parts-to-real ops take the
// real dtype from their Tout attribute, which must be the input's pair, as TF's kernels
// are registered only for those pairs.
#include <complex>
#include <string>

#include "graph/attrs.h"
#include "kernels/cpu/broadcast.h"
#include "kernels/cpu/complex.h"
#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

// The attribute `name` (default `fallback`), checked to equal `expected`.
Status CheckTypeAttr(const OpKernelContext& ctx, const char* name, DataType fallback,
                     DataType expected) {
  DataType value = fallback;
  if (HasAttr(ctx.node(), name)) {
    TFTRT_ASSIGN_OR_RETURN(value, GetTypeAttr(ctx.node(), name));
  }
  if (value != expected) {
    return OpError(ctx, std::string(name) + " is " + std::string(DataTypeName(value)) + ", but a " +
                            std::string(DataTypeName(ctx.input(0).dtype())) + " input gives " +
                            std::string(DataTypeName(expected)));
  }
  return Status::Ok();
}

// Real, Imag, ComplexAbs, Angle: `part` maps each std::complex element to a real number.
template <auto kPart>
Status ComplexToRealKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  if (!IsComplex(input.dtype())) return UnsupportedDtype(ctx.node().op, input.dtype());
  const DataType out_dtype = RealDtypeFor(input.dtype());
  TFTRT_RETURN_IF_ERROR(CheckTypeAttr(ctx, "Tout", DataType::kFloat, out_dtype));
  Tensor output(out_dtype, input.shape());
  VisitType(ComplexTypes{}, input.dtype(), [&]<typename C>() {
    UnaryMap(AsStdComplex<C>(input), output.flat<RealOf<C>>(), input.NumElements(),
             [](const StdComplexOf<C>& z) { return kPart(z); });
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status ConjKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  const Tensor& input = ctx.input(0);
  if (!IsComplex(input.dtype())) return UnsupportedDtype(ctx.node().op, input.dtype());
  Tensor output(input.dtype(), input.shape());
  VisitType(ComplexTypes{}, input.dtype(), [&]<typename C>() {
    UnaryMap(AsStdComplex<C>(input), AsStdComplex<C>(output), input.NumElements(),
             [](const StdComplexOf<C>& z) { return std::conj(z); });
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// Complex(real, imag): broadcasting, as TF's BinaryOp kernel does.
Status ComplexKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
  const Tensor& real = ctx.input(0);
  const Tensor& imag = ctx.input(1);
  const DataType out_dtype = ComplexDtypeFor(real.dtype());
  if (out_dtype == DataType::kInvalid) return UnsupportedDtype(ctx.node().op, real.dtype());
  TFTRT_RETURN_IF_ERROR(CheckTypeAttr(ctx, "Tout", DataType::kComplex64, out_dtype));
  StatusOr<BroadcastPlan> plan = BroadcastPlan::Make(real.shape(), imag.shape());
  if (!plan.ok()) return OpError(ctx, plan.status().message());
  Tensor output(out_dtype, plan->output_shape());
  VisitType(ComplexTypes{}, out_dtype, [&]<typename C>() {
    using Real = RealOf<C>;
    BinaryMap(*plan, real.flat<Real>(), imag.flat<Real>(), AsStdComplex<C>(output),
              [](Real re, Real im) { return StdComplexOf<C>(re, im); });
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterComplexOps(KernelRegistry& registry) {
  registry.Register("Complex", &ComplexKernel);
  registry.Register("Real", &ComplexToRealKernel<[](const auto& z) { return z.real(); }>);
  registry.Register("Imag", &ComplexToRealKernel<[](const auto& z) { return z.imag(); }>);
  registry.Register("ComplexAbs", &ComplexToRealKernel<[](const auto& z) { return std::abs(z); }>);
  registry.Register("Angle", &ComplexToRealKernel<[](const auto& z) { return std::arg(z); }>);
  registry.Register("Conj", &ConjKernel);
}

}  // namespace tftrt
