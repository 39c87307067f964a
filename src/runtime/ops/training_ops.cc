// Ops of a training step: in-place updates of resource variables (AssignAddVariableOp,
// AssignSubVariableOp and the optimizers' ResourceApply* ops) and BroadcastGradientArgs,
// which the gradients of broadcasting ops use to find the axes to sum over.
//
// An update never writes into the variable's current buffer: it computes the new value
// into a fresh tensor and assigns it. TF copies a variable's buffer before updating it
// whenever someone else still holds it (a ReadVariableOp result), so values read before
// the update keep their old contents; a fresh tensor gives that for free.
//
// The update formulas are TF's (training_ops.cc), evaluated in the same order. Half and
// bfloat16 variables are computed through float, rounding after each operation as TF's
// Eigen does (see RoundTo in kernels/cpu/elementwise.h).
#include <string>
#include <type_traits>

#include "graph/attrs.h"
#include "kernels/cpu/broadcast.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/nn_numeric.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"
#include "runtime/variable.h"

namespace tftrt {
namespace {

// Element types of the optimizers' apply ops (TF registers them for floating point only).
using FloatStorageTypes = TypeList<float, double, Half, BFloat16>;
// Element types of AssignAdd/AssignSubVariableOp.
using AssignUpdateTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                                   uint8_t, uint16_t, uint32_t, uint64_t>;

// The variable behind resource input `index`, checked to hold a value of `dtype`.
StatusOr<Variable*> VariableInput(const OpKernelContext& ctx, int index, DataType dtype) {
  TFTRT_ASSIGN_OR_RETURN(Variable * variable, VariableFromHandle(ctx.input(index), index));
  const DataType held = variable->Read().dtype();
  if (held != dtype) {
    return OpError(ctx, "variable '" + variable->name() + "' holds " +
                            std::string(DataTypeName(held)) + ", but the op updates " +
                            std::string(DataTypeName(dtype)));
  }
  return variable;
}

Status CheckScalar(const OpKernelContext& ctx, const Tensor& tensor, std::string_view name) {
  if (tensor.rank() != 0) {
    return OpError(ctx, std::string(name) + " must be a scalar, got " + tensor.DebugString());
  }
  return Status::Ok();
}

Status CheckSameShape(const OpKernelContext& ctx, const Tensor& a, std::string_view a_name,
                      const Tensor& b, std::string_view b_name) {
  if (a.shape() != b.shape()) {
    return OpError(ctx, std::string(a_name) + " and " + std::string(b_name) +
                            " must have the same shape, got " + ShapeToString(a.shape()) + " and " +
                            ShapeToString(b.shape()));
  }
  return Status::Ok();
}

Status CheckDtype(const OpKernelContext& ctx, const Tensor& tensor, std::string_view name,
                  DataType dtype) {
  if (tensor.dtype() != dtype) {
    return OpError(ctx, std::string(name) + " must be " + std::string(DataTypeName(dtype)) +
                            ", got " + tensor.DebugString());
  }
  return Status::Ok();
}

// Calls fn.template operator()<S>() for the storage type S of `dtype` among `types`, or
// fails naming the op.
template <typename Types, typename Fn>
Status DispatchUpdate(const OpKernelContext& ctx, DataType dtype, Types types, Fn&& fn) {
  Status status;
  if (!VisitType(types, dtype, [&]<typename S>() { status = fn.template operator()<S>(); })) {
    return UnsupportedDtype(ctx.node().op, dtype);
  }
  return status;
}

// ---- AssignAddVariableOp / AssignSubVariableOp: var = var +/- value ----

template <bool kAdd>
Status AssignUpdateKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& value = ctx.input(1);
  TFTRT_ASSIGN_OR_RETURN(Variable * variable, VariableInput(ctx, 0, value.dtype()));
  const Tensor old_value = variable->Read();
  if (old_value.shape() != value.shape()) {
    return OpError(ctx, "cannot update variable '" + variable->name() + "' of shape " +
                            ShapeToString(old_value.shape()) + " with a value of shape " +
                            ShapeToString(value.shape()) + ": shapes must be equal");
  }
  return DispatchUpdate(ctx, value.dtype(), AssignUpdateTypes{}, [&]<typename S>() {
    Tensor new_value(value.dtype(), value.shape());
    const S* var = old_value.flat<S>();
    const S* delta = value.flat<S>();
    S* out = new_value.flat<S>();
    for (int64_t i = 0; i < value.NumElements(); ++i) {
      const WideType<S> a = Widen(var[i]), b = Widen(delta[i]);
      out[i] = Narrow<S>(kAdd ? WrappingAdd(a, b) : WrappingSub(a, b));
    }
    variable->Assign(std::move(new_value));
    return Status::Ok();
  });
}

// ---- ResourceApplyGradientDescent(var, alpha, delta): var -= alpha * delta ----

Status ApplyGradientDescentKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_ASSIGN_OR_RETURN(DataType dtype, GetTypeAttr(ctx.node(), "T"));
  TFTRT_ASSIGN_OR_RETURN(Variable * variable, VariableInput(ctx, 0, dtype));
  const Tensor var = variable->Read();
  const Tensor& alpha = ctx.input(1);
  const Tensor& delta = ctx.input(2);
  TFTRT_RETURN_IF_ERROR(CheckDtype(ctx, alpha, "alpha", dtype));
  TFTRT_RETURN_IF_ERROR(CheckDtype(ctx, delta, "delta", dtype));
  TFTRT_RETURN_IF_ERROR(CheckScalar(ctx, alpha, "alpha"));
  TFTRT_RETURN_IF_ERROR(CheckSameShape(ctx, var, "var", delta, "delta"));
  return DispatchUpdate(ctx, dtype, FloatStorageTypes{}, [&]<typename S>() {
    const auto r = [](WideType<S> x) { return RoundTo<S>(x); };  // see RoundTo
    const WideType<S> lr = Widen(alpha.flat<S>()[0]);
    const S* v = var.flat<S>();
    const S* d = delta.flat<S>();
    Tensor new_var(dtype, var.shape());
    S* out = new_var.flat<S>();
    for (int64_t i = 0; i < var.NumElements(); ++i) {
      out[i] = Narrow<S>(Widen(v[i]) - r(Widen(d[i]) * lr));
    }
    variable->Assign(std::move(new_var));
    return Status::Ok();
  });
}

