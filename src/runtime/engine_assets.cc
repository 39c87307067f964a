#include "runtime/engine_assets.h"

#include "common/logging.h"
#include "engine/engine_blob.h"
#include "engine/engine_cache_file.h"
#include "graph/attrs.h"

namespace tftrt {
namespace {

// Loads one engine node's asset file into its cache; warns about what it cannot use.
void LoadEngineNodeAsset(Env* env, const std::string& path, const Node& node,
                         const EngineBackend& backend, EngineCache& cache) {
  auto contents = env->ReadFileToString(path);
  if (!contents.ok()) {
    LogWarning("cannot read engines of node '" + node.name + "': " + contents.status().ToString());
    return;
  }
  auto blobs = ParseEngineCacheFile(*contents);
  if (!blobs.ok()) {
    LogWarning(path + ": " + blobs.status().ToString() + "; node '" + node.name +
               "' will rebuild its engines or run its native segment");
    return;
  }
  for (size_t i = 0; i < blobs->size(); ++i) {
    auto network = DeserializeEngine((*blobs)[i], backend);
    Status status = network.status();
    if (network.ok()) {
      auto loaded = backend.Compile(std::move(network).value());
      if (loaded.ok()) {
        cache.Insert(std::move(loaded).value());
        continue;
      }
      status = loaded.status();
    }
    LogWarning(path + ": engine " + std::to_string(i) + " cannot be used (" + status.ToString() +
               "); node '" + node.name + "' will rebuild it or run its native segment");
  }
}

}  // namespace

void LoadEngineAssets(Env* env, const std::string& saved_model_dir, const Graph& graph,
                      EngineCaches* caches) {
  for (const Node* node : graph.nodes()) {
    if (node->op != "TRTEngineOp") continue;
    const std::string name = EngineCacheName(node->name);
    const std::string path =
        JoinPath(JoinPath(saved_model_dir, "assets"), std::string(kEngineCacheFilePrefix) + name);
    if (!env->FileExists(path)) continue;
    auto capacity = GetIntAttrOr(*node, "max_cached_engines_count", 1);
    LoadEngineNodeAsset(env, path, *node, *caches->runtime().backend,
                        *caches->Get(name, capacity.ok() ? static_cast<int>(*capacity) : 1));
  }
}

std::vector<SavedEngine> SavedEngines(Env* env, const std::string& saved_model_dir,
                                      const std::string& engine_name) {
  const std::string path = JoinPath(JoinPath(saved_model_dir, "assets"),
                                    std::string(kEngineCacheFilePrefix) + engine_name);
  std::vector<SavedEngine> engines;
  auto contents = env->ReadFileToString(path);
  if (!contents.ok()) return engines;
  auto blobs = ParseEngineCacheFile(*contents);
  if (!blobs.ok()) return engines;
  for (const std::string& blob : *blobs) {
    auto target = EngineBlobTarget(blob);
    auto plan = EngineBlobPlan(blob);
    if (target.ok() && plan.ok()) engines.push_back({*target, *std::move(plan)});
  }
  return engines;
}

std::vector<std::pair<std::string, std::string>> EngineAssetFiles(const EngineCaches& caches) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [name, cache] : caches.All()) {
    std::vector<std::string> blobs;
    for (const auto& engine : cache->Engines()) {
      blobs.push_back(SerializeEngine(engine->plan(), engine->target()));
    }
    if (blobs.empty()) continue;
    files.emplace_back(std::string(kEngineCacheFilePrefix) + name, SerializeEngineCacheFile(blobs));
  }
  return files;
}

}  // namespace tftrt
