#include "graph/load_signature.h"

#include <map>
#include <optional>

#include "graph/attrs.h"
#include "savedmodel/saved_model_reader.h"

namespace tftrt {
namespace {

constexpr char kInitOpKey[] = "__saved_model_init_op";
// The signature LoadTableInitializer adds to its copy of the meta graph.
constexpr char kTableInitKey[] = "__tftrt_table_initializer";

// Variable values from the bundle's checkpoint. The checkpoint keys are computed on the
// first variable: a model without variables (or a TF1 model, which import rejects) never
// needs the object-graph walk. REQUIRES: `bundle` outlives the lookup.
VariableLookup CheckpointValues(const SavedModelBundle& bundle) {
  auto checkpoint_keys = std::make_shared<std::optional<StatusOr<std::map<int, std::string>>>>();
  return [&bundle, checkpoint_keys](int object_id) -> StatusOr<Tensor> {
    if (!*checkpoint_keys) *checkpoint_keys = VariableCheckpointKeys(bundle);
    const auto& keys = **checkpoint_keys;
    if (!keys.ok()) return keys.status();
    auto it = keys->find(object_id);
    if (it == keys->end() || bundle.variables == nullptr) {
      return Status::NotFound("saved object " + std::to_string(object_id) +
                              " has no value in the checkpoint");
    }
    return bundle.variables->Read(it->second);
  };
}

// Replaces the placeholder that feeds each asset's path by a constant of that path.
Status FeedAssetPaths(const std::string& saved_model_dir, tensorflow::MetaGraphDef& meta_graph) {
  for (const auto& asset : meta_graph.asset_file_def()) {
    TFTRT_ASSIGN_OR_RETURN(auto tensor, ParseTensorName(asset.tensor_info().name()));
    const std::string path = saved_model_dir + "/" + kAssetsDirectory + "/" + asset.filename();
    bool found = false;
    for (tensorflow::NodeDef& def : *meta_graph.mutable_graph_def()->mutable_node()) {
      if (def.name() != tensor.first) continue;
      def.set_op("Const");
      def.clear_input();
      def.mutable_attr()->clear();
      (*def.mutable_attr())["dtype"] = TypeAttr(DataType::kString);
      (*def.mutable_attr())["value"] = TensorAttr(Tensor::Scalar<std::string>(path));
      found = true;
    }
    if (!found) {
      return Status::NotFound("asset '" + asset.filename() + "' is fed through node '" +
                              tensor.first + "', which the graph lacks");
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ImportedSignature> LoadSignature(Env* env, const std::string& saved_model_dir,
                                          const std::string& signature_key,
                                          const std::set<std::string>& tags) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle, ReadSavedModel(env, saved_model_dir, tags));
  auto imported = ImportSignature(bundle.meta_graph, signature_key, CheckpointValues(bundle));
  if (!imported.ok()) return imported.status().WithContext("in SavedModel " + saved_model_dir);
  return imported;
}

StatusOr<ImportedSignature> LoadTableInitializer(Env* env, const std::string& saved_model_dir,
                                                 const std::set<std::string>& tags,
                                                 const std::vector<std::string>& table_nodes) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle, ReadSavedModel(env, saved_model_dir, tags));
  tensorflow::MetaGraphDef meta_graph = bundle.meta_graph;
  const std::string context = "while loading the lookup tables of SavedModel " + saved_model_dir;
  TFTRT_RETURN_IF_ERROR_CTX(FeedAssetPaths(saved_model_dir, meta_graph), context);

  // The init op's node, if any: every table handle waits for it.
  std::string init_node;
  auto init = meta_graph.signature_def().find(kInitOpKey);
  if (init != meta_graph.signature_def().end() && !init->second.outputs().empty()) {
    TFTRT_ASSIGN_OR_RETURN(auto tensor,
                           ParseTensorName(init->second.outputs().begin()->second.name()));
    init_node = tensor.first;
  }
  std::set<std::string> top_level;
  for (const tensorflow::NodeDef& def : meta_graph.graph_def().node()) top_level.insert(def.name());
  tensorflow::SignatureDef signature;
  for (const std::string& table : table_nodes) {
    if (!top_level.contains(table)) continue;  // made inside a function: not the init op's
    tensorflow::NodeDef* handle = meta_graph.mutable_graph_def()->add_node();
    handle->set_name(std::string(kTableInitKey) + "/" + table);
    handle->set_op("Identity");
    handle->add_input(table);
    if (!init_node.empty()) handle->add_input("^" + init_node);
    (*handle->mutable_attr())["T"] = TypeAttr(DataType::kResource);
    auto& output = (*signature.mutable_outputs())[table];
    output.set_name(handle->name() + ":0");
    output.set_dtype(tensorflow::DT_RESOURCE);
  }
  (*meta_graph.mutable_signature_def())[kTableInitKey] = signature;
  auto imported = ImportSignature(meta_graph, kTableInitKey, CheckpointValues(bundle),
                                  /*unbound_variables=*/true);
  if (!imported.ok()) return imported.status().WithContext(context);
  return imported;
}

}  // namespace tftrt
