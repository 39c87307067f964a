#include "runtime/table_initializer.h"

#include <map>
#include <vector>

#include "common/env.h"
#include "graph/load_signature.h"
#include "runtime/executor.h"
#include "runtime/lookup_table.h"

namespace tftrt {

bool IsTableOp(const std::string& op) { return op == "HashTableV2" || op == "MutableHashTableV2"; }

Status AttachInitializedTables(Env* env, const std::string& saved_model_dir,
                               const std::set<std::string>& tags, Graph* graph) {
  std::map<std::string, Node*> tables;
  for (Node* node : graph->nodes()) {
    if (IsTableOp(node->op)) tables[node->name] = node;
  }
  if (tables.empty()) return Status::Ok();
  std::vector<std::string> names;
  for (const auto& [name, node] : tables) names.push_back(name);
  TFTRT_ASSIGN_OR_RETURN(ImportedSignature initializer,
                         LoadTableInitializer(env, saved_model_dir, tags, names));
  const std::string context = "while running the init op of SavedModel " + saved_model_dir;
  Executor executor(initializer.graph, initializer.functions);
  TFTRT_RETURN_IF_ERROR_CTX(executor.Prepare(), context);
  auto handles = executor.Run({});
  if (!handles.ok()) return handles.status().WithContext(context);
  const std::vector<GraphRet>& rets = initializer.graph->rets();
  for (size_t i = 0; i < rets.size(); ++i) {
    TFTRT_RETURN_IF_ERROR_CTX(TableFromHandle((*handles)[i], 0).status(),
                              context + " (table '" + rets[i].name + "')");
    tables.at(rets[i].name)->constant = (*handles)[i];
  }
  return Status::Ok();
}

std::map<std::string, TableContents> AttachedTableContents(const Graph& graph) {
  std::map<std::string, TableContents> contents;
  for (const Node* node : graph.nodes()) {
    if (!IsTableOp(node->op) || !node->constant.is_valid()) continue;
    auto table = TableFromHandle(node->constant, 0);
    if (!table.ok()) continue;
    auto [keys, values] = (*table)->Export();
    contents[node->name] = {std::move(keys), std::move(values)};
  }
  return contents;
}

}  // namespace tftrt
