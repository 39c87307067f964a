// Matrix products on raw row-major buffers: the one GEMM that every matmul-shaped kernel
// (MatMul, BatchMatMul, Einsum, Conv2D via im2col) goes through.
//
// float and double go to OpenBLAS (cblas_sgemm / cblas_dgemm); half and bfloat16 are
// widened to float, multiplied with sgemm and rounded once at the end; integers use a
// plain loop with wrap-around (two's complement) overflow, as TF's Eigen kernels do.
// Accumulation is in the element type (float for float), as in TensorFlow.
//
// Instantiated for float, double, int32_t, int64_t, Half and BFloat16.
// Thread safety: stateless; OpenBLAS may use its own threads inside one call.
#ifndef TFTRT_KERNELS_CPU_GEMM_H_
#define TFTRT_KERNELS_CPU_GEMM_H_

#include <cstdint>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// C[m,n] = op(A) * op(B), or C += op(A) * op(B) when `accumulate`. op(A) is [m,k]: A is
// stored [m,k] with row stride lda, or [k,m] when transpose_a. Likewise op(B) is [k,n]:
// B stored [k,n] (ldb), or [n,k] when transpose_b. C is [m,n] with row stride ldc.
// Any of m, n, k may be 0 (k == 0 gives zeros).
template <typename T>
void Gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const T* a,
          int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate = false);

// A batch of dense matrix products whose batch dimensions broadcast numpy-style.
struct BatchMatMulShape {
  // Batch dimensions of each operand. REQUIRES: same rank; per dimension equal or one of
  // them is 1. The output's batch dimensions are the per-dimension maximum.
  Shape a_batch, b_batch;
  int64_t m = 0, n = 0, k = 0;
  bool transpose_a = false, transpose_b = false;
};

// Broadcast batch shape of `shape`'s operands.
Shape BatchMatMulOutputBatch(const BatchMatMulShape& shape);
// The product's shape: the broadcast batch shape, then [m, n].
Shape BatchMatMulOutputShape(const BatchMatMulShape& shape);

// The product of TF's BatchMatMul (`broadcast` false: batch dimensions must be equal and
// ranks the same), BatchMatMulV2 / V3 (`broadcast` true) of operands x and y, adjointed
// (here: transposed) when adj_x / adj_y. InvalidArgument, with the kernels' words, when
// the shapes do not fit. Shared by the native kernel and the engine's shape function.
StatusOr<BatchMatMulShape> MakeBatchMatMulShape(const Shape& x, const Shape& y, bool adj_x,
                                                bool adj_y, bool broadcast);

// c[batch..., m, n] = op(a[batch..., :, :]) * op(b[batch..., :, :]) with broadcasting;
// each operand's matrices are dense ([m,k] or [k,m] for a, [k,n] or [n,k] for b) and
// consecutive in memory.
template <typename T>
void BatchMatMul(const BatchMatMulShape& shape, const T* a, const T* b, T* c);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_GEMM_H_
