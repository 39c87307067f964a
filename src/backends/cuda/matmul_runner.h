// MatMulRunner: TF's MatMul and BatchMatMulV2/V3 on the GPU through cuBLASLt, with a fused
// epilogue (bias, residual, Relu or tanh-GELU).
//
// Operands and result are row-major, as TensorFlow's: a [batch..., M, K] ([..., K, M] when
// transpose_a), b [batch..., K, N] ([..., N, K] when transpose_b), d [batch..., M, N]. cuBLASLt
// is column-major, so the runner computes the column-major dᵀ = bᵀ·aᵀ, which has d's memory.
// Batch dims broadcast as in BatchMatMulV2 (numpy rules, right-aligned); cuBLASLt has one batch
// stride per operand, so an operand must either have the output's batch dims (stride M*K or
// K*N) or a single matrix (batch dims all 1 or none: stride 0, broadcast). Other broadcasts
// (e.g. a [2,1,...] with b [1,3,...]) are Unimplemented: the caller materializes them.
// Adjoint (adj_x / adj_y) is transpose for these real dtypes.
//
// Dtypes: kFloat (fp32 I/O; CUBLAS_COMPUTE_32F_FAST_TF32 when allow_tf32, else
// CUBLAS_COMPUTE_32F) or kHalf (fp16 I/O, CUBLAS_COMPUTE_32F: fp32 accumulation), float
// scale type. Either operand may be a constant given at creation (a host tensor of dtype
// kFloat or kHalf, its full shape; converted to the I/O dtype and uploaded once, owned).
//
// Epilogue (epilogue.h): cuBLASLt computes d = act(a·b + c + bias), so the fusable prefix of
// the steps is: kBiasAdd and kResidualAdd (each at most once, any order; the residual comes in
// as C with beta = 1), then at most one of kRelu or kGeluTanh, last. cuBLASLt's GELU is the
// tanh approximation: TF's default gelu (approximate=False, kGeluExact) is never fused. A
// prefix cuBLASLt has no algorithm for is shortened until one has; fused_steps() says how
// many steps Run applies.
//
// Thread safety: immutable after Create; Run may be called from several threads at once,
// each with its own DnnHandles on the runner's device.
#ifndef TFTRT_BACKENDS_CUDA_MATMUL_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_MATMUL_RUNNER_H_

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/device_weights.h"
#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/epilogue.h"
#include "backends/cuda/tactics.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

struct MatMulDescription {
  int64_t m = 0, n = 0, k = 0;
  bool transpose_a = false;  // MatMul's transpose_a, BatchMatMul's adj_x
  bool transpose_b = false;  // transpose_b / adj_y
  Shape batch_dims_a;        // a's leading dims (empty for MatMul)
  Shape batch_dims_b;
  DataType dtype = DataType::kFloat;  // kFloat or kHalf: a, b, d and the residual
  bool allow_tf32 = true;             // kFloat only
  // The most workspace the chosen algorithm may use.
  int64_t max_workspace_bytes = int64_t{32} << 20;

  // The broadcast batch dims of the result.
  Shape BatchDims() const;
  std::string ToString() const;
};

class MatMulRunner {
 public:
  // Checks the description (sizes > 0, dtype, broadcastable batch dims: InvalidArgument;
  // a broadcast cuBLASLt cannot stride: Unimplemented), constant operands' dtypes and
  // shapes, and the epilogue against N, without touching the GPU. Create runs it first.
  static Status Validate(const MatMulDescription& desc, const Tensor* constant_a,
                         const Tensor* constant_b, const std::vector<EpilogueStep>& epilogue);

  // constant_a / constant_b: null for an operand given to Run, else the host tensor (a's or
  // b's full shape, batch dims included). Of the algorithms cuBLASLt's heuristic offers
  // within max_workspace_bytes, the fastest (timed on the GPU with scratch operands, or the
  // timing cache's winner) is kept when tactics times. Uses `handles` only during the call.
  static StatusOr<std::unique_ptr<MatMulRunner>> Create(
      const DnnHandles& handles, const MatMulDescription& desc, const Tensor* constant_a,
      const Tensor* constant_b, std::vector<EpilogueStep> epilogue,
      const TacticOptions& tactics = TacticOptions());

  ~MatMulRunner();
  MatMulRunner(const MatMulRunner&) = delete;
  MatMulRunner& operator=(const MatMulRunner&) = delete;

  const MatMulDescription& description() const { return desc_; }
  int fused_steps() const { return fused_steps_; }
  const std::vector<EpilogueStep>& epilogue() const { return epilogue_; }
  // Device scratch memory that Run needs (<= max_workspace_bytes; 0: none).
  int64_t workspace_bytes() const { return workspace_bytes_; }
  // The chosen cuBLASLt algorithm's identity (its bytes in hex; the timing cache's value).
  const std::string& algorithm_name() const { return algorithm_name_; }

  // Enqueues d = epilogue[0, fused_steps())(a·b) on `stream` (handles.cublas_lt()), without
  // synchronizing or allocating. a, b: device operands (ignored for constants: pass null);
  // residual: d's shape and dtype, required iff a fused step is kResidualAdd (else ignored),
  // may be d itself (in place); workspace: workspace_bytes() bytes. Device pointers must be
  // 16-byte aligned (the algorithm was chosen for that alignment).
  Status Run(const DnnHandles& handles, cudaStream_t stream, const void* a, const void* b,
             const void* residual, void* d, void* workspace) const;

 private:
  struct Plan;  // cuBLASLt descriptors and the chosen algorithm (in the .cc)

  MatMulRunner();
  // Picks plan_->algo among plan_->candidates (see Create).
  Status ChooseAlgorithm(const DnnHandles& handles, const TacticOptions& tactics);
  // Run with any candidate algorithm (timing runs each).
  Status Execute(const DnnHandles& handles, cudaStream_t stream, const void* a, const void* b,
                 const void* residual, void* d, void* workspace, const cublasLtMatmulAlgo_t& algo,
                 size_t workspace_bytes) const;

  MatMulDescription desc_;
  std::vector<EpilogueStep> epilogue_;
  DeviceWeights constant_a_, constant_b_, bias_;
  std::unique_ptr<Plan> plan_;
  int fused_steps_ = 0;
  int64_t workspace_bytes_ = 0;
  std::string algorithm_name_;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_MATMUL_RUNNER_H_
