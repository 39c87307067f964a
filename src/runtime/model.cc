#include "tftrt/model.h"

#include "common/env.h"
#include "graph/attrs.h"
#include "graph/load_signature.h"
#include "runtime/engine_assets.h"
#include "runtime/engine_op.h"
#include "runtime/executor.h"
#include "runtime/model_factory.h"
#include "runtime/table_initializer.h"

namespace tftrt {
namespace {

std::vector<TensorSpec> SpecsOf(const std::vector<GraphArg>& args) {
  std::vector<TensorSpec> specs;
  for (const GraphArg& arg : args) specs.push_back({arg.name, arg.dtype, arg.shape});
  return specs;
}

std::vector<TensorSpec> SpecsOf(const std::vector<GraphRet>& rets) {
  std::vector<TensorSpec> specs;
  for (const GraphRet& ret : rets) specs.push_back({ret.name, ret.dtype, ret.shape});
  return specs;
}

// " a b c": the input names of a signature, for error messages.
std::string InputNames(const SignatureInfo& signature) {
  std::string names;
  for (const TensorSpec& spec : signature.inputs) names += " " + spec.name;
  return names;
}

}  // namespace

struct Model::State {
  std::unique_ptr<Executor> executor;
  std::shared_ptr<EngineCaches> engine_caches;
};

Model::Model(SignatureInfo signature, std::unique_ptr<State> state)
    : signature_(std::move(signature)), state_(std::move(state)) {}

Model::~Model() = default;

StatusOr<std::unique_ptr<Model>> Model::Load(const std::string& saved_model_dir,
                                             const std::string& signature_key,
                                             const std::set<std::string>& tags,
                                             const ModelOptions& options) {
  TFTRT_ASSIGN_OR_RETURN(EngineRuntime runtime, EngineRuntimeFor(options));
  TFTRT_ASSIGN_OR_RETURN(ImportedSignature imported,
                         LoadSignature(Env::Default(), saved_model_dir, signature_key, tags));
  TFTRT_RETURN_IF_ERROR(
      AttachInitializedTables(Env::Default(), saved_model_dir, tags, imported.graph.get()));
  auto engine_caches = std::make_shared<EngineCaches>(runtime);
  LoadEngineAssets(Env::Default(), saved_model_dir, *imported.graph, engine_caches.get());
  auto model = ModelFactory::FromGraph(signature_key, imported.graph, imported.functions,
                                       std::move(engine_caches));
  if (!model.ok()) return model.status().WithContext("in SavedModel " + saved_model_dir);
  return model;
}

StatusOr<std::unique_ptr<Model>> ModelFactory::FromGraph(
    std::string signature_key, std::shared_ptr<const Graph> graph,
    std::shared_ptr<const FunctionGraphs> functions, std::shared_ptr<EngineCaches> engine_caches) {
  auto state = std::make_unique<Model::State>();
  // Every engine node gets its cache now, so that reports list the ones not run yet.
  for (const Node* node : graph->nodes()) {
    if (node->op != kEngineOp) continue;
    auto capacity = GetIntAttrOr(*node, "max_cached_engines_count", 1);
    engine_caches->Get(node->name, capacity.ok() ? static_cast<int>(*capacity) : 1);
  }
  state->engine_caches = engine_caches;
  state->executor =
      std::make_unique<Executor>(graph, std::move(functions), std::move(engine_caches));
  TFTRT_RETURN_IF_ERROR(state->executor->Prepare());
  SignatureInfo signature{std::move(signature_key), SpecsOf(graph->args()), SpecsOf(graph->rets())};
  return std::unique_ptr<Model>(new Model(std::move(signature), std::move(state)));
}

std::vector<EngineNodeReport> Model::EngineReports() const {
  std::vector<EngineNodeReport> reports;
  for (const auto& [name, cache] : state_->engine_caches->All()) {
    const EngineNodeStats stats = cache->stats();
    double compute_ms = 0;
    int64_t timed_runs = 0;
    for (const auto& engine : cache->Engines()) {
      compute_ms += engine->compute_milliseconds();
      timed_runs += engine->timed_runs();
    }
    reports.push_back({.node = name,
                       .backend = state_->engine_caches->runtime().backend->target(),
                       .cached_engines = static_cast<int>(cache->Engines().size()),
                       .engine_runs = stats.engine_runs,
                       .native_fallbacks = stats.native_fallbacks,
                       .builds = stats.builds,
                       .failed_builds = stats.failed_builds,
                       .calibration_batches = stats.calibration_batches,
                       .compute_milliseconds = compute_ms,
                       .timed_runs = timed_runs});
  }
  return reports;
}

StatusOr<std::map<std::string, std::vector<double>>> Model::DeviceResidentLatencies(
    int runs) const {
  std::map<std::string, std::vector<double>> latencies;
  for (const auto& [name, cache] : state_->engine_caches->All()) {
    for (const auto& engine : cache->Engines()) {
      StatusOr<std::vector<double>> measured = engine->DeviceResidentLatencies(runs);
      const StatusCode code = measured.status().code();
      if (code == StatusCode::kFailedPrecondition || code == StatusCode::kUnimplemented) continue;
      TFTRT_RETURN_IF_ERROR(measured.status().WithContext("while rerunning engine " + name));
      latencies[name] = std::move(*measured);
      break;
    }
  }
  return latencies;
}

std::optional<int64_t> Model::PeakDeviceMemoryBytes() const {
  return state_->engine_caches->runtime().backend->PeakDeviceMemoryBytes();
}

StatusOr<std::map<std::string, Tensor>> Model::Run(const std::map<std::string, Tensor>& inputs) {
  std::vector<Tensor> args;
  for (const TensorSpec& spec : signature_.inputs) {
    auto it = inputs.find(spec.name);
    if (it == inputs.end()) {
      return Status::InvalidArgument("missing input '" + spec.name + "' (the signature '" +
                                     signature_.key + "' takes:" + InputNames(signature_) + ")");
    }
    args.push_back(it->second);
  }
  for (const auto& [name, tensor] : inputs) {
    bool known = false;
    for (const TensorSpec& s : signature_.inputs) known |= s.name == name;
    if (!known) {
      return Status::InvalidArgument("unknown input '" + name + "' (the signature '" +
                                     signature_.key + "' takes:" + InputNames(signature_) + ")");
    }
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> results, state_->executor->Run(std::move(args)));
  std::map<std::string, Tensor> outputs;
  for (size_t i = 0; i < results.size(); ++i) {
    outputs[signature_.outputs[i].name] = std::move(results[i]);
  }
  return outputs;
}

}  // namespace tftrt