// ---- ResourceApplyMomentum / ResourceApplyKerasMomentum(var, accum, lr, grad, momentum) ----
//
// Momentum:       accum = accum * momentum + grad
//                 var -= accum * lr                      (use_nesterov: var -= grad * lr +
//                                                          accum * momentum * lr)
// Keras momentum: accum = accum * momentum - grad * lr
//                 var += accum                           (use_nesterov: var += accum *
//                                                          momentum - grad * lr)

template <bool kKeras>
Status ApplyMomentumKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 5));
  TFTRT_ASSIGN_OR_RETURN(DataType dtype, GetTypeAttr(ctx.node(), "T"));
  TFTRT_ASSIGN_OR_RETURN(bool nesterov, GetBoolAttrOr(ctx.node(), "use_nesterov", false));
  TFTRT_ASSIGN_OR_RETURN(Variable * var_variable, VariableInput(ctx, 0, dtype));
  TFTRT_ASSIGN_OR_RETURN(Variable * accum_variable, VariableInput(ctx, 1, dtype));
  const Tensor var = var_variable->Read();
  const Tensor accum = accum_variable->Read();
  const Tensor& lr = ctx.input(2);
  const Tensor& grad = ctx.input(3);
  const Tensor& momentum = ctx.input(4);
  TFTRT_RETURN_IF_ERROR(CheckDtype(ctx, lr, "lr", dtype));
  TFTRT_RETURN_IF_ERROR(CheckDtype(ctx, grad, "grad", dtype));
  TFTRT_RETURN_IF_ERROR(CheckDtype(ctx, momentum, "momentum", dtype));
  TFTRT_RETURN_IF_ERROR(CheckSameShape(ctx, var, "var", accum, "accum"));
  TFTRT_RETURN_IF_ERROR(CheckScalar(ctx, lr, "lr"));
  TFTRT_RETURN_IF_ERROR(CheckSameShape(ctx, var, "var", grad, "grad"));
  TFTRT_RETURN_IF_ERROR(CheckScalar(ctx, momentum, "momentum"));
  return DispatchUpdate(ctx, dtype, FloatStorageTypes{}, [&]<typename S>() {
    using C = WideType<S>;
    const auto r = [](C x) { return RoundTo<S>(x); };  // see RoundTo
    const C rate = Widen(lr.flat<S>()[0]);
    const C mom = Widen(momentum.flat<S>()[0]);
    const S* v = var.flat<S>();
    const S* a = accum.flat<S>();
    const S* g = grad.flat<S>();
    Tensor new_var(dtype, var.shape());
    Tensor new_accum(dtype, var.shape());
    S* v_out = new_var.flat<S>();
    S* a_out = new_accum.flat<S>();
    for (int64_t i = 0; i < var.NumElements(); ++i) {
      const C gi = Widen(g[i]);
      C vi = Widen(v[i]);
      C ai;
      if constexpr (kKeras) {
        ai = r(r(Widen(a[i]) * mom) - r(gi * rate));
        vi = nesterov ? vi + r(r(ai * mom) - r(gi * rate)) : vi + ai;
      } else {
        ai = r(r(Widen(a[i]) * mom) + gi);
        vi = nesterov ? vi - r(r(gi * rate) + r(r(ai * mom) * rate)) : vi - r(ai * rate);
      }
      v_out[i] = Narrow<S>(vi);
      a_out[i] = Narrow<S>(ai);
    }
    accum_variable->Assign(std::move(new_accum));
    var_variable->Assign(std::move(new_var));
    return Status::Ok();
  });
}

