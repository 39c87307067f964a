#include "backends/cuda/batched_product.h"

#include <algorithm>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/kernels/elementwise.h"
#include "backends/cuda/layer_runner.h"

namespace tftrt::cuda {
namespace {

constexpr size_t kAlignment = 256;

size_t AlignUp(size_t value) { return (value + kAlignment - 1) / kAlignment * kAlignment; }

int64_t Product(const Shape& dims) {
  int64_t product = 1;
  for (int64_t d : dims) product *= d;
  return product;
}

}  // namespace

StatusOr<std::unique_ptr<BatchedProduct>> BatchedProduct::Create(const DnnHandles& handles,
                                                                 const BatchMatMulShape& shape,
                                                                 DataType dtype, bool allow_tf32,
                                                                 std::vector<EpilogueStep> epilogue,
                                                                 const TacticOptions& tactics) {
  std::unique_ptr<BatchedProduct> product(new BatchedProduct());
  product->shape_ = shape;
  product->dtype_ = dtype == DataType::kHalf ? DType::kFloat16 : DType::kFloat32;
  const Shape out_batch = BatchMatMulOutputBatch(shape);
  const int64_t batch = Product(out_batch);
  product->output_bytes_ = batch * shape.m * shape.n * DTypeSize(product->dtype_);
  if (batch * shape.m * shape.n == 0 || shape.k == 0) return product;

  size_t workspace = 0;
  auto plan_operand = [&](const Shape& operand_batch, int64_t rows, int64_t cols,
                          Operand* operand) -> Status {
    const bool single = Product(operand_batch) == 1;
    if (single || operand_batch == out_batch) return Status::Ok();
    Shape source = operand_batch;
    source.push_back(rows);
    source.push_back(cols);
    Shape target = out_batch;
    target.push_back(rows);
    target.push_back(cols);
    TFTRT_ASSIGN_OR_RETURN(Dims source_dims, ToDims(source));
    TFTRT_ASSIGN_OR_RETURN(Dims target_dims, ToDims(target));
    TFTRT_ASSIGN_OR_RETURN(ElementwiseInput view,
                           BroadcastInput(nullptr, product->dtype_, source_dims, target_dims));
    operand->materialize = true;
    operand->strides = view.strides;
    operand->shape = target_dims;
    operand->offset = workspace;
    workspace += AlignUp(Product(target) * DTypeSize(product->dtype_));
    return Status::Ok();
  };
  const int64_t a_rows = shape.transpose_a ? shape.k : shape.m;
  const int64_t a_cols = shape.transpose_a ? shape.m : shape.k;
  const int64_t b_rows = shape.transpose_b ? shape.n : shape.k;
  const int64_t b_cols = shape.transpose_b ? shape.k : shape.n;
  TFTRT_RETURN_IF_ERROR(plan_operand(shape.a_batch, a_rows, a_cols, &product->a_));
  TFTRT_RETURN_IF_ERROR(plan_operand(shape.b_batch, b_rows, b_cols, &product->b_));
  MatMulDescription desc{.m = shape.m,
                         .n = shape.n,
                         .k = shape.k,
                         .transpose_a = shape.transpose_a,
                         .transpose_b = shape.transpose_b,
                         .batch_dims_a = product->a_.materialize ? out_batch : shape.a_batch,
                         .batch_dims_b = product->b_.materialize ? out_batch : shape.b_batch,
                         .dtype = dtype,
                         .allow_tf32 = allow_tf32};
  if (Product(shape.b_batch) == 1 && !shape.transpose_a) {
    // One b for every batch (a dense layer on a sequence: Keras' EinsumDense, Dense on 3-D
    // inputs): a's matrices lie one under the other in memory, as d's do, so the batch folds
    // into a's rows and the product is one tall matrix product, which cuBLASLt runs much
    // faster than a batch of short ones.
    desc.m = batch * shape.m;
    desc.batch_dims_a.clear();
    desc.batch_dims_b.clear();
  }
  desc.max_workspace_bytes = std::min(desc.max_workspace_bytes, tactics.max_workspace_bytes);
  TFTRT_ASSIGN_OR_RETURN(product->runner_, MatMulRunner::Create(handles, desc, nullptr, nullptr,
                                                                std::move(epilogue), tactics));
  product->runner_offset_ = workspace;
  product->workspace_bytes_ = workspace + product->runner_->workspace_bytes();
  product->fused_steps_ = product->runner_->fused_steps();
  return product;
}

int BatchedProduct::fused_steps() const { return fused_steps_; }

Status BatchedProduct::Materialize(const Operand& operand, const void* in, void* workspace,
                                   cudaStream_t stream) const {
  return StridedCopy(in, operand.strides, operand.shape, dtype_,
                     static_cast<char*>(workspace) + operand.offset, stream);
}

Status BatchedProduct::Run(const DnnHandles& handles, cudaStream_t stream, const void* a,
                           const void* b, const void* residual, void* d, void* workspace) const {
  if (runner_ == nullptr) {
    // Empty, or a contraction over nothing: zeros (the caller's epilogue follows).
    if (output_bytes_ > 0) TFTRT_CUDA_CHECK(cudaMemsetAsync(d, 0, output_bytes_, stream));
    return Status::Ok();
  }
  char* scratch = static_cast<char*>(workspace);
  if (a_.materialize) {
    TFTRT_RETURN_IF_ERROR(Materialize(a_, a, workspace, stream));
    a = scratch + a_.offset;
  }
  if (b_.materialize) {
    TFTRT_RETURN_IF_ERROR(Materialize(b_, b, workspace, stream));
    b = scratch + b_.offset;
  }
  return runner_->Run(handles, stream, a, b, residual, d, scratch + runner_offset_);
}

}  // namespace tftrt::cuda
