#include "backends/cuda/matmul_runner.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_memory.h"

namespace tftrt::cuda {
namespace {

// How many algorithms Create asks cuBLASLt's heuristic for at least; it keeps the first
// tactics.max_candidates that fit the workspace bound.
constexpr int kHeuristicResults = 8;
// The alignment Run's pointers promise (see the header).
constexpr uint32_t kPointerAlignment = 16;

// One operand's batching: how many matrices it has, and the elements between them.
struct OperandBatch {
  int64_t count = 1;
  bool broadcast = false;  // one matrix for the whole batch (stride 0)
};

int64_t Product(const Shape& dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

// `dims` left-padded with 1s to `rank`.
Shape PadTo(const Shape& dims, size_t rank) {
  Shape padded(rank - dims.size(), 1);
  padded.insert(padded.end(), dims.begin(), dims.end());
  return padded;
}

// How an operand with batch dims `dims` is read for output batch dims `out`; nullopt when no
// single stride can do it.
std::optional<OperandBatch> BatchOf(const Shape& dims, const Shape& out) {
  if (Product(dims) == 1) return OperandBatch{Product(out), true};
  if (PadTo(dims, out.size()) == out) return OperandBatch{Product(out), false};
  return std::nullopt;
}

// The cuBLASLt form of the first `count` epilogue steps, or nullopt when they have none.
struct LtEpilogue {
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  int bias_step = -1;  // the kBiasAdd step, if any
  bool residual = false;
};

std::optional<LtEpilogue> MapEpilogue(const std::vector<EpilogueStep>& steps, int count) {
  LtEpilogue lt;
  enum class Activation { kNone, kRelu, kGelu } activation = Activation::kNone;
  for (int i = 0; i < count; ++i) {
    if (activation != Activation::kNone) return std::nullopt;  // the activation comes last
    switch (steps[i].op) {
      case EpilogueOp::kBiasAdd:
        if (lt.bias_step >= 0) return std::nullopt;
        lt.bias_step = i;
        break;
      case EpilogueOp::kResidualAdd:
        if (lt.residual) return std::nullopt;
        lt.residual = true;
        break;
      case EpilogueOp::kRelu:
        activation = Activation::kRelu;
        break;
      case EpilogueOp::kGeluTanh:
        activation = Activation::kGelu;
        break;
      default:
        return std::nullopt;
    }
  }
  const bool bias = lt.bias_step >= 0;
  switch (activation) {
    case Activation::kNone:
      lt.epilogue = bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
      break;
    case Activation::kRelu:
      lt.epilogue = bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
      break;
    case Activation::kGelu:
      lt.epilogue = bias ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_GELU;
      break;
  }
  return lt;
}

struct MatmulDescDeleter {
  void operator()(cublasLtMatmulDescOpaque_t* p) const {
    TFTRT_CUDA_STATUS(cublasLtMatmulDescDestroy(p)).IgnoreError();
  }
};
struct LayoutDeleter {
  void operator()(cublasLtMatrixLayoutOpaque_t* p) const {
    TFTRT_CUDA_STATUS(cublasLtMatrixLayoutDestroy(p)).IgnoreError();
  }
};
struct PreferenceDeleter {
  void operator()(cublasLtMatmulPreferenceOpaque_t* p) const {
    TFTRT_CUDA_STATUS(cublasLtMatmulPreferenceDestroy(p)).IgnoreError();
  }
};
using MatmulDescPtr = std::unique_ptr<cublasLtMatmulDescOpaque_t, MatmulDescDeleter>;
using LayoutPtr = std::unique_ptr<cublasLtMatrixLayoutOpaque_t, LayoutDeleter>;
using PreferencePtr = std::unique_ptr<cublasLtMatmulPreferenceOpaque_t, PreferenceDeleter>;

template <typename T>
Status SetDescAttribute(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attribute,
                        const T& value) {
  TFTRT_CUDA_CHECK(cublasLtMatmulDescSetAttribute(desc, attribute, &value, sizeof(value)));
  return Status::Ok();
}

// A column-major rows x cols matrix (leading dimension rows), `batch` of them `stride`
// elements apart.
StatusOr<LayoutPtr> MakeLayout(cudaDataType_t type, int64_t rows, int64_t cols, int64_t batch,
                               int64_t stride) {
  cublasLtMatrixLayout_t raw = nullptr;
  TFTRT_CUDA_CHECK(cublasLtMatrixLayoutCreate(&raw, type, rows, cols, rows));
  LayoutPtr layout(raw);
  if (batch > 1) {
    const int32_t count = static_cast<int32_t>(batch);
    TFTRT_CUDA_CHECK(cublasLtMatrixLayoutSetAttribute(raw, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT,
                                                      &count, sizeof(count)));
    TFTRT_CUDA_CHECK(cublasLtMatrixLayoutSetAttribute(
        raw, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)));
  }
  return layout;
}

// An algorithm's identity for the timing cache: its opaque bytes, in hex (cuBLASLt's
// algorithm struct is plain data, meant to be kept and reused with the same library).
std::string AlgorithmName(const cublasLtMatmulAlgo_t& algo) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* bytes = reinterpret_cast<const unsigned char*>(&algo);
  std::string name;
  for (size_t i = 0; i < sizeof(algo); ++i) {
    name += kHex[bytes[i] >> 4];
    name += kHex[bytes[i] & 15];
  }
  return name;
}

}  // namespace