// ---- BroadcastGradientArgs(s0, s1) -> (r0, r1) ----

StatusOr<Shape> ShapeFromVector(const OpKernelContext& ctx, int index) {
  const Tensor& tensor = ctx.input(index);
  if (tensor.dtype() != DataType::kInt32 && tensor.dtype() != DataType::kInt64) {
    return OpError(
        ctx, "s" + std::to_string(index) + " must be int32 or int64, got " + tensor.DebugString());
  }
  if (tensor.rank() != 1) {
    return OpError(ctx,
                   "s" + std::to_string(index) + " must be a vector, got " + tensor.DebugString());
  }
  Shape shape(tensor.NumElements());
  for (int64_t i = 0; i < tensor.NumElements(); ++i) {
    shape[i] = tensor.ElementAsInt64(i);
    if (shape[i] < 0) {
      return OpError(ctx,
                     "s" + std::to_string(index) + " is not a shape: " + tensor.ValuesString());
    }
  }
  return shape;
}

Tensor AxesTensor(const std::vector<int64_t>& axes, DataType dtype) {
  if (dtype == DataType::kInt32) {
    return Tensor::FromVector(std::vector<int32_t>(axes.begin(), axes.end()));
  }
  return Tensor::FromVector(axes);
}

Status BroadcastGradientArgsKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(Shape a, ShapeFromVector(ctx, 0));
  TFTRT_ASSIGN_OR_RETURN(Shape b, ShapeFromVector(ctx, 1));
  if (ctx.input(0).dtype() != ctx.input(1).dtype()) {
    return OpError(ctx, "s0 and s1 must have the same dtype, got " + ctx.input(0).DebugString() +
                            " and " + ctx.input(1).DebugString());
  }
  const DataType dtype = ctx.input(0).dtype();
  auto axes = BroadcastGradientArgs(a, b);
  if (!axes.ok()) return OpError(ctx, axes.status().message());
  ctx.set_output(0, AxesTensor(axes->a_axes, dtype));
  ctx.set_output(1, AxesTensor(axes->b_axes, dtype));
  return Status::Ok();
}

}  // namespace

void RegisterTrainingOps(KernelRegistry& registry) {
  registry.Register("AssignAddVariableOp", &AssignUpdateKernel<true>);
  registry.Register("AssignSubVariableOp", &AssignUpdateKernel<false>);
  registry.Register("ResourceApplyGradientDescent", ApplyGradientDescentKernel);
  registry.Register("ResourceApplyMomentum", &ApplyMomentumKernel<false>);
  registry.Register("ResourceApplyKerasMomentum", &ApplyMomentumKernel<true>);
  registry.Register("BroadcastGradientArgs", BroadcastGradientArgsKernel);
}

}  // namespace tftrt
