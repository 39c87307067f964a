// Constants, identities, placeholders and resource variables.
#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/variable.h"

namespace tftrt {
namespace {

Status ConstKernel(OpKernelContext& ctx) {
  if (ctx.node().constant.is_valid()) {
    ctx.set_output(0, ctx.node().constant);
    return Status::Ok();
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor value, GetTensorAttr(ctx.node(), "value"));
  ctx.set_output(0, std::move(value));
  return Status::Ok();
}

// Identity, StopGradient, Snapshot, ...: the output is the input (shared, not copied).
Status IdentityKernel(OpKernelContext& ctx) {
  if (ctx.num_inputs() < 1) return Status::InvalidArgument("expects an input");
  ctx.set_output(0, ctx.TakeInput(0));
  return Status::Ok();
}

Status IdentityNKernel(OpKernelContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) ctx.set_output(i, ctx.TakeInput(i));
  return Status::Ok();
}

Status NoOpKernel(OpKernelContext&) { return Status::Ok(); }

Status PlaceholderKernel(OpKernelContext& ctx) {
  return Status::InvalidArgument("placeholder '" + ctx.node().name +
                                 "' must be fed, and is not an input of the signature");
}

// A VarHandleOp without a checkpoint value (one the graph assigns before reading, as the
// init op does with asset paths) starts uninitialized.
Status VarHandleKernel(OpKernelContext& ctx) {
  const Node& node = ctx.node();
  Tensor handle(DataType::kResource, {});
  handle.objects()[0] = std::make_shared<Variable>(node.name, node.constant);
  ctx.set_output(0, std::move(handle));
  return Status::Ok();
}

Status ReadVariableKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(Variable * variable, VariableFromHandle(ctx.input(0), 0));
  Tensor value = variable->Read();
  if (!value.is_valid()) {
    return Status::FailedPrecondition("variable '" + variable->name() +
                                      "' is read before it is assigned (it has no value)");
  }
  ctx.set_output(0, std::move(value));
  return Status::Ok();
}

Status AssignVariableKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(Variable * variable, VariableFromHandle(ctx.input(0), 0));
  const Tensor& old_value = variable->Read();
  const Tensor& value = ctx.input(1);
  if (old_value.is_valid() && old_value.dtype() != value.dtype()) {
    return Status::InvalidArgument("cannot assign a " + value.DebugString() + " to variable '" +
                                   variable->name() + "' of " + old_value.DebugString());
  }
  variable->Assign(value);
  return Status::Ok();
}

Status VarIsInitializedKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(VariableFromHandle(ctx.input(0), 0).status());
  ctx.set_output(0, Tensor::Scalar<bool>(true));
  return Status::Ok();
}

// Assert(condition, data...): fails with the data when the condition is false.
Status AssertKernel(OpKernelContext& ctx) {
  const Tensor& condition = ctx.input(0);
  if (condition.dtype() != DataType::kBool || condition.NumElements() != 1) {
    return Status::InvalidArgument("Assert condition must be a scalar bool, got " +
                                   condition.DebugString());
  }
  if (condition.flat<bool>()[0]) return Status::Ok();
  std::string message = "assertion failed:";
  for (int i = 1; i < ctx.num_inputs(); ++i) message += " " + ctx.input(i).ValuesString();
  return Status::InvalidArgument(message);
}

Status EnsureShapeKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(PartialShape shape, GetShapeAttr(ctx.node(), "shape"));
  if (!shape.IsCompatibleWith(ctx.input(0).shape())) {
    return Status::InvalidArgument("EnsureShape: expected shape " + shape.ToString() + ", got " +
                                   ctx.input(0).DebugString());
  }
  ctx.set_output(0, ctx.TakeInput(0));
  return Status::Ok();
}

}  // namespace

void RegisterStateOps(KernelRegistry& registry) {
  registry.Register("Const", ConstKernel);
  for (const char* op :
       {"Identity", "StopGradient", "Snapshot", "PreventGradient", "PlaceholderWithDefault"}) {
    registry.Register(op, IdentityKernel);
  }
  registry.Register("IdentityN", IdentityNKernel);
  registry.Register("NoOp", NoOpKernel);
  registry.Register("Placeholder", PlaceholderKernel);
  registry.Register("VarHandleOp", VarHandleKernel);
  registry.Register("ReadVariableOp", ReadVariableKernel);
  registry.Register("AssignVariableOp", AssignVariableKernel);
  registry.Register("VarIsInitializedOp", VarIsInitializedKernel);
  registry.Register("Assert", AssertKernel);
  registry.Register("EnsureShape", EnsureShapeKernel);
}

}  // namespace tftrt
