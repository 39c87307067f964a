// DenseBincount: per row (rank 2) or overall (rank 1), how often each value in [0, size)
// occurs in `input`, or the sum of the matching `weights` (empty weights count 1 each);
// binary_output gives 1 for any occurrence. Values >= size are ignored; a negative value
// is an error, as in TF's CPU kernel. (RaggedTensor row lengths come out of it.)
#include <string>
#include <type_traits>

#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

template <typename W>
void Count(const Tensor& input, const Tensor& weights, bool binary, int64_t size, Tensor* out) {
  const int64_t rows = input.rank() == 2 ? input.dim(0) : 1;
  const int64_t cols = rows == 0 ? 0 : input.NumElements() / rows;
  W* dst = out->flat<W>();
  const bool weighted = weights.NumElements() > 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t i = r * cols + c;
      const int64_t value = input.ElementAsInt64(i);
      if (value >= size) continue;
      W& bin = dst[r * size + value];
      if (binary) {
        bin = W(1);
      } else {
        bin += weighted ? weights.flat<W>()[i] : W(1);
      }
    }
  }
}

Status DenseBincountKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& input = ctx.input(0);
  const Tensor& size_tensor = ctx.input(1);
  const Tensor& weights = ctx.input(2);
  TFTRT_ASSIGN_OR_RETURN(bool binary, GetBoolAttrOr(ctx.node(), "binary_output", false));
  if (input.dtype() != DataType::kInt32 && input.dtype() != DataType::kInt64) {
    return OpError(ctx, "input must be int32 or int64, got " + input.DebugString());
  }
  if (input.rank() > 2)
    return OpError(ctx, "Shape must be at most rank 2 but is rank " + std::to_string(input.rank()));
  if (size_tensor.NumElements() != 1) {
    return OpError(ctx, "size must be a scalar, got " + size_tensor.DebugString());
  }
  const int64_t size = size_tensor.ElementAsInt64(0);
  if (size < 0) return OpError(ctx, "size (" + std::to_string(size) + ") must be non-negative");
  if (weights.NumElements() > 0 && weights.shape() != input.shape()) {
    return OpError(ctx, "weights " + weights.DebugString() + " must be empty or of the shape of " +
                            input.DebugString());
  }
  for (int64_t i = 0; i < input.NumElements(); ++i) {
    if (input.ElementAsInt64(i) < 0) return OpError(ctx, "Input arr must be non-negative!");
  }
  TFTRT_ASSIGN_OR_RETURN(DataType dtype, GetTypeAttr(ctx.node(), "T"));
  if (weights.NumElements() > 0 && weights.dtype() != dtype) {
    return OpError(ctx, "weights must be " + std::string(DataTypeName(dtype)));
  }
  Shape shape = input.rank() == 2 ? Shape{input.dim(0), size} : Shape{size};
  Tensor out(dtype, shape);  // zero-filled
  switch (dtype) {
    case DataType::kInt32:
      Count<int32_t>(input, weights, binary, size, &out);
      break;
    case DataType::kInt64:
      Count<int64_t>(input, weights, binary, size, &out);
      break;
    case DataType::kFloat:
      Count<float>(input, weights, binary, size, &out);
      break;
    case DataType::kDouble:
      Count<double>(input, weights, binary, size, &out);
      break;
    default:
      return OpUnimplemented(ctx, "T=" + std::string(DataTypeName(dtype)) + " is not supported");
  }
  ctx.set_output(0, std::move(out));
  return Status::Ok();
}

}  // namespace

void RegisterBincountOps(KernelRegistry& registry) {
  registry.Register("DenseBincount", DenseBincountKernel);
}

}  // namespace tftrt
