#include "backends/cuda/attention_runner.h"

#include <array>
#include <exception>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_frontend_check.h"
#include "backends/cuda/cudnn_plans.h"
#include "backends/cuda/device_memory.h"

namespace tftrt::cuda {
namespace {

namespace fe = cudnn_frontend;
using fe::graph::Tensor_attributes;

constexpr int64_t kUidQ = 1;
constexpr int64_t kUidK = 2;
constexpr int64_t kUidV = 3;
constexpr int64_t kUidBias = 4;
constexpr int64_t kUidOut = 5;

// Dims and strides of a [batch, positions, heads, head_dim] tensor as cuDNN's
// [batch, heads, positions, head_dim].
struct Layout {
  std::vector<int64_t> dims, strides;
};
Layout HeadsMajor(const AttentionDescription& d, int64_t positions) {
  return {{d.batch, d.heads, positions, d.head_dim},
          {positions * d.heads * d.head_dim, d.head_dim, d.heads * d.head_dim, 1}};
}

std::string Signature(const AttentionDescription& d) { return "cudnn sdpa " + d.ToString(); }

Status Validate(const AttentionDescription& d) {
  for (int64_t v : {d.batch, d.queries, d.keys, d.heads, d.head_dim}) {
    if (v <= 0)
      return Status::InvalidArgument("invalid attention (" + d.ToString() + "): sizes must be > 0");
  }
  if (d.has_bias && d.bias_rows != 1 && d.bias_rows != d.queries) {
    return Status::InvalidArgument("invalid attention (" + d.ToString() +
                                   "): the bias has 1 row or one per query");
  }
  if (d.head_dim % 8 != 0) {
    return Status::InvalidArgument("invalid attention (" + d.ToString() +
                                   "): head_dim must be a multiple of 8");
  }
  return Status::Ok();
}

// The graph of out = softmax(scale * q k^T [+ bias]) v and its candidate plans.
Status BuildPlan(cudnnHandle_t handle, const AttentionDescription& d, const TacticOptions& tactics,
                 std::shared_ptr<fe::graph::Graph>& graph_out, std::vector<int64_t>& candidates) {
  auto graph = std::make_shared<fe::graph::Graph>();
  graph->set_io_data_type(fe::DataType_t::HALF)
      .set_intermediate_data_type(fe::DataType_t::FLOAT)
      .set_compute_data_type(fe::DataType_t::FLOAT);
  auto tensor = [&](const char* name, int64_t uid, const Layout& layout) {
    return graph->tensor(Tensor_attributes()
                             .set_name(name)
                             .set_uid(uid)
                             .set_dim(layout.dims)
                             .set_stride(layout.strides)
                             .set_data_type(fe::DataType_t::HALF));
  };
  const Layout queries = HeadsMajor(d, d.queries), keys = HeadsMajor(d, d.keys);
  auto q = tensor("q", kUidQ, queries);
  auto k = tensor("k", kUidK, keys);
  auto v = tensor("v", kUidV, keys);
  auto attributes = fe::graph::SDPA_attributes()
                        .set_name("attention")
                        .set_generate_stats(false)
                        .set_attn_scale(d.scale);
  if (d.has_bias) {
    attributes.set_bias(
        graph->tensor(Tensor_attributes()
                          .set_name("bias")
                          .set_uid(kUidBias)
                          .set_dim({d.batch, 1, d.bias_rows, d.keys})
                          .set_stride({d.bias_rows * d.keys, d.bias_rows * d.keys, d.keys, 1})
                          .set_data_type(fe::DataType_t::FLOAT)));
  }
  auto [out, stats] = graph->sdpa(q, k, v, std::move(attributes));
  (void)stats;  // not generated: inference
  out->set_output(true)
      .set_name("out")
      .set_uid(kUidOut)
      .set_dim(queries.dims)
      .set_stride(queries.strides)
      .set_data_type(fe::DataType_t::HALF);

  TFTRT_CUDA_CHECK(graph->validate());
  TFTRT_CUDA_CHECK(graph->build_operation_graph(handle));
  TFTRT_CUDA_CHECK(graph->create_execution_plans({fe::HeurMode_t::A, fe::HeurMode_t::FALLBACK}));
  TFTRT_RETURN_IF_ERROR(BuildCandidatePlans(handle, *graph, tactics, Signature(d), candidates));
  graph_out = std::move(graph);
  return Status::Ok();
}

}  // namespace

std::string AttentionDescription::ToString() const {
  return "q[" + std::to_string(batch) + "," + std::to_string(queries) + "," +
         std::to_string(heads) + "," + std::to_string(head_dim) + "] k,v[" + std::to_string(batch) +
         "," + std::to_string(keys) + "," + std::to_string(heads) + "," + std::to_string(head_dim) +
         "] scale " + std::to_string(scale) +
         (has_bias ? " with bias of " + std::to_string(bias_rows) + " rows" : "") + " float16";
}

struct AttentionRunner::Plan {
  std::shared_ptr<fe::graph::Graph> graph;
  std::vector<int64_t> candidates;  // built plan indices, heuristics order
  int64_t plan_index = -1;          // the one Run executes
};

AttentionRunner::AttentionRunner() = default;
AttentionRunner::~AttentionRunner() = default;

StatusOr<std::unique_ptr<AttentionRunner>> AttentionRunner::Create(const DnnHandles& handles,
                                                                   const AttentionDescription& desc,
                                                                   const TacticOptions& tactics) {
  TFTRT_RETURN_IF_ERROR(Validate(desc));
  std::unique_ptr<AttentionRunner> runner(new AttentionRunner());
  runner->desc_ = desc;
  auto plan = std::make_unique<Plan>();
  Status built;
  try {
    built = BuildPlan(handles.cudnn(), desc, tactics, plan->graph, plan->candidates);
  } catch (const std::exception& e) {
    built = Status::Internal(std::string("cudnn-frontend threw: ") + e.what());
  }
  TFTRT_RETURN_IF_ERROR(
      built.WithContext("while building cuDNN's fused attention for " + desc.ToString()));
  runner->plan_ = std::move(plan);
  TFTRT_RETURN_IF_ERROR(runner->ChoosePlan(handles, tactics));
  return runner;
}

Status AttentionRunner::ChoosePlan(const DnnHandles& handles, const TacticOptions& tactics) {
  TFTRT_ASSIGN_OR_RETURN(CandidatePlans plans,
                         DescribeCandidates(*plan_->graph, plan_->candidates));
  // Timing runs every candidate on scratch operands of the layer's shapes.
  auto setup = [&, most_workspace = plans.most_workspace]() -> StatusOr<CandidateLaunch> {
    const AttentionDescription& d = desc_;
    const size_t q_bytes = d.batch * d.queries * d.heads * d.head_dim * sizeof(uint16_t);
    const size_t kv_bytes = d.batch * d.keys * d.heads * d.head_dim * sizeof(uint16_t);
    const size_t bias_bytes = d.has_bias ? d.batch * d.bias_rows * d.keys * sizeof(float) : 0;
    TFTRT_ASSIGN_OR_RETURN(auto scratch,
                           TimingOperands<6>({q_bytes, kv_bytes, kv_bytes, bias_bytes, q_bytes,
                                              static_cast<size_t>(most_workspace)},
                                             "attention timing operands"));
    return CandidateLaunch([this, scratch, &handles](int index, cudaStream_t stream) {
      auto& [q, k, v, bias, out, workspace] = *scratch;
      return Execute(handles, stream, q.data(), k.data(), v.data(),
                     static_cast<const float*>(bias.data()), out.data(), workspace.data(),
                     plan_->candidates[index]);
    });
  };
  TFTRT_ASSIGN_OR_RETURN(const int chosen,
                         ChooseCandidate(tactics, Signature(desc_), plans.names, setup));
  plan_->plan_index = plan_->candidates[chosen];
  plan_name_ = plans.names[chosen];
  TFTRT_CUDA_CHECK(
      plan_->graph->get_workspace_size_plan_at_index(plan_->plan_index, workspace_bytes_));
  return Status::Ok();
}

Status AttentionRunner::Run(const DnnHandles& handles, cudaStream_t stream, const void* q,
                            const void* k, const void* v, const float* bias, void* out,
                            void* workspace) const {
  if (q == nullptr || k == nullptr || v == nullptr || out == nullptr ||
      (desc_.has_bias && bias == nullptr)) {
    return Status::InvalidArgument(
        "AttentionRunner::Run: q, k, v, out (and the bias) must not be null");
  }
  if (workspace == nullptr && workspace_bytes_ > 0) {
    return Status::InvalidArgument("AttentionRunner::Run: needs " +
                                   std::to_string(workspace_bytes_) + " bytes of workspace");
  }
  return Execute(handles, stream, q, k, v, bias, out, workspace, plan_->plan_index);
}

Status AttentionRunner::Execute(const DnnHandles& handles, cudaStream_t stream, const void* q,
                                const void* k, const void* v, const float* bias, void* out,
                                void* workspace, int64_t plan_index) const {
  std::unordered_map<int64_t, void*> pointers = {{kUidQ, const_cast<void*>(q)},
                                                 {kUidK, const_cast<void*>(k)},
                                                 {kUidV, const_cast<void*>(v)},
                                                 {kUidOut, out}};
  if (desc_.has_bias) pointers[kUidBias] = const_cast<float*>(bias);
  TFTRT_CUDA_CHECK(cudnnSetStream(handles.cudnn(), stream));
  try {
    TFTRT_CUDA_CHECK(
        plan_->graph->execute_plan_at_index(handles.cudnn(), pointers, workspace, plan_index));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cudnn-frontend threw while executing: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace tftrt::cuda
