// MatMul + bias + TF's exact GELU as one CUTLASS Hopper kernel (sm90a/gelu_matmul.h), a
// candidate timed against cuBLASLt's matmul with its bias followed by the elementwise GELU
// pass (layer_choice.h); the rest of the epilogue, if any, runs after either.
#include "backends/cuda/device_weights.h"
#include "backends/cuda/layer_choice.h"
#include "backends/cuda/layer_runner.h"
#include "backends/cuda/shared_weights.h"
#include "backends/cuda/sm90a/gelu_matmul.h"

namespace tftrt::cuda {
namespace {

class GeluMatMulRunner : public LayerRunner {
 public:
  GeluMatMulRunner(int config, GeluMatMulShape shape, DeviceOperand a, DeviceOperand b,
                   std::shared_ptr<const DeviceWeights> bias, size_t workspace_bytes, int out)
      : config_(config),
        shape_(shape),
        a_(std::move(a)),
        b_(std::move(b)),
        bias_(std::move(bias)),
        workspace_bytes_(workspace_bytes),
        out_(out) {}
  size_t workspace_bytes() const override { return workspace_bytes_; }
  Status Enqueue(const RunBuffers& buffers) const override {
    return GeluMatMul(config_, shape_, buffers.operand(a_), buffers.operand(b_),
                      static_cast<const float*>(bias_->data()), buffers.tensor(out_),
                      workspace_bytes_ > 0 ? buffers.workspace() : nullptr, buffers.stream());
  }

 private:
  int config_;
  GeluMatMulShape shape_;
  DeviceOperand a_, b_;
  std::shared_ptr<const DeviceWeights> bias_;  // one upload for every candidate
  size_t workspace_bytes_;
  int out_;
};

// The shape when `spec` is an fp16 MatMul of a tensor [M, K] by a constant [K, N] (no
// transposes) whose epilogue starts with a bias and the exact GELU; nullopt otherwise.
std::optional<GeluMatMulShape> GeluMatMulShapeOf(const LayerSpec& spec,
                                                 const std::vector<EpilogueStep>& steps) {
  const MatMulParams& p = spec.layer.matmul();
  if (spec.layer.op() != "MatMul" || p.transpose_a() || p.transpose_b() ||
      spec.inputs.size() != 2 || spec.inputs[0].is_constant() || !spec.inputs[1].is_constant() ||
      spec.output().dtype != DType::kFloat16 || spec.inputs[0].dtype != DType::kFloat16 ||
      spec.inputs[1].dtype != DType::kFloat16 || steps.size() < 2 ||
      steps[0].op != EpilogueOp::kBiasAdd || steps[1].op != EpilogueOp::kGeluExact) {
    return std::nullopt;
  }
  const Shape& a = spec.inputs[0].shape;
  const Shape& b = spec.inputs[1].shape;
  if (a.size() != 2 || b.size() != 2 || a[1] != b[0]) return std::nullopt;
  const GeluMatMulShape shape{.m = a[0], .n = b[1], .k = a[1]};
  if (!GeluMatMulSupports(shape)) return std::nullopt;
  return shape;
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> WithGeluMatMulCandidates(
    const LayerSpec& spec, const std::vector<EpilogueStep>& steps,
    std::unique_ptr<LayerRunner> library) {
  const std::optional<GeluMatMulShape> shape = GeluMatMulShapeOf(spec, steps);
  if (!shape.has_value() || !spec.tactics.timed()) return library;
  std::vector<std::unique_ptr<LayerRunner>> candidates;
  std::vector<std::string> names = {"cublasLt matmul + bias, elementwise gelu"};
  candidates.push_back(std::move(library));
  TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<const DeviceWeights> bias,
                         UploadSharedAs(steps[0].values, DataType::kFloat));
  for (int config = 0; config < GeluMatMulConfigs(); ++config) {
    StatusOr<size_t> workspace = GeluMatMulWorkspaceBytes(config, *shape);
    if (!workspace.ok() || static_cast<int64_t>(*workspace) > spec.tactics.max_workspace_bytes) {
      continue;
    }
    std::unique_ptr<LayerRunner> fused(new GeluMatMulRunner(
        config, *shape, spec.inputs[0], spec.inputs[1], bias, *workspace, spec.outputs[0]));
    TFTRT_ASSIGN_OR_RETURN(fused, WithEpilogue(std::move(fused), spec, 2));
    candidates.push_back(std::move(fused));
    names.push_back(GeluMatMulConfigName(config));
  }
  const std::string signature = "gelu matmul m " + std::to_string(shape->m) + " n " +
                                std::to_string(shape->n) + " k " + std::to_string(shape->k) +
                                " epilogue " + EpilogueToString(steps);
  return FastestLayerRunner(spec, std::move(candidates), names, signature);
}

}  // namespace tftrt::cuda
