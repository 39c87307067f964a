// MatrixBandPart(input, num_lower, num_upper): keeps the band of each innermost matrix
// (row - col <= num_lower, col - row <= num_upper; a negative bound keeps that whole
// triangle) and zeroes the rest, for numbers and bool, as
// tensorflow/core/kernels/linalg/matrix_band_part_op.cc. tf.linalg.band_part(ones, -1, 0)
// is how causal attention masks are made.
#include <string>

#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

// A bound input: a scalar no larger than the matrix dimension it limits.
StatusOr<int64_t> ReadBandBound(const OpKernelContext& ctx, int index, const char* what,
                                const char* dim_name, int64_t dim) {
  if (ctx.input(index).rank() != 0) {
    return OpError(ctx, std::string(what) + " must be scalar, got shape " +
                            ShapeToString(ctx.input(index).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(int64_t bound, array_ops::ReadIndexScalar(ctx, index, what));
  if (bound > dim) {
    return OpError(ctx, std::string(what) + " must be negative or less or equal to number of " +
                            dim_name + " (" + std::to_string(dim) +
                            ") got: " + std::to_string(bound));
  }
  return bound;
}

Status MatrixBandPart(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& input = ctx.input(0);
  if (!IsPodDataType(input.dtype())) {  // TF has numbers and bool kernels only
    return OpError(ctx, "unsupported dtype " + std::string(DataTypeName(input.dtype())));
  }
  if (input.rank() < 2) {
    return OpError(ctx,
                   "input must be at least 2-dim, received shape: " + ShapeToString(input.shape()));
  }
  const int64_t rows = input.dim(input.rank() - 2);
  const int64_t cols = input.dim(input.rank() - 1);
  TFTRT_ASSIGN_OR_RETURN(int64_t lower, ReadBandBound(ctx, 1, "num_lower", "rows", rows));
  TFTRT_ASSIGN_OR_RETURN(int64_t upper, ReadBandBound(ctx, 2, "num_upper", "cols", cols));
  const int64_t matrices = rows * cols == 0 ? 0 : input.NumElements() / (rows * cols);
  Tensor output(input.dtype(), input.shape());  // zero-filled outside the band
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(input);
    S* out = StorageData<S>(output);
    for (int64_t m = 0; m < matrices; ++m) {
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t first = lower < 0 ? 0 : std::max<int64_t>(0, r - lower);
        const int64_t last = upper < 0 ? cols : std::min(cols, r + upper + 1);
        const int64_t row = (m * rows + r) * cols;
        for (int64_t c = first; c < last; ++c) out[row + c] = in[row + c];
      }
    }
  });
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterBandPartOps(KernelRegistry& registry) {
  registry.Register("MatrixBandPart", MatrixBandPart);
}

}  // namespace tftrt
