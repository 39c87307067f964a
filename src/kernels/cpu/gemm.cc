#include "kernels/cpu/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <string>
#include <type_traits>
#include <vector>

#include "common/check.h"
#include "kernels/cpu/nn_numeric.h"

namespace tftrt {
namespace {

// BLAS takes int dimensions; tensors that large could not be allocated anyway.
int BlasInt(int64_t value) {
  TFTRT_CHECK_MSG(value >= 0 && value <= INT_MAX, "matrix dimension too large for BLAS");
  return static_cast<int>(value);
}

CBLAS_TRANSPOSE BlasTranspose(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }

// Integer products wrap around instead of overflowing (undefined behavior for signed
// types): multiply and add in the unsigned type of the same width.
template <typename T>
void IntegerGemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const T* a,
                 int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  using Wrap = std::make_unsigned_t<T>;
  std::vector<Wrap> row(n);
  for (int64_t i = 0; i < m; ++i) {
    T* c_row = c + i * ldc;
    for (int64_t j = 0; j < n; ++j) row[j] = accumulate ? static_cast<Wrap>(c_row[j]) : 0;
    for (int64_t p = 0; p < k; ++p) {
      const Wrap a_ip = static_cast<Wrap>(transpose_a ? a[p * lda + i] : a[i * lda + p]);
      if (transpose_b) {
        for (int64_t j = 0; j < n; ++j) row[j] += a_ip * static_cast<Wrap>(b[j * ldb + p]);
      } else {
        const T* b_row = b + p * ldb;
        for (int64_t j = 0; j < n; ++j) row[j] += a_ip * static_cast<Wrap>(b_row[j]);
      }
    }
    for (int64_t j = 0; j < n; ++j) c_row[j] = static_cast<T>(row[j]);
  }
}

// 16-bit floats: widen to dense float matrices, sgemm, round the result once.
template <typename T>
void WideningGemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const T* a,
                  int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  const int64_t a_rows = transpose_a ? k : m, a_cols = transpose_a ? m : k;
  const int64_t b_rows = transpose_b ? n : k, b_cols = transpose_b ? k : n;
  std::vector<float> a32(a_rows * a_cols), b32(b_rows * b_cols), c32(m * n);
  for (int64_t r = 0; r < a_rows; ++r) {
    for (int64_t q = 0; q < a_cols; ++q) a32[r * a_cols + q] = Widen(a[r * lda + q]);
  }
  for (int64_t r = 0; r < b_rows; ++r) {
    for (int64_t q = 0; q < b_cols; ++q) b32[r * b_cols + q] = Widen(b[r * ldb + q]);
  }
  if (accumulate) {
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) c32[i * n + j] = Widen(c[i * ldc + j]);
    }
  }
  Gemm<float>(transpose_a, transpose_b, m, n, k, a32.data(), a_cols, b32.data(), b_cols, c32.data(),
              n, accumulate);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = Narrow<T>(c32[i * n + j]);
  }
}

}  // namespace

template <typename T>
void Gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const T* a,
          int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, T{});
    }
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, BlasTranspose(transpose_a), BlasTranspose(transpose_b), BlasInt(m),
                BlasInt(n), BlasInt(k), 1.0f, a, BlasInt(lda), b, BlasInt(ldb),
                accumulate ? 1.0f : 0.0f, c, BlasInt(ldc));
  } else if constexpr (std::is_same_v<T, double>) {
    cblas_dgemm(CblasRowMajor, BlasTranspose(transpose_a), BlasTranspose(transpose_b), BlasInt(m),
                BlasInt(n), BlasInt(k), 1.0, a, BlasInt(lda), b, BlasInt(ldb),
                accumulate ? 1.0 : 0.0, c, BlasInt(ldc));
  } else if constexpr (kIsFloat16<T>) {
    WideningGemm(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  } else {
    static_assert(std::is_integral_v<T>, "Gemm: unsupported element type");
    IntegerGemm(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  }
}

Shape BatchMatMulOutputBatch(const BatchMatMulShape& shape) {
  TFTRT_CHECK(shape.a_batch.size() == shape.b_batch.size());
  Shape out(shape.a_batch.size());
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t a = shape.a_batch[d], b = shape.b_batch[d];
    TFTRT_CHECK(a == b || a == 1 || b == 1);
    out[d] = (a == 1) ? b : a;
  }
  return out;
}

Shape BatchMatMulOutputShape(const BatchMatMulShape& shape) {
  Shape out = BatchMatMulOutputBatch(shape);
  out.push_back(shape.m);
  out.push_back(shape.n);
  return out;
}

