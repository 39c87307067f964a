#include "graph/load_signature.h"

#include <map>
#include <optional>

#include "savedmodel/saved_model_reader.h"

namespace tftrt {

StatusOr<ImportedSignature> LoadSignature(Env* env, const std::string& saved_model_dir,
                                          const std::string& signature_key,
                                          const std::set<std::string>& tags) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle, ReadSavedModel(env, saved_model_dir, tags));
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
  return imported;
}

}  // namespace tftrt
