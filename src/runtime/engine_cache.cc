#include "runtime/engine_cache.h"

namespace tftrt {

std::shared_ptr<const CpuEngine> EngineCache::Find(const std::vector<Shape>& shapes) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = engines_.begin(); it != engines_.end(); ++it) {
    if (it->first != shapes) continue;
    engines_.splice(engines_.end(), engines_, it);
    return engines_.back().second;
  }
  return nullptr;
}

void EngineCache::Insert(std::shared_ptr<const CpuEngine> engine) {
  std::lock_guard<std::mutex> lock(mutex_);
  InsertLocked(std::move(engine));
}

void EngineCache::InsertLocked(std::shared_ptr<const CpuEngine> engine) {
  std::vector<Shape> shapes = EngineInputShapes(engine->network());
  engines_.remove_if([&](const auto& entry) { return entry.first == shapes; });
  engines_.emplace_back(std::move(shapes), std::move(engine));
  while (static_cast<int>(engines_.size()) > capacity_) engines_.pop_front();
}

StatusOr<std::shared_ptr<const CpuEngine>> EngineCache::FindOrBuild(
    const std::vector<Shape>& shapes,
    const std::function<StatusOr<std::unique_ptr<CpuEngine>>()>& build) {
  if (auto engine = Find(shapes)) return engine;
  std::lock_guard<std::mutex> building(build_mutex_);
  if (auto engine = Find(shapes)) return engine;  // built while we waited
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto failed = failed_.find(shapes);
    if (failed != failed_.end()) return failed->second;
  }
  auto built = build();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!built.ok()) {
    failed_[shapes] = built.status();
    return built.status();
  }
  std::shared_ptr<const CpuEngine> engine = std::move(built).value();
  InsertLocked(engine);
  return engine;
}

std::vector<std::shared_ptr<const CpuEngine>> EngineCache::Engines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<const CpuEngine>> engines;
  for (const auto& entry : engines_) engines.push_back(entry.second);
  return engines;
}

std::shared_ptr<EngineCache> EngineCaches::Get(const std::string& node_name, int capacity) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& cache = caches_[EngineCacheName(node_name)];
  if (cache == nullptr) cache = std::make_shared<EngineCache>(capacity);
  return cache;
}

std::map<std::string, std::shared_ptr<EngineCache>> EngineCaches::All() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return caches_;
}

std::string EngineCacheName(const std::string& node_name) {
  const size_t slash = node_name.rfind('/');
  return slash == std::string::npos ? node_name : node_name.substr(slash + 1);
}

std::vector<Shape> EngineInputShapes(const EngineNetwork& network) {
  std::vector<Shape> shapes;
  for (const EngineBinding& binding : network.input()) {
    Shape shape;
    for (const auto& dim : binding.shape().dim()) shape.push_back(dim.size());
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

}  // namespace tftrt
