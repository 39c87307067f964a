// Roll(input, shift, axis): elements shifted cyclically along each named axis (shifts of
// a repeated axis add up), for every dtype, as tensorflow/core/kernels/roll_op.cc.
#include <string>
#include <vector>

#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

using array_ops::ReadIndexValues;

// The net shift of every dimension of `input`, in [0, dim).
StatusOr<std::vector<int64_t>> ReadShifts(const OpKernelContext& ctx) {
  const Tensor& input = ctx.input(0);
  if (input.rank() < 1) return OpError(ctx, "input must be 1-D or higher");
  if (ctx.input(1).rank() > 1) {
    return OpError(ctx, "shift must be a scalar or a 1-D vector. Found: " +
                            ShapeToString(ctx.input(1).shape()));
  }
  if (ctx.input(2).rank() > 1) {
    return OpError(ctx, "axis must be a scalar or a 1-D vector. Found: " +
                            ShapeToString(ctx.input(2).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> shifts, ReadIndexValues(ctx, 1, "shift"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadIndexValues(ctx, 2, "axis"));
  if (shifts.size() != axes.size()) {
    return OpError(ctx, "shift and axis must have the same size");
  }
  const int64_t rank = input.rank();
  std::vector<int64_t> net(rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank) {
      return OpError(ctx, "axis " + std::to_string(axes[i]) + " is out of range");
    }
    net[axis] += shifts[i];
  }
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t size = input.dim(d);
    net[d] = size == 0 ? 0 : ((net[d] % size) + size) % size;
  }
  return net;
}

Status Roll(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> shifts, ReadShifts(ctx));
  const Tensor& input = ctx.input(0);
  Tensor output(input.dtype(), input.shape());
  const int64_t rank = input.rank();
  const int64_t n = input.NumElements();
  // Walk the input in order, keeping the rolled coordinates of the current element.
  std::vector<int64_t> coords(rank, 0), strides(rank, 1);
  for (int64_t d = rank - 1; d > 0; --d) strides[d - 1] = strides[d] * input.dim(d);
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(input);
    S* out = StorageData<S>(output);
    for (int64_t i = 0; i < n; ++i) {
      int64_t target = 0;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t c = coords[d] + shifts[d];
        if (c >= input.dim(d)) c -= input.dim(d);
        target += c * strides[d];
      }
      out[target] = in[i];
      for (int64_t d = rank - 1; d >= 0 && ++coords[d] == input.dim(d); --d) coords[d] = 0;
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterRollOps(KernelRegistry& registry) { registry.Register("Roll", Roll); }

}  // namespace tftrt
