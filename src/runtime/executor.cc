#include "runtime/executor.h"

#include <set>

#include "common/memory_limit.h"
#include "graph/attrs.h"
#include "runtime/engine_op.h"

namespace tftrt {

// A graph compiled for execution: nodes in topological order with their kernels, and
// for each node output how many consumers it has (so the last one can take it).
struct Executor::Plan {
  struct Step {
    const Node* node = nullptr;
    KernelFn kernel = nullptr;   // null for _Arg
    int arg_index = -1;          // for _Arg
    std::vector<Output> inputs;  // node = producer, index = its output
    std::vector<int> producers;  // step index of each input
    int num_outputs = 0;         // outputs used by someone
  };
  std::vector<Step> steps;
  std::vector<std::pair<int, int>> rets;     // (step, output)
  std::vector<std::vector<int>> use_counts;  // per step, per output
};

Executor::Executor(std::shared_ptr<const Graph> graph,
                   std::shared_ptr<const FunctionGraphs> functions,
                   std::shared_ptr<EngineCaches> engine_caches)
    : graph_(std::move(graph)),
      functions_(functions ? std::move(functions) : std::make_shared<FunctionGraphs>()),
      engine_caches_(engine_caches ? std::move(engine_caches) : std::make_shared<EngineCaches>()) {}

Executor::~Executor() = default;

StatusOr<const Executor::Plan*> Executor::GetPlan(const Graph& graph) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = plans_.find(&graph);
  if (it != plans_.end()) return it->second.get();

  TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(graph, /*only_needed=*/true));
  auto plan = std::make_unique<Plan>();
  std::map<const Node*, int> step_of;
  std::map<std::string, std::string> unsupported;  // op -> an example node
  for (Node* node : order) {
    Plan::Step step;
    step.node = node;
    if (node->op == "_Arg") {
      TFTRT_ASSIGN_OR_RETURN(int64_t index, GetIntAttr(*node, "index"));
      step.arg_index = static_cast<int>(index);
    } else {
      step.kernel = FindRuntimeKernel(node->op);
      if (step.kernel == nullptr) unsupported.emplace(node->op, node->name);
    }
    step.inputs = node->inputs;
    for (const Output& input : node->inputs) step.producers.push_back(step_of.at(input.node));
    step_of[node] = static_cast<int>(plan->steps.size());
    plan->steps.push_back(std::move(step));
  }
  if (!unsupported.empty()) {
    std::string message = "unsupported op(s) in graph '" + graph.name() + "':";
    for (const auto& [op, node] : unsupported) message += " " + op + " (node '" + node + "')";
    return Status::Unimplemented(message);
  }
  plan->use_counts.resize(plan->steps.size());
  auto use = [&](int step, int output) {
    auto& counts = plan->use_counts[step];
    if (static_cast<int>(counts.size()) <= output) counts.resize(output + 1, 0);
    ++counts[output];
    plan->steps[step].num_outputs = std::max(plan->steps[step].num_outputs, output + 1);
  };
  for (const Plan::Step& step : plan->steps) {
    for (size_t i = 0; i < step.inputs.size(); ++i) use(step.producers[i], step.inputs[i].index);
  }
  for (const GraphRet& ret : graph.rets()) {
    const int step = step_of.at(ret.tensor.node);
    plan->rets.push_back({step, ret.tensor.index});
    use(step, ret.tensor.index);
  }
  const Plan* result = plan.get();
  plans_[&graph] = std::move(plan);
  return result;
}

Status Executor::Prepare() {
  TFTRT_RETURN_IF_ERROR(GetPlan(*graph_).status());
  for (const auto& [name, function] : *functions_) {
    TFTRT_RETURN_IF_ERROR(GetPlan(*function).status());
  }
  return Status::Ok();
}

