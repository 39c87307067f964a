// A batched matrix product with TF's BatchMatMulV2 broadcasting in any pattern, on
// cuBLASLt (MatMulRunner). cuBLASLt strides each operand's batch one way, so an operand
// whose batch dimensions are neither one matrix nor the product's full batch is first
// broadcast into workspace memory (one strided copy). Operands are device tensors (the
// engine uploads constants once). Shared by matmul and Einsum layers.
#ifndef TFTRT_BACKENDS_CUDA_BATCHED_PRODUCT_H_
#define TFTRT_BACKENDS_CUDA_BATCHED_PRODUCT_H_

#include <memory>
#include <vector>

#include "backends/cuda/epilogue.h"
#include "backends/cuda/kernels/kernel_types.h"
#include "backends/cuda/matmul_runner.h"
#include "kernels/cpu/gemm.h"

namespace tftrt::cuda {

class BatchedProduct {
 public:
  // `shape` as the native kernel has it (batch dims of equal rank, broadcasting per
  // dimension); `dtype` kFloat or kHalf. A contraction of size 0 gives zeros (then the
  // epilogue), an empty product nothing.
  static StatusOr<std::unique_ptr<BatchedProduct>> Create(const DnnHandles& handles,
                                                          const BatchMatMulShape& shape,
                                                          DataType dtype, bool allow_tf32,
                                                          std::vector<EpilogueStep> epilogue,
                                                          const TacticOptions& tactics);

  // Steps of the epilogue Run applies; the caller runs the rest.
  int fused_steps() const;
  size_t workspace_bytes() const { return workspace_bytes_; }
  // d = epilogue[0, fused_steps())(a x b); residual as MatMulRunner's.
  Status Run(const DnnHandles& handles, cudaStream_t stream, const void* a, const void* b,
             const void* residual, void* d, void* workspace) const;

 private:
  // How one operand reaches the runner: as is, or broadcast into the workspace.
  struct Operand {
    bool materialize = false;
    Dims strides;       // over the materialized shape [out_batch..., rows, cols]
    Dims shape;         // the materialized shape
    size_t offset = 0;  // in the workspace
  };
  BatchedProduct() = default;
  Status Materialize(const Operand& operand, const void* in, void* workspace,
                     cudaStream_t stream) const;

  BatchMatMulShape shape_;
  DType dtype_ = DType::kFloat32;
  Operand a_, b_;
  std::unique_ptr<MatMulRunner> runner_;  // null when the product is empty or K is 0
  size_t runner_offset_ = 0;
  size_t workspace_bytes_ = 0;
  size_t output_bytes_ = 0;
  int fused_steps_ = 0;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_BATCHED_PRODUCT_H_
