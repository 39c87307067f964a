// Fuzzes reading a SavedModel and importing its signatures into the graph IR: the input is
// saved_model.pb, variables/variables.index and its one data shard, packed
// (fuzz_helpers.h). Every signature of every MetaGraphDef is loaded as Model::Load and the
// converter load it (LoadSignature: the proto, the tag-set, the checkpoint and its object
// graph, the import with its function inlining and variable values).
#include "fuzz_helpers.h"
#include "graph/load_signature.h"
#include "savedmodel/saved_model_reader.h"

namespace {

constexpr char kDir[] = "/model";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tftrt;
  MemEnv env;
  fuzz::WritePackedFiles(fuzz::AsBytes(data, size),
                         {"/model/saved_model.pb", "/model/variables/variables.index",
                          "/model/variables/variables.data-00000-of-00001"},
                         &env);
  auto saved_model = ReadSavedModelProto(&env, kDir);
  if (!saved_model.ok()) return 0;
  for (const auto& meta_graph : saved_model->meta_graphs()) {
    const auto& tag_list = meta_graph.meta_info_def().tags();
    const std::set<std::string> tags(tag_list.begin(), tag_list.end());
    for (const auto& [key, signature] : meta_graph.signature_def()) {
      auto imported = LoadSignature(&env, kDir, key, tags);
      (void)imported;
    }
  }
  return 0;
}