StatusOr<std::vector<Tensor>> Executor::RunGraph(const Graph& graph, std::vector<Tensor> args) {
  TFTRT_ASSIGN_OR_RETURN(const Plan* plan, GetPlan(graph));
  std::vector<std::vector<Tensor>> values(plan->steps.size());
  std::vector<std::vector<int>> remaining = plan->use_counts;

  // The last consumer of a value takes it, so kernels can reuse uniquely owned buffers.
  auto take = [&](int step, int output) -> Tensor {
    if (--remaining[step][output] == 0) return std::move(values[step][output]);
    return values[step][output];
  };

  for (size_t s = 0; s < plan->steps.size(); ++s) {
    const Plan::Step& step = plan->steps[s];
    if (step.kernel == nullptr) {  // _Arg
      if (step.arg_index < 0 || step.arg_index >= static_cast<int>(args.size())) {
        return Status::Internal("arg index out of range in graph '" + graph.name() + "'");
      }
      // Moved, not copied: a loop body then holds its loop variables alone and can
      // update them in place.
      values[s].push_back(std::move(args[step.arg_index]));
      continue;
    }
    std::vector<Tensor> inputs;
    inputs.reserve(step.inputs.size());
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      const int producer = step.producers[i];
      const int output = step.inputs[i].index;
      if (output >= static_cast<int>(values[producer].size()) ||
          !values[producer][output].is_valid()) {
        return Status::Internal("node " + step.node->Describe() + " has no value for input " +
                                std::to_string(i) + " (from " + step.inputs[i].node->Describe() +
                                ":" + std::to_string(output) + ")");
      }
      inputs.push_back(take(producer, output));
    }
    OpKernelContext ctx(*step.node, std::move(inputs), this);
    // A kernel whose output would exceed the memory limit (Fill, Tile, a broadcast to a huge
    // shape) is refused by Tensor's constructor: its error, not a std::bad_alloc.
    Status status = CatchAllocationFailure([&] { return step.kernel(ctx); });
    if (!status.ok()) {
      return status.WithContext("while running node " + step.node->Describe() +
                                (graph.name().empty() ? "" : " in '" + graph.name() + "'"));
    }
    values[s] = std::move(ctx.outputs());
    for (int i = 0; i < step.num_outputs; ++i) {
      if (i >= static_cast<int>(values[s].size()) || !values[s][i].is_valid()) {
        return Status::Internal("node " + step.node->Describe() + " did not produce output " +
                                std::to_string(i));
      }
    }
  }
  std::vector<Tensor> results;
  results.reserve(plan->rets.size());
  for (const auto& [step, output] : plan->rets) results.push_back(take(step, output));
  return results;
}

Status CheckArgs(const Graph& graph, const std::vector<Tensor>& args) {
  if (args.size() != graph.args().size()) {
    return Status::InvalidArgument("'" + graph.name() + "' takes " +
                                   std::to_string(graph.args().size()) + " inputs, got " +
                                   std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const GraphArg& arg = graph.args()[i];
    if (!args[i].is_valid()) {
      return Status::InvalidArgument("input '" + arg.name + "' has no value");
    }
    if (arg.dtype != DataType::kInvalid && args[i].dtype() != arg.dtype) {
      return Status::InvalidArgument("input '" + arg.name + "' must be " +
                                     std::string(DataTypeName(arg.dtype)) + ", got " +
                                     args[i].DebugString());
    }
  }
  return Status::Ok();
}

namespace {

// "input 'x' is float32[3], the signature declares [1]" for each arg whose shape differs
// from its declaration (joined by "; "); empty when every arg fits.
std::string ArgsOutsideTheirShapes(const Graph& graph, const std::vector<Tensor>& args) {
  std::string text;
  for (size_t i = 0; i < args.size(); ++i) {
    const GraphArg& arg = graph.args()[i];
    if (arg.shape.IsCompatibleWith(args[i].shape())) continue;
    text += (text.empty() ? "" : "; ") + ("input '" + arg.name + "' is " + args[i].DebugString() +
                                          ", the signature declares " + arg.shape.ToString());
  }
  return text;
}

// The rets of the main graph are the signature's outputs: a result that contradicts what
// the signature declares (e.g. computed from a checkpoint value of another shape) is an
// error, never returned to a caller that trusts the declaration.
Status CheckResults(const Graph& graph, const std::vector<Tensor>& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    const GraphRet& ret = graph.rets()[i];
    const bool dtype_matches = ret.dtype == DataType::kInvalid || results[i].dtype() == ret.dtype;
    if (!dtype_matches || !ret.shape.IsCompatibleWith(results[i].shape())) {
      const std::string declared =
          (ret.dtype == DataType::kInvalid ? "" : std::string(DataTypeName(ret.dtype))) +
          ret.shape.ToString();
      return Status::FailedPrecondition("output '" + ret.name + "' is declared " + declared +
                                        " by the signature, but the model computed " +
                                        results[i].DebugString());
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Tensor>> Executor::Run(std::vector<Tensor> args) {
  TFTRT_RETURN_IF_ERROR(CheckArgs(*graph_, args));
  // As TensorFlow's signature functions, inputs of other shapes than declared run (engines
  // are built for the shapes given); an op that cannot take them fails, and the error
  // says which inputs were not as declared. Their outputs need not be as declared either.
  const std::string outside = ArgsOutsideTheirShapes(*graph_, args);
  StatusOr<std::vector<Tensor>> results = RunGraph(*graph_, std::move(args));
  if (!results.ok() && !outside.empty()) return results.status().WithContext(outside);
  if (results.ok() && outside.empty()) TFTRT_RETURN_IF_ERROR(CheckResults(*graph_, *results));
  return results;
}

StatusOr<std::vector<Tensor>> Executor::Run(const std::string& function_name,
                                            std::vector<Tensor> args) {
  auto it = functions_->find(function_name);
  if (it == functions_->end()) {
    return Status::NotFound("function '" + function_name + "' was not imported");
  }
  TFTRT_RETURN_IF_ERROR(CheckArgs(*it->second, args));
  return RunGraph(*it->second, std::move(args));
}

const Graph* Executor::FindFunction(const std::string& function_name) const {
  auto it = functions_->find(function_name);
  return it == functions_->end() ? nullptr : it->second.get();
}

}  // namespace tftrt
