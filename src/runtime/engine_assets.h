// Pre-built engines of a converted SavedModel: assets/trt-serialized-engine.<engine node>
// (engine/engine_cache_file.h), loaded into the engine nodes' caches when the model loads.
// An engine that cannot be used here (another format version or target, a bad checksum)
// is skipped with a warning, never run: its node rebuilds it from the segment when
// allowed, or runs the native segment.
#ifndef TFTRT_RUNTIME_ENGINE_ASSETS_H_
#define TFTRT_RUNTIME_ENGINE_ASSETS_H_

#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "graph/graph.h"
#include "runtime/engine_cache.h"

namespace tftrt {

// Loads the engines of every engine node of `graph` that has an asset file, compiling
// them on the caches' backend; an engine built for a target it does not accept is skipped
// with a warning (its node rebuilds it from the segment or runs the native segment).
void LoadEngineAssets(Env* env, const std::string& saved_model_dir, const Graph& graph,
                      EngineCaches* caches);

// An engine saved with a model, built for any target.
struct SavedEngine {
  std::string target;
  EngineNetwork plan;
};

// The engines saved for engine node `engine_name` (the part after its last '/'), least
// recently used first; empty when it has none or they cannot be read.
std::vector<SavedEngine> SavedEngines(Env* env, const std::string& saved_model_dir,
                                      const std::string& engine_name);

// (asset file name, contents) for every cache that holds engines.
std::vector<std::pair<std::string, std::string>> EngineAssetFiles(const EngineCaches& caches);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_ENGINE_ASSETS_H_