StatusOr<BatchMatMulShape> MakeBatchMatMulShape(const Shape& x, const Shape& y, bool adj_x,
                                                bool adj_y, bool broadcast) {
  const int x_rank = static_cast<int>(x.size()), y_rank = static_cast<int>(y.size());
  if (x_rank < 2 || y_rank < 2) {
    return Status::InvalidArgument("inputs must have rank >= 2, got " + ShapeToString(x) + " and " +
                                   ShapeToString(y));
  }
  if (!broadcast && x_rank != y_rank) {
    return Status::InvalidArgument("inputs must have the same rank, got " + ShapeToString(x) +
                                   " and " + ShapeToString(y));
  }
  BatchMatMulShape shape;
  shape.transpose_a = adj_x;
  shape.transpose_b = adj_y;
  shape.m = x[x_rank - (adj_x ? 1 : 2)];
  shape.k = x[x_rank - (adj_x ? 2 : 1)];
  shape.n = y[y_rank - (adj_y ? 2 : 1)];
  if (y[y_rank - (adj_y ? 1 : 2)] != shape.k) {
    return Status::InvalidArgument("matrix size-incompatible: x " + ShapeToString(x) +
                                   (adj_x ? " (adjoint)" : "") + ", y " + ShapeToString(y) +
                                   (adj_y ? " (adjoint)" : ""));
  }
  // Batch dimensions, aligned at the right and padded with 1s.
  const int batch_rank = std::max(x_rank, y_rank) - 2;
  shape.a_batch.assign(batch_rank - (x_rank - 2), 1);
  shape.b_batch.assign(batch_rank - (y_rank - 2), 1);
  shape.a_batch.insert(shape.a_batch.end(), x.begin(), x.end() - 2);
  shape.b_batch.insert(shape.b_batch.end(), y.begin(), y.end() - 2);
  for (int d = 0; d < batch_rank; ++d) {
    const int64_t a = shape.a_batch[d], b = shape.b_batch[d];
    if (a != b && (!broadcast || (a != 1 && b != 1))) {
      return Status::InvalidArgument(std::string(broadcast
                                                     ? "batch dimensions are not broadcastable"
                                                     : "batch dimensions must be equal") +
                                     ": " + ShapeToString(x) + " vs " + ShapeToString(y));
    }
  }
  return shape;
}

template <typename T>
void BatchMatMul(const BatchMatMulShape& shape, const T* a, const T* b, T* c) {
  const Shape out_batch = BatchMatMulOutputBatch(shape);
  const int64_t batches = NumElements(out_batch);
  const int64_t m = shape.m, n = shape.n, k = shape.k;
  const int64_t a_size = m * k, b_size = k * n, c_size = m * n;
  const int64_t lda = shape.transpose_a ? m : k;
  const int64_t ldb = shape.transpose_b ? k : n;
  if (batches == 0 || c_size == 0) return;

  // A batch of a's against one shared b (a Dense layer on a 3-D input): one tall GEMM.
  if (NumElements(shape.b_batch) == 1 && NumElements(shape.a_batch) == batches &&
      !shape.transpose_a) {
    Gemm(false, shape.transpose_b, batches * m, n, k, a, lda, b, ldb, c, n);
    return;
  }

  // Per output batch dimension, how far a and b move (0 where they broadcast).
  const size_t rank = out_batch.size();
  std::vector<int64_t> a_step(rank), b_step(rank);
  int64_t a_stride = a_size, b_stride = b_size;
  for (size_t d = rank; d-- > 0;) {
    a_step[d] = shape.a_batch[d] == 1 ? 0 : a_stride;
    b_step[d] = shape.b_batch[d] == 1 ? 0 : b_stride;
    a_stride *= shape.a_batch[d];
    b_stride *= shape.b_batch[d];
  }
  std::vector<int64_t> index(rank, 0);
  int64_t a_offset = 0, b_offset = 0;
  for (int64_t batch = 0; batch < batches; ++batch) {
    Gemm(shape.transpose_a, shape.transpose_b, m, n, k, a + a_offset, lda, b + b_offset, ldb,
         c + batch * c_size, n);
    // Advance the batch index like an odometer.
    for (size_t d = rank; d-- > 0;) {
      a_offset += a_step[d];
      b_offset += b_step[d];
      if (++index[d] < out_batch[d]) break;
      a_offset -= a_step[d] * out_batch[d];
      b_offset -= b_step[d] * out_batch[d];
      index[d] = 0;
    }
  }
}

#define TFTRT_INSTANTIATE_GEMM_(T)                                                          \
  template void Gemm<T>(bool, bool, int64_t, int64_t, int64_t, const T*, int64_t, const T*, \
                        int64_t, T*, int64_t, bool);                                        \
  template void BatchMatMul<T>(const BatchMatMulShape&, const T*, const T*, T*);
TFTRT_INSTANTIATE_GEMM_(float)
TFTRT_INSTANTIATE_GEMM_(double)
TFTRT_INSTANTIATE_GEMM_(int32_t)
TFTRT_INSTANTIATE_GEMM_(int64_t)
TFTRT_INSTANTIATE_GEMM_(Half)
TFTRT_INSTANTIATE_GEMM_(BFloat16)
#undef TFTRT_INSTANTIATE_GEMM_

}  // namespace tftrt
