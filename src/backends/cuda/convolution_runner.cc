#include "backends/cuda/convolution_runner.h"

#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_frontend_check.h"
#include "backends/cuda/cudnn_plans.h"
#include "backends/cuda/device_memory.h"
#include "backends/cuda/shared_weights.h"

namespace tftrt::cuda {
namespace {

namespace fe = cudnn_frontend;
using fe::graph::Tensor_attributes;

// The uids of the graph's non-virtual tensors. Bias / scale vectors of epilogue step i get
// kUidFirstVector + i.
constexpr int64_t kUidX = 1;
constexpr int64_t kUidW = 2;
constexpr int64_t kUidY = 3;
constexpr int64_t kUidResidual = 4;
constexpr int64_t kUidFirstVector = 16;
// Variant pack entries at most: x, w, y, residual and one vector per step.
constexpr int kMaxSlots = 4 + kMaxEpilogueSteps;

std::string Dims(int64_t a, int64_t b, int64_t c, int64_t d) {
  return "[" + std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(c) + "," +
         std::to_string(d) + "]";
}

const char* KindName(ConvolutionKind kind) {
  switch (kind) {
    case ConvolutionKind::kConv2D:
      return "Conv2D";
    case ConvolutionKind::kDepthwise:
      return "DepthwiseConv2dNative";
    case ConvolutionKind::kTransposed:
      return "Conv2DBackpropInput";
  }
  return "unknown";
}

// cuDNN describes tensors by logical NCHW dims; NHWC memory has these strides.
std::vector<int64_t> NhwcStrides(int64_t c, int64_t h, int64_t w) {
  return {c * h * w, 1, w * c, c};
}

// The forward convolution's output size along one dimension (floor, as cuDNN and TF).
int64_t ForwardOutputSize(int64_t in, int64_t kernel, int64_t pad_before, int64_t pad_after,
                          int64_t stride, int64_t dilation) {
  const int64_t effective_kernel = (kernel - 1) * dilation + 1;
  const int64_t padded = in + pad_before + pad_after;
  if (padded < effective_kernel) return -1;
  return (padded - effective_kernel) / stride + 1;
}

// The filter's TF shape that `desc` needs.
Shape ExpectedFilterShape(const ConvolutionDescription& d) {
  switch (d.kind) {
    case ConvolutionKind::kConv2D:
      return {d.kernel_rows, d.kernel_cols, d.groups > 0 ? d.input_channels / d.groups : 0,
              d.output_channels};
    case ConvolutionKind::kDepthwise:
      return {d.kernel_rows, d.kernel_cols, d.input_channels,
              d.input_channels > 0 ? d.output_channels / d.input_channels : 0};
    case ConvolutionKind::kTransposed:
      return {d.kernel_rows, d.kernel_cols, d.output_channels, d.input_channels};
  }
  return {};
}

// The filter in cuDNN's KRSC layout: dims [K', C', R, S] of the forward convolution (for
// kTransposed K' = the runner's input channels, C' = its output channels). Every TF layout
// here is HWIO with I = C' and O = K' (a depthwise [R, S, C, M] filter is the HWIO filter
// [R, S, 1, C * M] in the same memory), so one transposition serves all kinds.
std::vector<float> FilterToKrsc(const std::vector<float>& hwio, int64_t r_count, int64_t s_count,
                                int64_t i_count, int64_t o_count) {
  std::vector<float> krsc(hwio.size());
  for (int64_t r = 0; r < r_count; ++r) {
    for (int64_t s = 0; s < s_count; ++s) {
      for (int64_t i = 0; i < i_count; ++i) {
        const float* src = &hwio[((r * s_count + s) * i_count + i) * o_count];
        for (int64_t o = 0; o < o_count; ++o) {
          krsc[((o * r_count + r) * s_count + s) * i_count + i] = src[o];
        }
      }
    }
  }
  return krsc;
}

// The forward convolution's filter dims [K', C'] (see FilterToKrsc).
std::pair<int64_t, int64_t> ForwardFilterChannels(const ConvolutionDescription& d) {
  if (d.kind == ConvolutionKind::kTransposed) return {d.input_channels, d.output_channels};
  return {d.output_channels, d.input_channels / d.groups};
}

// Adds epilogue step `index` after `y` to the graph; returns its output.
std::shared_ptr<Tensor_attributes> AddStep(fe::graph::Graph& graph,
                                           std::shared_ptr<Tensor_attributes> y,
                                           const ConvolutionDescription& d,
                                           const EpilogueStep& step, int index,
                                           fe::DataType_t io_type) {
  const int64_t k = d.output_channels;
  auto attrs = fe::graph::Pointwise_attributes()
                   .set_name("epilogue" + std::to_string(index))
                   .set_compute_data_type(fe::DataType_t::FLOAT);
  auto channel_vector = [&] {
    return graph.tensor(Tensor_attributes()
                            .set_name("vector" + std::to_string(index))
                            .set_uid(kUidFirstVector + index)
                            .set_dim({1, k, 1, 1})
                            .set_stride({k, 1, k, k})
                            .set_data_type(io_type));
  };
  switch (step.op) {
    case EpilogueOp::kBiasAdd:
      return graph.pointwise(y, channel_vector(), attrs.set_mode(fe::PointwiseMode_t::ADD));
    case EpilogueOp::kChannelScale:
      return graph.pointwise(y, channel_vector(), attrs.set_mode(fe::PointwiseMode_t::MUL));
    case EpilogueOp::kResidualAdd: {
      auto residual = graph.tensor(Tensor_attributes()
                                       .set_name("residual")
                                       .set_uid(kUidResidual)
                                       .set_dim({d.batch, k, d.output_rows, d.output_cols})
                                       .set_stride(NhwcStrides(k, d.output_rows, d.output_cols))
                                       .set_data_type(io_type));
      return graph.pointwise(y, residual, attrs.set_mode(fe::PointwiseMode_t::ADD));
    }
    case EpilogueOp::kRelu:
      return graph.pointwise(y, attrs.set_mode(fe::PointwiseMode_t::RELU_FWD));
    case EpilogueOp::kRelu6:
      return graph.pointwise(y, attrs.set_mode(fe::PointwiseMode_t::RELU_FWD)
                                    .set_relu_lower_clip(0.0f)
                                    .set_relu_upper_clip(6.0f));
    case EpilogueOp::kLeakyRelu:
      return graph.pointwise(
          y, attrs.set_mode(fe::PointwiseMode_t::RELU_FWD).set_relu_lower_clip_slope(step.alpha));
    case EpilogueOp::kSigmoid:
      return graph.pointwise(y, attrs.set_mode(fe::PointwiseMode_t::SIGMOID_FWD));
    case EpilogueOp::kTanh:
      return graph.pointwise(y, attrs.set_mode(fe::PointwiseMode_t::TANH_FWD));
    case EpilogueOp::kElu:
      return graph.pointwise(
          y, attrs.set_mode(fe::PointwiseMode_t::ELU_FWD).set_elu_alpha(step.alpha));
    case EpilogueOp::kGeluExact:
      return graph.pointwise(y, attrs.set_mode(fe::PointwiseMode_t::GELU_FWD));
    case EpilogueOp::kGeluTanh:
      return graph.pointwise(y, attrs.set_mode(fe::PointwiseMode_t::GELU_APPROX_TANH_FWD));
  }
  return nullptr;
}

}  // namespace

std::string ConvolutionDescription::ToString() const {
  return std::string(KindName(kind)) + " x" + Dims(batch, input_rows, input_cols, input_channels) +
         " -> y" + Dims(batch, output_rows, output_cols, output_channels) + " kernel " +
         std::to_string(kernel_rows) + "x" + std::to_string(kernel_cols) + " pads (top " +
         std::to_string(pad_top) + ", bottom " + std::to_string(pad_bottom) + ", left " +
         std::to_string(pad_left) + ", right " + std::to_string(pad_right) + ") strides " +
         std::to_string(stride_rows) + "x" + std::to_string(stride_cols) + " dilations " +
         std::to_string(dilation_rows) + "x" + std::to_string(dilation_cols) + " groups " +
         std::to_string(groups) + " " + std::string(DataTypeName(dtype)) +
         (dtype == DataType::kFloat ? (allow_tf32 ? " (tf32 allowed)" : " (no tf32)") : "");
}

// The built graph and its execution plan.
struct ConvolutionRunner::Plan {
  std::shared_ptr<fe::graph::Graph> graph;
  std::vector<int64_t> candidates;  // built plan indices, heuristics order
  int64_t plan_index = -1;          // the one Run executes
  // The variant pack in the order execute_plan_at_index takes it (ascending uids of the
  // non-virtual tensors): each slot's uid, and the pointer of constant slots (w, vectors).
  std::vector<int64_t> slot_uids;
  std::array<void*, kMaxSlots> constant_pointers{};
};

ConvolutionRunner::ConvolutionRunner() = default;
ConvolutionRunner::~ConvolutionRunner() = default;

Status ConvolutionRunner::Validate(const ConvolutionDescription& d, const Tensor& filter,
                                   const std::vector<EpilogueStep>& epilogue) {
  auto invalid = [&](const std::string& what) {
    return Status::InvalidArgument("invalid convolution (" + d.ToString() + "): " + what);
  };
  if (d.dtype != DataType::kFloat && d.dtype != DataType::kHalf) {
    return invalid("dtype must be float32 or float16");
  }
  for (int64_t v : {d.batch, d.input_rows, d.input_cols, d.input_channels, d.output_rows,
                    d.output_cols, d.output_channels, d.kernel_rows, d.kernel_cols, d.stride_rows,
                    d.stride_cols, d.dilation_rows, d.dilation_cols, d.groups}) {
    if (v <= 0) return invalid("sizes, strides, dilations and groups must be > 0");
  }
  for (int64_t pad : {d.pad_top, d.pad_bottom, d.pad_left, d.pad_right}) {
    if (pad < 0) return invalid("pads must be >= 0");
  }
  // cuDNN takes int32 sizes; keep every tensor well inside.
  constexpr int64_t kMaxElements = int64_t{1} << 31;
  for (int64_t elements : {d.batch * d.input_rows * d.input_cols * d.input_channels,
                           d.batch * d.output_rows * d.output_cols * d.output_channels}) {
    if (elements >= kMaxElements) return invalid("tensors must have fewer than 2^31 elements");
  }
  switch (d.kind) {
    case ConvolutionKind::kConv2D:
      if (d.input_channels % d.groups != 0 || d.output_channels % d.groups != 0) {
        return invalid("input and output channels must be multiples of groups");
      }
      break;
    case ConvolutionKind::kDepthwise:
      if (d.groups != d.input_channels) return invalid("a depthwise convolution has groups = C");
      if (d.output_channels % d.input_channels != 0) {
        return invalid("output channels must be a multiple of input channels (K = C * multiplier)");
      }
      break;
    case ConvolutionKind::kTransposed:
      if (d.groups != 1) return invalid("a transposed convolution has groups = 1");
      break;
    default:
      return invalid("unknown kind");
  }
  // The window must map the forward convolution's input onto its output exactly.
  const bool transposed = d.kind == ConvolutionKind::kTransposed;
  const int64_t fwd_in_rows = transposed ? d.output_rows : d.input_rows;
  const int64_t fwd_in_cols = transposed ? d.output_cols : d.input_cols;
  const int64_t fwd_out_rows = transposed ? d.input_rows : d.output_rows;
  const int64_t fwd_out_cols = transposed ? d.input_cols : d.output_cols;
  const int64_t rows = ForwardOutputSize(fwd_in_rows, d.kernel_rows, d.pad_top, d.pad_bottom,
                                         d.stride_rows, d.dilation_rows);
  const int64_t cols = ForwardOutputSize(fwd_in_cols, d.kernel_cols, d.pad_left, d.pad_right,
                                         d.stride_cols, d.dilation_cols);
  if (rows != fwd_out_rows || cols != fwd_out_cols) {
    return invalid(std::string("the window maps ") + (transposed ? "the output" : "the input") +
                   " to " + std::to_string(rows) + "x" + std::to_string(cols) + ", not " +
                   std::to_string(fwd_out_rows) + "x" + std::to_string(fwd_out_cols));
  }
  if (filter.dtype() != DataType::kFloat && filter.dtype() != DataType::kHalf) {
    return invalid("the filter must be float32 or float16, got " + filter.DebugString());
  }
  const Shape expected = ExpectedFilterShape(d);
  if (filter.shape() != expected) {
    return invalid("the filter must have shape " + ShapeToString(expected) + ", got " +
                   ShapeToString(filter.shape()));
  }
  Status epilogue_status = ValidateEpilogue(epilogue, d.output_channels);
  if (!epilogue_status.ok()) return invalid(epilogue_status.message());
  return Status::Ok();
}

namespace {

// The timing cache's name for conv + epilogue[0, count).
std::string Signature(const ConvolutionDescription& d, const std::vector<EpilogueStep>& epilogue,
                      int count) {
  return "cudnn " + d.ToString() + " epilogue " +
         EpilogueToString({epilogue.begin(), epilogue.begin() + count});
}

// Builds the graph of conv + epilogue[0, count) and its candidate plans: the timing cache's
// winner alone when it builds, else the first tactics.max_candidates plans, in heuristics
// order, that cuDNN supports within the workspace bound. Unimplemented when cuDNN has no plan.
Status BuildPlan(cudnnHandle_t handle, const ConvolutionDescription& d,
                 const std::vector<EpilogueStep>& epilogue, int count, const TacticOptions& tactics,
                 std::shared_ptr<fe::graph::Graph>& graph_out, std::vector<int64_t>& candidates) {
  const fe::DataType_t io_type =
      d.dtype == DataType::kHalf ? fe::DataType_t::HALF : fe::DataType_t::FLOAT;
  auto graph = std::make_shared<fe::graph::Graph>();
  graph->set_io_data_type(io_type)
      .set_intermediate_data_type(fe::DataType_t::FLOAT)
      .set_compute_data_type(fe::DataType_t::FLOAT);

  const bool transposed = d.kind == ConvolutionKind::kTransposed;
  const auto [filter_k, filter_c] = ForwardFilterChannels(d);
  auto x = graph->tensor(Tensor_attributes()
                             .set_name("x")
                             .set_uid(kUidX)
                             .set_dim({d.batch, d.input_channels, d.input_rows, d.input_cols})
                             .set_stride(NhwcStrides(d.input_channels, d.input_rows, d.input_cols))
                             .set_data_type(io_type));
  auto w = graph->tensor(Tensor_attributes()
                             .set_name("w")
                             .set_uid(kUidW)
                             .set_dim({filter_k, filter_c, d.kernel_rows, d.kernel_cols})
                             .set_stride(NhwcStrides(filter_c, d.kernel_rows, d.kernel_cols))
                             .set_data_type(io_type));
  const std::vector<int64_t> pre_padding = {d.pad_top, d.pad_left};
  const std::vector<int64_t> post_padding = {d.pad_bottom, d.pad_right};
  const std::vector<int64_t> stride = {d.stride_rows, d.stride_cols};
  const std::vector<int64_t> dilation = {d.dilation_rows, d.dilation_cols};
  std::shared_ptr<Tensor_attributes> y;
  if (transposed) {
    y = graph->conv_dgrad(x, w,
                          fe::graph::Conv_dgrad_attributes()
                              .set_name("dgrad")
                              .set_pre_padding(pre_padding)
                              .set_post_padding(post_padding)
                              .set_stride(stride)
                              .set_dilation(dilation)
                              .set_compute_data_type(fe::DataType_t::FLOAT));
  } else {
    y = graph->conv_fprop(x, w,
                          fe::graph::Conv_fprop_attributes()
                              .set_name("fprop")
                              .set_pre_padding(pre_padding)
                              .set_post_padding(post_padding)
                              .set_stride(stride)
                              .set_dilation(dilation)
                              .set_compute_data_type(fe::DataType_t::FLOAT));
  }
  const std::vector<int64_t> y_dims = {d.batch, d.output_channels, d.output_rows, d.output_cols};
  const std::vector<int64_t> y_strides =
      NhwcStrides(d.output_channels, d.output_rows, d.output_cols);
  y->set_dim(y_dims).set_stride(y_strides);
  for (int i = 0; i < count; ++i) {
    y = AddStep(*graph, y, d, epilogue[i], i, io_type);
    if (y == nullptr) return Status::Internal("unknown epilogue op");
    y->set_dim(y_dims).set_stride(y_strides);
  }
  y->set_output(true).set_name("y").set_uid(kUidY).set_data_type(io_type);

  TFTRT_CUDA_CHECK(graph->validate());
  TFTRT_CUDA_CHECK(graph->build_operation_graph(handle));
  TFTRT_CUDA_CHECK(graph->create_execution_plans({fe::HeurMode_t::A, fe::HeurMode_t::FALLBACK}));
  // Accumulation stays fp32 in every dtype; fp32 without TF32 also excludes tensor-core
  // engines (which run fp32 data as TF32) and engines that down-convert their inputs, as
  // TensorFlow does when TF32 is disabled.
  graph->deselect_numeric_notes({fe::NumericalNote_t::REDUCED_PRECISION_REDUCTION});
  if (d.dtype == DataType::kFloat && !d.allow_tf32) {
    graph->deselect_numeric_notes(
        {fe::NumericalNote_t::TENSOR_CORE, fe::NumericalNote_t::DOWN_CONVERT_INPUTS});
  }
  TFTRT_RETURN_IF_ERROR(
      BuildCandidatePlans(handle, *graph, tactics, Signature(d, epilogue, count), candidates));
  graph_out = std::move(graph);
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<ConvolutionRunner>> ConvolutionRunner::Create(
    const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
    std::vector<EpilogueStep> epilogue, const TacticOptions& tactics) {
  TFTRT_RETURN_IF_ERROR(Validate(desc, filter, epilogue));
  std::unique_ptr<ConvolutionRunner> runner(new ConvolutionRunner());
  runner->desc_ = desc;
  runner->epilogue_ = std::move(epilogue);
  const ConvolutionDescription& d = runner->desc_;
  const std::vector<EpilogueStep>& steps = runner->epilogue_;

  // Constants first: the filter in KRSC, the bias / scale vectors, in the I/O dtype.
  const auto [filter_k, filter_c] = ForwardFilterChannels(d);
  TFTRT_ASSIGN_OR_RETURN(runner->filter_,
                         UploadSharedAs(FilterToKrsc(TensorToFloats(filter), d.kernel_rows,
                                                     d.kernel_cols, filter_c, filter_k),
                                        d.dtype));
  runner->channel_vectors_.resize(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].values.empty()) continue;
    TFTRT_ASSIGN_OR_RETURN(runner->channel_vectors_[i],
                           DeviceWeights::UploadAs(steps[i].values, d.dtype));
  }

