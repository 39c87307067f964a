// The engines of engine nodes (TRTEngineOp), cached per input shapes.
//
// Each engine node has one EngineCache, found by the node's name after its last '/' (as
// TF-TRT names its cache resources, so a node keeps its engines however the graph was
// inlined). A cache holds at most `capacity` engines and evicts the least recently used;
// it remembers input shapes whose build failed so they go native without retrying.
//
// Thread safety: all methods may be called concurrently; Build serializes engine builds of
// one cache.
#ifndef TFTRT_RUNTIME_ENGINE_CACHE_H_
#define TFTRT_RUNTIME_ENGINE_CACHE_H_

#include <algorithm>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "backends/cpu/cpu_engine.h"

namespace tftrt {

// The backend target this runtime builds and runs engines for.
inline constexpr std::string_view kCpuEngineTarget = "cpu";

class EngineCache {
 public:
  explicit EngineCache(int capacity) : capacity_(std::max(capacity, 1)) {}

  // The engine for these input shapes (marking it most recently used), or null.
  std::shared_ptr<const CpuEngine> Find(const std::vector<Shape>& shapes);
  // Adds an engine for its network's input shapes, evicting the least recently used.
  void Insert(std::shared_ptr<const CpuEngine> engine);

  // Finds or builds (once: concurrent callers wait) the engine for `shapes`. A failed
  // build is remembered and returned again without rebuilding.
  StatusOr<std::shared_ptr<const CpuEngine>> FindOrBuild(
      const std::vector<Shape>& shapes,
      const std::function<StatusOr<std::unique_ptr<CpuEngine>>()>& build);

  // The engines, least recently used first.
  std::vector<std::shared_ptr<const CpuEngine>> Engines() const;
  int capacity() const { return capacity_; }

 private:
  void InsertLocked(std::shared_ptr<const CpuEngine> engine);

  const int capacity_;
  mutable std::mutex mutex_;
  std::mutex build_mutex_;
  // Least recently used first.
  std::list<std::pair<std::vector<Shape>, std::shared_ptr<const CpuEngine>>> engines_;
  std::map<std::vector<Shape>, Status> failed_;
};

// The caches of one model's engine nodes.
class EngineCaches {
 public:
  // The cache of engine node `node_name` (its part after the last '/'), created with
  // `capacity` on first use.
  std::shared_ptr<EngineCache> Get(const std::string& node_name, int capacity);
  // (cache name, cache) for every cache created so far.
  std::map<std::string, std::shared_ptr<EngineCache>> All() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<EngineCache>> caches_;
};

// "TRTEngineOp_000_001" for "StatefulPartitionedCall/TRTEngineOp_000_001".
std::string EngineCacheName(const std::string& node_name);

// The shapes of an engine's inputs, its cache key.
std::vector<Shape> EngineInputShapes(const EngineNetwork& network);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_ENGINE_CACHE_H_
