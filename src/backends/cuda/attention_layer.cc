// The engine-only _TftrtAttention (engine/attention_folding.h) on cuDNN's fused attention
// (attention_runner.h), q, k and v as three tensors or slices of a packed one
// (engine/qkv_packing.h); a boolean mask becomes the runner's float32 bias first
// (kernels/attention_bias.h), in the front of the layer's workspace: one row for all
// queries where the mask is the same for each (a padding mask) and cuDNN takes such a
// bias, else a row per query.
#include <algorithm>

#include "backends/cuda/attention_runner.h"
#include "backends/cuda/kernels/attention_bias.h"
#include "backends/cuda/layer_runner.h"
#include "kernels/cpu/attention.h"

namespace tftrt::cuda {
namespace {

// Workspace offsets stay aligned for the runner.
constexpr size_t kWorkspaceAlignment = 256;

class AttentionLayerRunner : public LayerRunner {
 public:
  // inputs: q, k, v[, mask], or qkv[, mask] where `packed`.
  AttentionLayerRunner(std::unique_ptr<AttentionRunner> runner, std::vector<DeviceOperand> inputs,
                       bool packed, std::array<int64_t, 3> mask_strides, float mask_value, int out)
      : runner_(std::move(runner)),
        inputs_(std::move(inputs)),
        packed_(packed),
        mask_strides_(mask_strides),
        mask_value_(mask_value),
        out_(out) {}

  size_t bias_bytes() const {
    const AttentionDescription& d = runner_->description();
    if (!d.has_bias) return 0;
    const size_t bytes = d.batch * d.bias_rows * d.keys * sizeof(float);
    return (bytes + kWorkspaceAlignment - 1) / kWorkspaceAlignment * kWorkspaceAlignment;
  }
  size_t workspace_bytes() const override { return bias_bytes() + runner_->workspace_bytes(); }

  Status Enqueue(const RunBuffers& b) const override {
    char* workspace = static_cast<char*>(b.workspace());
    float* bias = nullptr;
    const AttentionDescription& d = runner_->description();
    if (d.has_bias) {
      bias = reinterpret_cast<float*>(workspace);
      TFTRT_RETURN_IF_ERROR(AttentionBias(static_cast<const bool*>(b.operand(inputs_.back())),
                                          mask_strides_, d.batch, d.bias_rows, d.keys, mask_value_,
                                          bias, b.stream()));
    }
    std::array<const void*, 3> qkv;
    for (int i = 0; i < 3; ++i) {
      // Packed: q, k and v are heads * head_dim halves apart in each position.
      qkv[i] = packed_ ? static_cast<const char*>(b.operand(inputs_[0])) +
                             i * d.heads * d.head_dim * sizeof(uint16_t)
                       : b.operand(inputs_[i]);
    }
    return runner_->Run(b.handles(), b.stream(), qkv[0], qkv[1], qkv[2], bias, b.tensor(out_),
                        workspace + bias_bytes());
  }

 private:
  std::unique_ptr<AttentionRunner> runner_;
  std::vector<DeviceOperand> inputs_;  // q, k, v[, mask] or qkv[, mask]
  bool packed_;
  std::array<int64_t, 3> mask_strides_;
  float mask_value_;
  int out_;
};

// The strides (batch, query, key) that read `mask` as [batch, 1, queries, keys]; the
// folding guarantees one value per head (attention_folding.h).
StatusOr<std::array<int64_t, 3>> MaskStrides(const Shape& mask,
                                             const std::array<int64_t, 4>& scores) {
  std::optional<std::array<int64_t, 4>> strides = AttentionMaskStrides(mask, scores);
  if (!strides.has_value() || (*strides)[1] != 0) {
    return Status::InvalidArgument("the attention mask " + ShapeToString(mask) +
                                   " does not broadcast to one value per head");
  }
  return std::array<int64_t, 3>{(*strides)[0], (*strides)[2], (*strides)[3]};
}

float FloatAttr(const EngineLayer& layer, const char* name, float fallback) {
  auto it = layer.attr().find(name);
  return it == layer.attr().end() ? fallback : it->second.f();
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakeAttentionRunner(const LayerSpec& spec) {
  const std::string& op = spec.layer.op();
  const bool packed = !spec.inputs.empty() && spec.inputs.size() <= 2 &&
                      spec.input_shape(0).size() == 5 && spec.input_shape(0)[2] == 3;
  if (!packed && spec.inputs.size() != 3 && spec.inputs.size() != 4) {
    return Status::InvalidArgument(op + " takes q, k, v (or qkv) and an optional mask");
  }
  const int tensors = packed ? 1 : 3;
  for (int i = 0; i < tensors; ++i) {
    if (spec.inputs[i].dtype != DType::kFloat16) {
      return Status::Unimplemented(op + ": cuDNN's fused attention runs float16 only");
    }
  }
  AttentionDescription desc;
  if (packed) {
    const Shape& qkv = spec.input_shape(0);  // [b, s, 3, n, h]
    desc = {.batch = qkv[0],
            .queries = qkv[1],
            .keys = qkv[1],
            .heads = qkv[3],
            .head_dim = qkv[4],
            .qkv_stride = 3 * qkv[3] * qkv[4]};
  } else {
    const Shape& q = spec.input_shape(0);
    const Shape& k = spec.input_shape(1);
    if (q.size() != 4 || k.size() != 4 || spec.input_shape(2) != k) {
      return Status::InvalidArgument(op + " needs q [b, t, n, h] and k, v [b, s, n, h]");
    }
    desc = {.batch = q[0], .queries = q[1], .keys = k[1], .heads = q[2], .head_dim = q[3]};
  }
  desc.scale = FloatAttr(spec.layer, "scale", 1.0f);
  desc.has_bias = spec.inputs.size() == static_cast<size_t>(tensors) + 1;
  desc.bias_rows = desc.queries;
  std::array<int64_t, 3> mask_strides = {0, 0, 0};
  StatusOr<std::unique_ptr<AttentionRunner>> runner = Status::Unimplemented("not built");
  if (desc.has_bias) {
    TFTRT_ASSIGN_OR_RETURN(
        mask_strides,
        MaskStrides(spec.input_shape(tensors), {desc.batch, desc.heads, desc.queries, desc.keys}));
    if (mask_strides[1] == 0) {  // the same mask row for every query
      AttentionDescription one_row = desc;
      one_row.bias_rows = 1;
      runner = AttentionRunner::Create(spec.handles, one_row, spec.tactics);
    }
  }
  if (!runner.ok()) runner = AttentionRunner::Create(spec.handles, desc, spec.tactics);
  TFTRT_RETURN_IF_ERROR(runner.status());
  // cuDNN scales the biased scores by log2(e) for exp2: Keras' mask value (float32's lowest
  // / 1.43) would overflow to -inf there, and a fully masked row become NaN instead of TF's
  // uniform average. Any value at or below -1e30 gives the same softmax (exp underflows to 0
  // beside an unmasked score; a fully masked row is uniform), so the bias stops there.
  const float mask_value = std::max(FloatAttr(spec.layer, "mask_value", 0.0f), -1e30f);
  std::unique_ptr<LayerRunner> main(new AttentionLayerRunner(
      std::move(*runner), spec.inputs, packed, mask_strides, mask_value, spec.outputs[0]));
  return WithEpilogue(std::move(main), spec, 0);
}

}  // namespace tftrt::cuda
