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
#include "backends/cuda/shared_plans.h"

namespace tftrt::cuda {
namespace {

namespace fe = cudnn_frontend;
using fe::graph::Tensor_attributes;

constexpr int64_t kUidQ = 1;
constexpr int64_t kUidK = 2;
constexpr int64_t kUidV = 3;
constexpr int64_t kUidBias = 4;
constexpr int64_t kUidOut = 5;

// Dims and strides of a [batch, positions, heads, head_dim] tensor whose positions are
// `row` elements apart, as cuDNN's [batch, heads, positions, head_dim].
struct Layout {
  std::vector<int64_t> dims, strides;
};
Layout HeadsMajor(const AttentionDescription& d, int64_t positions, int64_t row) {
  return {{d.batch, d.heads, positions, d.head_dim}, {positions * row, d.head_dim, row, 1}};
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
  const int64_t dense_row = d.heads * d.head_dim;
  const int64_t row = d.qkv_stride > 0 ? d.qkv_stride : dense_row;
  const Layout queries = HeadsMajor(d, d.queries, row), keys = HeadsMajor(d, d.keys, row);
  const Layout out_layout = HeadsMajor(d, d.queries, dense_row);
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
      .set_dim(out_layout.dims)
      .set_stride(out_layout.strides)
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
         (has_bias ? " with bias of " + std::to_string(bias_rows) + " rows" : "") +
         (qkv_stride > 0 ? " positions " + std::to_string(qkv_stride) + " apart" : "") + " float16";
}

struct AttentionRunner::Plan {
  std::shared_ptr<fe::graph::Graph> graph;
  int64_t plan_index = -1;  // the execution plan Run executes
  std::string plan_name;
  int64_t workspace_bytes = 0;
};

AttentionRunner::AttentionRunner() = default;
AttentionRunner::~AttentionRunner() = default;

StatusOr<std::unique_ptr<AttentionRunner>> AttentionRunner::Create(const DnnHandles& handles,
                                                                   const AttentionDescription& desc,
                                                                   const TacticOptions& tactics) {
  TFTRT_RETURN_IF_ERROR(Validate(desc));
  std::unique_ptr<AttentionRunner> runner(new AttentionRunner());
  runner->desc_ = desc;
  static SharedPlans<Plan>* const shared_plans = new SharedPlans<Plan>();
  const std::string signature = Signature(desc);
  bool built_here = false;
  TFTRT_ASSIGN_OR_RETURN(runner->plan_,
                         shared_plans->GetOrBuild(tactics.CacheKey(signature) + " workspace <= " +
                                                      std::to_string(tactics.max_workspace_bytes),
                                                  [&]() -> StatusOr<std::shared_ptr<const Plan>> {
                                                    built_here = true;
                                                    return BuildChosenPlan(handles, desc, tactics);
                                                  }));
  if (!built_here) {
    // Recorded as a choice of this engine where the builder's choice was (tactics.h).
    auto no_timing = []() -> StatusOr<CandidateLaunch> {
      return Status::Internal("one candidate: nothing to time");
    };
    TFTRT_RETURN_IF_ERROR(
        ChooseCandidate(tactics, signature, {runner->plan_->plan_name}, no_timing).status());
  }
  return runner;
}

StatusOr<std::shared_ptr<const AttentionRunner::Plan>> AttentionRunner::BuildChosenPlan(
    const DnnHandles& handles, const AttentionDescription& desc, const TacticOptions& tactics) {
  auto plan = std::make_shared<Plan>();
  std::vector<int64_t> candidates;  // built plan indices, heuristics order
  Status built;
  try {
    built = BuildPlan(handles.cudnn(), desc, tactics, plan->graph, candidates);
  } catch (const std::exception& e) {
    built = Status::Internal(std::string("cudnn-frontend threw: ") + e.what());
  }
  TFTRT_RETURN_IF_ERROR(
      built.WithContext("while building cuDNN's fused attention for " + desc.ToString()));
  TFTRT_ASSIGN_OR_RETURN(CandidatePlans plans, DescribeCandidates(*plan->graph, candidates));
  // Timing runs every candidate on scratch operands of the layer's shapes.
  auto setup = [&, most_workspace = plans.most_workspace]() -> StatusOr<CandidateLaunch> {
    const AttentionDescription& d = desc;
    const int64_t dense_row = d.heads * d.head_dim;
    const int64_t row = d.qkv_stride > 0 ? d.qkv_stride : dense_row;
    const size_t q_bytes = d.batch * d.queries * row * sizeof(uint16_t);
    const size_t kv_bytes = d.batch * d.keys * row * sizeof(uint16_t);
    const size_t out_bytes = d.batch * d.queries * dense_row * sizeof(uint16_t);
    const size_t bias_bytes = d.has_bias ? d.batch * d.bias_rows * d.keys * sizeof(float) : 0;
    TFTRT_ASSIGN_OR_RETURN(auto scratch,
                           TimingOperands<6>({q_bytes, kv_bytes, kv_bytes, bias_bytes, out_bytes,
                                              static_cast<size_t>(most_workspace)},
                                             "attention timing operands"));
    return CandidateLaunch(
        [&plan, &candidates, &desc, scratch, &handles](int index, cudaStream_t stream) {
          auto& [q, k, v, bias, out, workspace] = *scratch;
          return Execute(*plan, desc, handles, stream,
                         {q.data(), k.data(), v.data(), static_cast<const float*>(bias.data()),
                          out.data(), workspace.data()},
                         candidates[index]);
        });
  };
  TFTRT_ASSIGN_OR_RETURN(const int chosen,
                         ChooseCandidate(tactics, Signature(desc), plans.names, setup));
  plan->plan_index = candidates[chosen];
  plan->plan_name = plans.names[chosen];
  TFTRT_CUDA_CHECK(
      plan->graph->get_workspace_size_plan_at_index(plan->plan_index, plan->workspace_bytes));
  return std::shared_ptr<const Plan>(std::move(plan));
}

int64_t AttentionRunner::workspace_bytes() const { return plan_->workspace_bytes; }
const std::string& AttentionRunner::plan_name() const { return plan_->plan_name; }

Status AttentionRunner::Run(const DnnHandles& handles, cudaStream_t stream, const void* q,
                            const void* k, const void* v, const float* bias, void* out,
                            void* workspace) const {
  if (q == nullptr || k == nullptr || v == nullptr || out == nullptr ||
      (desc_.has_bias && bias == nullptr)) {
    return Status::InvalidArgument(
        "AttentionRunner::Run: q, k, v, out (and the bias) must not be null");
  }
  if (workspace == nullptr && plan_->workspace_bytes > 0) {
    return Status::InvalidArgument("AttentionRunner::Run: needs " +
                                   std::to_string(plan_->workspace_bytes) + " bytes of workspace");
  }
  return Execute(*plan_, desc_, handles, stream, {q, k, v, bias, out, workspace},
                 plan_->plan_index);
}

Status AttentionRunner::Execute(const Plan& plan, const AttentionDescription& desc,
                                const DnnHandles& handles, cudaStream_t stream,
                                const Operands& operands, int64_t plan_index) {
  std::unordered_map<int64_t, void*> pointers = {{kUidQ, const_cast<void*>(operands.q)},
                                                 {kUidK, const_cast<void*>(operands.k)},
                                                 {kUidV, const_cast<void*>(operands.v)},
                                                 {kUidOut, operands.out}};
  if (desc.has_bias) pointers[kUidBias] = const_cast<float*>(operands.bias);
  TFTRT_CUDA_CHECK(cudnnSetStream(handles.cudnn(), stream));
  try {
    TFTRT_CUDA_CHECK(plan.graph->execute_plan_at_index(handles.cudnn(), pointers,
                                                       operands.workspace, plan_index));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cudnn-frontend threw while executing: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace tftrt::cuda