// The descriptors cublasLtMatmul takes, in its (column-major) terms: its A is our b, its B
// our a, its C and D our residual and d.
struct MatMulRunner::Plan {
  MatmulDescPtr matmul;
  LayoutPtr lt_a, lt_b, lt_cd;
  cublasLtMatmulAlgo_t algo{};
  std::vector<cublasLtMatmulHeuristicResult_t> candidates;  // fitting algorithms, heuristic order
  float alpha = 1.0f;
  float beta = 0.0f;  // 1 when the residual comes in as C
};

MatMulRunner::MatMulRunner() = default;
MatMulRunner::~MatMulRunner() = default;

Shape MatMulDescription::BatchDims() const {
  const size_t rank = std::max(batch_dims_a.size(), batch_dims_b.size());
  const Shape a = PadTo(batch_dims_a, rank);
  const Shape b = PadTo(batch_dims_b, rank);
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) out[i] = a[i] == 1 ? b[i] : a[i];
  return out;
}

std::string MatMulDescription::ToString() const {
  return "MatMul a" + ShapeToString(batch_dims_a) + (transpose_a ? "[K,M]" : "[M,K]") + " b" +
         ShapeToString(batch_dims_b) + (transpose_b ? "[N,K]" : "[K,N]") +
         " M=" + std::to_string(m) + " N=" + std::to_string(n) + " K=" + std::to_string(k) + " " +
         std::string(DataTypeName(dtype)) +
         (dtype == DataType::kFloat ? (allow_tf32 ? " (tf32 allowed)" : " (no tf32)") : "");
}