  // The whole epilogue, then ever shorter prefixes of it.
  auto plan = std::make_unique<Plan>();
  Status last_failure;
  int fused = static_cast<int>(steps.size());
  for (; fused >= 0; --fused) {
    plan->candidates.clear();
    Status built;
    try {
      built = BuildPlan(handles.cudnn(), d, steps, fused, tactics, plan->graph, plan->candidates);
    } catch (const std::exception& e) {
      built = Status::Internal(std::string("cudnn-frontend threw: ") + e.what());
    }
    if (built.ok()) break;
    last_failure = built;
    // cuDNN reports a fusion it cannot do in several ways (no engine, no heuristics result,
    // a backend descriptor that does not finalize): try a shorter epilogue after any of
    // them, except running out of memory.
    if (built.code() == StatusCode::kResourceExhausted) break;
  }
  if (fused < 0 || plan->graph == nullptr) {
    return last_failure.WithContext("while building a cuDNN plan for " + d.ToString() +
                                    " with epilogue " + EpilogueToString(steps));
  }
  runner->fused_steps_ = fused;

  // The variant pack's order, and the constants' pointers in it.
  plan->slot_uids = plan->graph->get_variant_pack_uids_sorted();
  if (plan->slot_uids.size() > static_cast<size_t>(kMaxSlots)) {
    return Status::Internal("cuDNN graph has " + std::to_string(plan->slot_uids.size()) +
                            " variant pack entries, more than " + std::to_string(kMaxSlots));
  }
  for (size_t slot = 0; slot < plan->slot_uids.size(); ++slot) {
    const int64_t uid = plan->slot_uids[slot];
    if (uid == kUidW) {
      plan->constant_pointers[slot] = const_cast<void*>(runner->filter_->data());
    } else if (uid >= kUidFirstVector && uid < kUidFirstVector + fused) {
      plan->constant_pointers[slot] =
          const_cast<void*>(runner->channel_vectors_[uid - kUidFirstVector].data());
    } else if (uid != kUidX && uid != kUidY && uid != kUidResidual) {
      return Status::Internal("cuDNN graph wants a tensor with unknown uid " + std::to_string(uid));
    }
  }
  runner->plan_ = std::move(plan);
  TFTRT_RETURN_IF_ERROR(runner->ChoosePlan(handles, tactics));
  return runner;
}

Status ConvolutionRunner::ChoosePlan(const DnnHandles& handles, const TacticOptions& tactics) {
  const std::vector<int64_t>& candidates = plan_->candidates;
  TFTRT_ASSIGN_OR_RETURN(CandidatePlans plans, DescribeCandidates(*plan_->graph, candidates));
  const int64_t most_workspace = plans.most_workspace;
  // Timing runs every candidate on scratch operands of the layer's shapes.
  auto setup = [&]() -> StatusOr<CandidateLaunch> {
    const ConvolutionDescription& d = desc_;
    const size_t element = DataTypeSize(d.dtype);
    const size_t x_bytes = d.batch * d.input_rows * d.input_cols * d.input_channels * element;
    const size_t y_bytes = d.batch * d.output_rows * d.output_cols * d.output_channels * element;
    TFTRT_ASSIGN_OR_RETURN(auto scratch, TimingOperands<4>({x_bytes, y_bytes, y_bytes,
                                                            static_cast<size_t>(most_workspace)},
                                                           "convolution timing operands"));
    return CandidateLaunch([this, scratch, &handles](int index, cudaStream_t stream) {
      auto& [x, y, residual, workspace] = *scratch;
      return Execute(handles, stream, x.data(), y.data(), residual.data(), workspace.data(),
                     plan_->candidates[index]);
    });
  };
  TFTRT_ASSIGN_OR_RETURN(
      const int chosen,
      ChooseCandidate(tactics, Signature(desc_, epilogue_, fused_steps_), plans.names, setup));
  plan_->plan_index = candidates[chosen];
  plan_name_ = plans.names[chosen];
  TFTRT_CUDA_CHECK(
      plan_->graph->get_workspace_size_plan_at_index(plan_->plan_index, workspace_bytes_));
  return Status::Ok();
}

Status ConvolutionRunner::Run(const DnnHandles& handles, cudaStream_t stream, const void* x,
                              void* y, const void* residual, void* workspace) const {
  if (x == nullptr || y == nullptr) {
    return Status::InvalidArgument("ConvolutionRunner::Run: x and y must not be null");
  }
  if (residual == nullptr && PrefixHasResidual(epilogue_, fused_steps_)) {
    return Status::InvalidArgument("ConvolutionRunner::Run: the fused epilogue adds a residual");
  }
  if (workspace == nullptr && workspace_bytes_ > 0) {
    return Status::InvalidArgument("ConvolutionRunner::Run: needs " +
                                   std::to_string(workspace_bytes_) + " bytes of workspace");
  }
  return Execute(handles, stream, x, y, residual, workspace, plan_->plan_index);
}

Status ConvolutionRunner::Execute(const DnnHandles& handles, cudaStream_t stream, const void* x,
                                  void* y, const void* residual, void* workspace,
                                  int64_t plan_index) const {
  std::array<void*, kMaxSlots> pointers = plan_->constant_pointers;
  for (size_t slot = 0; slot < plan_->slot_uids.size(); ++slot) {
    switch (plan_->slot_uids[slot]) {
      case kUidX:
        pointers[slot] = const_cast<void*>(x);
        break;
      case kUidY:
        pointers[slot] = y;
        break;
      case kUidResidual:
        pointers[slot] = const_cast<void*>(residual);
        break;
      default:
        break;
    }
  }
  TFTRT_CUDA_CHECK(cudnnSetStream(handles.cudnn(), stream));
  try {
    TFTRT_CUDA_CHECK(plan_->graph->execute_plan_at_index(handles.cudnn(), pointers.data(),
                                                         static_cast<int>(plan_->slot_uids.size()),
                                                         workspace, plan_index));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cudnn-frontend threw while executing: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace tftrt::cuda
