#include "runtime/kernel_checks.h"

#include <string>

namespace tftrt {

Status OpError(const OpKernelContext& ctx, std::string_view message) {
  return Status::InvalidArgument(ctx.node().op + ": " + std::string(message));
}

Status OpUnimplemented(const OpKernelContext& ctx, std::string_view message) {
  return Status::Unimplemented(ctx.node().op + ": " + std::string(message));
}

Status CheckNumInputs(const OpKernelContext& ctx, int count) {
  if (ctx.num_inputs() < count) {
    return OpError(ctx, "expected " + std::to_string(count) + " inputs, got " +
                            std::to_string(ctx.num_inputs()));
  }
  for (int i = 0; i < count; ++i) {
    if (!ctx.input(i).is_valid()) return OpError(ctx, "input " + std::to_string(i) + " is unset");
  }
  return Status::Ok();
}

Status CheckRank(const OpKernelContext& ctx, int index, int rank, std::string_view what) {
  if (ctx.input(index).rank() != rank) {
    return OpError(ctx, std::string(what) + " must be " + std::to_string(rank) +
                            "-dimensional, got shape " + ShapeToString(ctx.input(index).shape()));
  }
  return Status::Ok();
}

Status CheckSameDtype(const OpKernelContext& ctx, int first, int last) {
  const DataType dtype = ctx.input(first).dtype();
  for (int i = first + 1; i <= last; ++i) {
    if (ctx.input(i).dtype() != dtype) {
      return OpError(ctx, "input " + std::to_string(i) + " is " +
                              std::string(DataTypeName(ctx.input(i).dtype())) + ", expected " +
                              std::string(DataTypeName(dtype)) + " as input " +
                              std::to_string(first));
    }
  }
  return Status::Ok();
}

}  // namespace tftrt