Status MatMulRunner::Validate(const MatMulDescription& d, const Tensor* constant_a,
                              const Tensor* constant_b, const std::vector<EpilogueStep>& epilogue) {
  auto invalid = [&](const std::string& what) {
    return Status::InvalidArgument("invalid matmul (" + d.ToString() + "): " + what);
  };
  if (d.dtype != DataType::kFloat && d.dtype != DataType::kHalf) {
    return invalid("dtype must be float32 or float16");
  }
  if (d.m <= 0 || d.n <= 0 || d.k <= 0) return invalid("M, N and K must be > 0");
  if (d.max_workspace_bytes < 0) return invalid("max_workspace_bytes must be >= 0");
  for (const Shape* dims : {&d.batch_dims_a, &d.batch_dims_b}) {
    for (int64_t v : *dims) {
      if (v <= 0) return invalid("batch dims must be > 0");
    }
  }
  const size_t rank = std::max(d.batch_dims_a.size(), d.batch_dims_b.size());
  const Shape a = PadTo(d.batch_dims_a, rank);
  const Shape b = PadTo(d.batch_dims_b, rank);
  for (size_t i = 0; i < rank; ++i) {
    if (a[i] != b[i] && a[i] != 1 && b[i] != 1) return invalid("batch dims do not broadcast");
  }
  const Shape out = d.BatchDims();
  // cuBLASLt takes int32 batch counts and int64 sizes; keep the products sane.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  const int64_t batch = Product(out);
  if (batch >= (int64_t{1} << 31) || batch * d.m * d.n >= kMaxElements ||
      batch * d.m * d.k >= kMaxElements || batch * d.k * d.n >= kMaxElements) {
    return invalid("too large");
  }
  if (!BatchOf(d.batch_dims_a, out) || !BatchOf(d.batch_dims_b, out)) {
    return Status::Unimplemented("matmul (" + d.ToString() +
                                 "): this batch broadcast needs more than one batch stride per "
                                 "operand; materialize the broadcast first");
  }
  auto check_constant = [&](const Tensor* t, const Shape& batch_dims, int64_t rows, int64_t cols,
                            const char* name) -> Status {
    if (t == nullptr) return Status::Ok();
    if (t->dtype() != DataType::kFloat && t->dtype() != DataType::kHalf) {
      return invalid(std::string("constant ") + name + " must be float32 or float16, got " +
                     t->DebugString());
    }
    Shape expected = batch_dims;
    expected.push_back(rows);
    expected.push_back(cols);
    if (t->shape() != expected) {
      return invalid(std::string("constant ") + name + " must have shape " +
                     ShapeToString(expected) + ", got " + ShapeToString(t->shape()));
    }
    return Status::Ok();
  };
  TFTRT_RETURN_IF_ERROR(check_constant(constant_a, d.batch_dims_a, d.transpose_a ? d.k : d.m,
                                       d.transpose_a ? d.m : d.k, "a"));
  TFTRT_RETURN_IF_ERROR(check_constant(constant_b, d.batch_dims_b, d.transpose_b ? d.n : d.k,
                                       d.transpose_b ? d.k : d.n, "b"));
  Status epilogue_status = ValidateEpilogue(epilogue, d.n);
  if (!epilogue_status.ok()) return invalid(epilogue_status.message());
  return Status::Ok();
}

