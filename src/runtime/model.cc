#include "tftrt/model.h"

#include <optional>

#include "common/env.h"
#include "graph/import.h"
#include "runtime/executor.h"
#include "savedmodel/saved_model_reader.h"

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
  std::shared_ptr<Graph> graph;
  std::unique_ptr<Executor> executor;
};

Model::Model(SignatureInfo signature, std::unique_ptr<State> state)
    : signature_(std::move(signature)), state_(std::move(state)) {}

Model::~Model() = default;

StatusOr<std::unique_ptr<Model>> Model::Load(const std::string& saved_model_dir,
                                             const std::string& signature_key,
                                             const std::set<std::string>& tags) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle,
                         ReadSavedModel(Env::Default(), saved_model_dir, tags));
  // Computed on the first variable: a model without variables (or a TF1 model, which
  // import rejects) never needs the object-graph walk.
  std::optional<StatusOr<std::map<int, std::string>>> checkpoint_keys;
  VariableLookup variables = [&](int object_id) -> StatusOr<Tensor> {
    if (!checkpoint_keys) checkpoint_keys = VariableCheckpointKeys(bundle);
    if (!checkpoint_keys->ok()) return checkpoint_keys->status();
    auto it = (*checkpoint_keys)->find(object_id);
    if (it == (*checkpoint_keys)->end() || bundle.variables == nullptr) {
      return Status::NotFound("saved object " + std::to_string(object_id) +
                              " has no value in the checkpoint");
    }
    return bundle.variables->Read(it->second);
  };
  auto imported = ImportSignature(bundle.meta_graph, signature_key, variables);
  if (!imported.ok()) return imported.status().WithContext("in SavedModel " + saved_model_dir);

  auto state = std::make_unique<State>();
  state->graph = imported->graph;
  state->executor = std::make_unique<Executor>(imported->graph, imported->functions);
  Status prepared = state->executor->Prepare();
  if (!prepared.ok()) return prepared.WithContext("in SavedModel " + saved_model_dir);
  SignatureInfo signature{signature_key, SpecsOf(state->graph->args()),
                          SpecsOf(state->graph->rets())};
  return std::unique_ptr<Model>(new Model(std::move(signature), std::move(state)));
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
