// AttentionRunner: scaled dot-product attention as one fused cuDNN operation (cuDNN 9's
// graph API, cudnn-frontend's sdpa): the engine-only _TftrtAttention of
// engine/attention_folding.h, whose math kernels/cpu/attention.h defines. The scores never
// reach memory.
//
// Layouts are Keras MultiHeadAttention's: q and out [batch, queries, heads, head_dim], k and
// v [batch, keys, heads, head_dim], float16, dense (out always) or with qkv_stride elements
// from one position to the next (slices of a packed [batch, positions, 3, heads, head_dim]:
// engine/qkv_packing.h); the optional bias (attention_bias.h) is
// float32 [batch, 1, queries, keys], added to the scaled scores. Inference only: no dropout,
// no softmax statistics.
//
// Runners of equal descriptions share one built plan (shared_plans.h).
//
// Thread safety: immutable after Create; Run may be called from several threads at once,
// each with its own DnnHandles of the device the runner was created on.
#ifndef TFTRT_BACKENDS_CUDA_ATTENTION_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_ATTENTION_RUNNER_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <string>

#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/tactics.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

struct AttentionDescription {
  int64_t batch = 0, queries = 0, keys = 0, heads = 0, head_dim = 0;
  float scale = 1.0f;
  bool has_bias = false;
  // The bias is [batch, 1, bias_rows, keys]: one row per query (bias_rows = queries), or
  // one row for every query (1: a padding mask's, 64x less to write and read at BERT's 128).
  int64_t bias_rows = 0;
  // Elements from one position of q, k and v to the next; 0: heads * head_dim (dense).
  int64_t qkv_stride = 0;

  std::string ToString() const;
};

class AttentionRunner {
 public:
  // InvalidArgument for a bad description; Unimplemented when cuDNN builds no plan for it.
  static StatusOr<std::unique_ptr<AttentionRunner>> Create(const DnnHandles& handles,
                                                           const AttentionDescription& desc,
                                                           const TacticOptions& tactics);
  ~AttentionRunner();
  AttentionRunner(const AttentionRunner&) = delete;
  AttentionRunner& operator=(const AttentionRunner&) = delete;

  // Enqueues out = attention(q, k, v[, bias]) on `stream`; `bias` is used only when the
  // description has one, `workspace` needs workspace_bytes().
  Status Run(const DnnHandles& handles, cudaStream_t stream, const void* q, const void* k,
             const void* v, const float* bias, void* out, void* workspace) const;

  const AttentionDescription& description() const { return desc_; }
  int64_t workspace_bytes() const;
  const std::string& plan_name() const;
  // Whether this runner and `other` run one shared plan (for tests).
  bool SharesPlanWith(const AttentionRunner& other) const { return plan_ == other.plan_; }

 private:
  struct Plan;  // the cudnn-frontend graph and its chosen execution plan (in the .cc)
  struct Operands {
    const void *q, *k, *v;
    const float* bias;
    void *out, *workspace;
  };
  AttentionRunner();
  // Builds the graph's candidate plans and keeps the one ChooseCandidate picks.
  static StatusOr<std::shared_ptr<const Plan>> BuildChosenPlan(const DnnHandles& handles,
                                                               const AttentionDescription& desc,
                                                               const TacticOptions& tactics);
  // Runs execution plan `plan_index` of plan.graph (timing runs each candidate).
  static Status Execute(const Plan& plan, const AttentionDescription& desc,
                        const DnnHandles& handles, cudaStream_t stream, const Operands& operands,
                        int64_t plan_index);

  AttentionDescription desc_;
  std::shared_ptr<const Plan> plan_;  // shared with runners of equal descriptions
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_ATTENTION_RUNNER_H_