StatusOr<std::unique_ptr<MatMulRunner>> MatMulRunner::Create(
    const DnnHandles& handles, const MatMulDescription& desc, const Tensor* constant_a,
    const Tensor* constant_b, std::vector<EpilogueStep> epilogue, const TacticOptions& tactics) {
  TFTRT_RETURN_IF_ERROR(Validate(desc, constant_a, constant_b, epilogue));
  std::unique_ptr<MatMulRunner> runner(new MatMulRunner());
  runner->desc_ = desc;
  runner->epilogue_ = std::move(epilogue);
  const MatMulDescription& d = runner->desc_;
  const std::vector<EpilogueStep>& steps = runner->epilogue_;
  if (constant_a != nullptr) {
    TFTRT_ASSIGN_OR_RETURN(runner->constant_a_,
                           DeviceWeights::UploadAs(TensorToFloats(*constant_a), d.dtype));
  }
  if (constant_b != nullptr) {
    TFTRT_ASSIGN_OR_RETURN(runner->constant_b_,
                           DeviceWeights::UploadAs(TensorToFloats(*constant_b), d.dtype));
  }

  const Shape out = d.BatchDims();
  const OperandBatch a_batch = *BatchOf(d.batch_dims_a, out);
  const OperandBatch b_batch = *BatchOf(d.batch_dims_b, out);
  const int64_t batch = Product(out);
  const cudaDataType_t type = d.dtype == DataType::kHalf ? CUDA_R_16F : CUDA_R_32F;
  const cublasComputeType_t compute = d.dtype == DataType::kFloat && d.allow_tf32
                                          ? CUBLAS_COMPUTE_32F_FAST_TF32
                                          : CUBLAS_COMPUTE_32F;

  // The longest prefix of the epilogue that cuBLASLt can express, then shorter ones until
  // its heuristic has an algorithm.
  int fused = static_cast<int>(steps.size());
  while (fused > 0 && !MapEpilogue(steps, fused)) --fused;
  for (; fused >= 0; --fused) {
    const std::optional<LtEpilogue> lt = MapEpilogue(steps, fused);
    if (!lt) continue;
    auto plan = std::make_unique<Plan>();
    cublasLtMatmulDesc_t raw_desc = nullptr;
    TFTRT_CUDA_CHECK(cublasLtMatmulDescCreate(&raw_desc, compute, CUDA_R_32F));
    plan->matmul.reset(raw_desc);
    // Column-major: D (N x M) = op(A) (N x K) · op(B) (K x M), A = our b, B = our a.
    const cublasOperation_t trans_a = d.transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t trans_b = d.transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    TFTRT_RETURN_IF_ERROR(SetDescAttribute(raw_desc, CUBLASLT_MATMUL_DESC_TRANSA, trans_a));
    TFTRT_RETURN_IF_ERROR(SetDescAttribute(raw_desc, CUBLASLT_MATMUL_DESC_TRANSB, trans_b));
    TFTRT_RETURN_IF_ERROR(SetDescAttribute(raw_desc, CUBLASLT_MATMUL_DESC_EPILOGUE, lt->epilogue));
    if (lt->bias_step >= 0) {
      // Bias per row of the column-major D = per column of our d, in D's type; one vector for
      // every batch (bias batch stride 0, the default).
      TFTRT_ASSIGN_OR_RETURN(runner->bias_,
                             DeviceWeights::UploadAs(steps[lt->bias_step].values, d.dtype));
      const void* bias = runner->bias_.data();
      TFTRT_RETURN_IF_ERROR(SetDescAttribute(raw_desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, bias));
    }
    // Stored shapes: b is K x N row-major (N x K when transposed) = column-major N x K (K x N).
    TFTRT_ASSIGN_OR_RETURN(
        plan->lt_a, MakeLayout(type, d.transpose_b ? d.k : d.n, d.transpose_b ? d.n : d.k, batch,
                               b_batch.broadcast ? 0 : d.k * d.n));
    TFTRT_ASSIGN_OR_RETURN(
        plan->lt_b, MakeLayout(type, d.transpose_a ? d.m : d.k, d.transpose_a ? d.k : d.m, batch,
                               a_batch.broadcast ? 0 : d.m * d.k));
    TFTRT_ASSIGN_OR_RETURN(plan->lt_cd, MakeLayout(type, d.n, d.m, batch, d.m * d.n));
    plan->beta = lt->residual ? 1.0f : 0.0f;

    cublasLtMatmulPreference_t raw_preference = nullptr;
    TFTRT_CUDA_CHECK(cublasLtMatmulPreferenceCreate(&raw_preference));
    PreferencePtr preference(raw_preference);
    const uint64_t max_workspace = static_cast<uint64_t>(d.max_workspace_bytes);
    TFTRT_CUDA_CHECK(cublasLtMatmulPreferenceSetAttribute(raw_preference,
                                                          CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                          &max_workspace, sizeof(max_workspace)));
    for (cublasLtMatmulPreferenceAttributes_t attribute :
         {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
          CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES}) {
      TFTRT_CUDA_CHECK(cublasLtMatmulPreferenceSetAttribute(
          raw_preference, attribute, &kPointerAlignment, sizeof(kPointerAlignment)));
    }
    std::vector<cublasLtMatmulHeuristicResult_t> results(
        std::max(kHeuristicResults, tactics.max_candidates));
    int returned = 0;
    const cublasStatus_t heuristic = cublasLtMatmulAlgoGetHeuristic(
        handles.cublas_lt(), raw_desc, plan->lt_a.get(), plan->lt_b.get(), plan->lt_cd.get(),
        plan->lt_cd.get(), raw_preference, static_cast<int>(results.size()), results.data(),
        &returned);
    if (heuristic != CUBLAS_STATUS_NOT_SUPPORTED) TFTRT_CUDA_CHECK(heuristic);
    for (int i = 0; i < returned &&
                    static_cast<int>(plan->candidates.size()) < std::max(tactics.max_candidates, 1);
         ++i) {
      if (results[i].state == CUBLAS_STATUS_SUCCESS &&
          results[i].workspaceSize <= static_cast<size_t>(d.max_workspace_bytes)) {
        plan->candidates.push_back(results[i]);
      }
    }
    if (plan->candidates.empty()) {
      if (fused == 0) {
        return Status::Unimplemented("cuBLASLt has no algorithm for " + d.ToString() + " within " +
                                     std::to_string(d.max_workspace_bytes) + " bytes of workspace");
      }
      runner->bias_ = DeviceWeights();
      continue;
    }
    runner->fused_steps_ = fused;
    runner->plan_ = std::move(plan);
    TFTRT_RETURN_IF_ERROR(runner->ChooseAlgorithm(handles, tactics));
    return runner;
  }
  return Status::Internal("unreachable: no epilogue prefix tried");
}

