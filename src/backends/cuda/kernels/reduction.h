// Reductions over any set of axes (TF's Sum, Prod, Max, Min, Mean) and ArgMax / ArgMin
// over one axis, on dense row-major tensors of rank <= kMaxRank.
//
// dtypes: float32 and float16 accumulate in float32 (rounding once on store for half);
// int32 accumulates in 64 bits, so Sum and Prod wrap around exactly as TF's int32
// arithmetic does and Mean divides the exact sum, truncating (TF's integer Mean). Max and
// Min propagate NaN. Over an empty set of elements: Sum 0, Prod 1, Max -inf (int32: the
// lowest int32), Min +inf (highest int32), Mean NaN (int32: 0), as TF.
//
// Float sums are accumulated in float32 in a tree order, so they differ from TF's CPU
// kernel (a double accumulator) in the last bits; TF's GPU kernels also accumulate in
// float32.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_REDUCTION_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_REDUCTION_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

enum class ReduceOp : uint8_t { kSum, kProd, kMax, kMin, kMean };

// out = reduce(in) over `axes` (distinct, in [0, rank); empty: a copy). The output holds
// the kept dims in order (keep_dims only changes the shape, not the bytes) and has the
// input's dtype (float32, float16 or int32).
//
// When the innermost dim is reduced, each output is reduced by one block (contiguous,
// coalesced reads); otherwise each output by one thread, reading consecutive outputs'
// elements in consecutive threads.
Status Reduce(ReduceOp op, const void* in, const Dims& in_shape, const std::vector<int>& axes,
              DType dtype, void* out, cudaStream_t stream);

enum class ArgReduceOp : uint8_t { kArgMax, kArgMin };

// out[o, i] = the index along `axis` of the greatest (ArgMax) / least (ArgMin) element of
// in[o, :, i]: the first one on ties; NaN never wins unless all are NaN (index 0), as TF's
// CPU kernel. dtype float32, float16 or int32; int32 output (TF's output_type int32).
// InvalidArgument when the axis is empty (TF: "Reduction axis ... is empty").
Status ArgReduce(ArgReduceOp op, const void* in, const Dims& in_shape, int axis, DType dtype,
                 int32_t* out, cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_REDUCTION_H_