Status MatMulRunner::ChooseAlgorithm(const DnnHandles& handles, const TacticOptions& tactics) {
  const std::vector<cublasLtMatmulHeuristicResult_t>& candidates = plan_->candidates;
  std::vector<std::string> names;
  size_t most_workspace = 0;
  for (const cublasLtMatmulHeuristicResult_t& candidate : candidates) {
    names.push_back(AlgorithmName(candidate.algo));
    most_workspace = std::max(most_workspace, candidate.workspaceSize);
  }
  // Timing runs every candidate on scratch operands of the layer's shapes (constant operands
  // are the real ones).
  auto setup = [&]() -> StatusOr<CandidateLaunch> {
    const MatMulDescription& d = desc_;
    const size_t batch = static_cast<size_t>(Product(d.BatchDims()));
    const size_t element = DataTypeSize(d.dtype);
    const size_t a_bytes = static_cast<size_t>(Product(d.batch_dims_a)) * d.m * d.k * element;
    const size_t b_bytes = static_cast<size_t>(Product(d.batch_dims_b)) * d.k * d.n * element;
    const size_t d_bytes = batch * d.m * d.n * element;
    TFTRT_ASSIGN_OR_RETURN(auto scratch,
                           TimingOperands<5>({a_bytes, b_bytes, d_bytes, d_bytes, most_workspace},
                                             "matmul timing operands"));
    return CandidateLaunch([this, scratch, &handles](int index, cudaStream_t stream) {
      auto& [a, b, residual, out, workspace] = *scratch;
      const cublasLtMatmulHeuristicResult_t& candidate = plan_->candidates[index];
      return Execute(handles, stream, a.data(), b.data(), residual.data(), out.data(),
                     workspace.data(), candidate.algo, candidate.workspaceSize);
    });
  };
  const std::string signature =
      "cublasLt " + desc_.ToString() + " epilogue " +
      EpilogueToString({epilogue_.begin(), epilogue_.begin() + fused_steps_});
  TFTRT_ASSIGN_OR_RETURN(const int chosen, ChooseCandidate(tactics, signature, names, setup));
  plan_->algo = candidates[chosen].algo;
  algorithm_name_ = names[chosen];
  workspace_bytes_ = static_cast<int64_t>(candidates[chosen].workspaceSize);
  return Status::Ok();
}

Status MatMulRunner::Run(const DnnHandles& handles, cudaStream_t stream, const void* a,
                         const void* b, const void* residual, void* d, void* workspace) const {
  const void* a_data = constant_a_.data() != nullptr ? constant_a_.data() : a;
  const void* b_data = constant_b_.data() != nullptr ? constant_b_.data() : b;
  if (a_data == nullptr || b_data == nullptr || d == nullptr) {
    return Status::InvalidArgument("MatMulRunner::Run: a, b (unless constant) and d are needed");
  }
  const bool uses_residual = plan_->beta != 0.0f;
  if (uses_residual && residual == nullptr) {
    return Status::InvalidArgument("MatMulRunner::Run: the fused epilogue adds a residual");
  }
  if (workspace == nullptr && workspace_bytes_ > 0) {
    return Status::InvalidArgument("MatMulRunner::Run: needs " + std::to_string(workspace_bytes_) +
                                   " bytes of workspace");
  }
  return Execute(handles, stream, a_data, b_data, residual, d, workspace, plan_->algo,
                 static_cast<size_t>(workspace_bytes_));
}

Status MatMulRunner::Execute(const DnnHandles& handles, cudaStream_t stream, const void* a,
                             const void* b, const void* residual, void* d, void* workspace,
                             const cublasLtMatmulAlgo_t& algo, size_t workspace_bytes) const {
  const void* a_data = constant_a_.data() != nullptr ? constant_a_.data() : a;
  const void* b_data = constant_b_.data() != nullptr ? constant_b_.data() : b;
  const void* c = plan_->beta != 0.0f ? residual : d;
  TFTRT_CUDA_CHECK(cublasLtMatmul(handles.cublas_lt(), plan_->matmul.get(), &plan_->alpha, b_data,
                                  plan_->lt_a.get(), a_data, plan_->lt_b.get(), &plan_->beta, c,
                                  plan_->lt_cd.get(), d, plan_->lt_cd.get(), &algo, workspace,
                                  workspace_bytes, stream));
  return Status::Ok();
}

}  // namespace tftrt::cuda
