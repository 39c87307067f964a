#include "runtime/engine_cache.h"

#include <cstdlib>

#include "backends/registry.h"

namespace tftrt {

StatusOr<EngineRuntime> EngineRuntimeFor(const ModelOptions& options) {
  EngineRuntime runtime;
  TFTRT_ASSIGN_OR_RETURN(Device device, ParseDevice(options.device));
  TFTRT_ASSIGN_OR_RETURN(runtime.backend, SelectBackend(device));
  runtime.require_engines = options.require_engines;
  const char* env = std::getenv("TFTRT_REQUIRE_ENGINES");
  const std::string strict = env == nullptr ? "" : env;
  if (strict == "1" || strict == "true") {
    runtime.require_engines = true;
  } else if (!strict.empty() && strict != "0" && strict != "false") {
    return Status::InvalidArgument("TFTRT_REQUIRE_ENGINES is '" + strict +
                                   "': expected 1, true, 0 or false");
  }
  return runtime;
}

std::shared_ptr<const Engine> EngineCache::Find(const std::vector<Shape>& shapes) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = engines_.begin(); it != engines_.end(); ++it) {
    if (it->first != shapes) continue;
    engines_.splice(engines_.end(), engines_, it);
    return engines_.back().second;
  }
  return nullptr;
}

void EngineCache::Insert(std::shared_ptr<const Engine> engine) {
  std::lock_guard<std::mutex> lock(mutex_);
  InsertLocked(std::move(engine));
}

void EngineCache::InsertLocked(std::shared_ptr<const Engine> engine) {
  std::vector<Shape> shapes = EngineInputShapes(engine->plan());
  engines_.remove_if([&](const auto& entry) { return entry.first == shapes; });
  engines_.emplace_back(std::move(shapes), std::move(engine));
  while (static_cast<int>(engines_.size()) > capacity_) engines_.pop_front();
}

StatusOr<std::shared_ptr<const Engine>> EngineCache::FindOrBuild(
    const std::vector<Shape>& shapes,
    const std::function<StatusOr<std::unique_ptr<Engine>>()>& build) {
  if (auto engine = Find(shapes)) return engine;
  std::lock_guard<std::mutex> building(build_mutex_);
  if (auto engine = Find(shapes)) return engine;  // built while we waited
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto failed = failed_.find(shapes);
    if (failed != failed_.end()) return failed->second;
  }
  auto built = build();
  ++builds_;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!built.ok()) {
    ++failed_builds_;
    failed_[shapes] = built.status();
    return built.status();
  }
  std::shared_ptr<const Engine> engine = std::move(built).value();
  InsertLocked(engine);
  return engine;
}

std::vector<std::shared_ptr<const Engine>> EngineCache::Engines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<const Engine>> engines;
  for (const auto& entry : engines_) engines.push_back(entry.second);
  return engines;
}

EngineCaches::EngineCaches() : EngineCaches(EngineRuntime{.backend = &CpuEngineBackend()}) {}

EngineNodeStats EngineCache::stats() const {
  return {engine_runs_.load(), native_fallbacks_.load(), builds_.load(), failed_builds_.load(),
          calibration_batches_.load()};
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

void EngineCaches::SetCalibration(std::shared_ptr<CalibrationSession> session) {
  std::lock_guard<std::mutex> lock(mutex_);
  calibration_ = std::move(session);
}

std::shared_ptr<CalibrationSession> EngineCaches::calibration() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calibration_;
}

void EngineCaches::SetInt8Evaluation(std::shared_ptr<Int8EvaluationRecorder> recorder) {
  std::lock_guard<std::mutex> lock(mutex_);
  int8_evaluation_ = std::move(recorder);
}

std::shared_ptr<Int8EvaluationRecorder> EngineCaches::int8_evaluation() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return int8_evaluation_;
}

void EngineCaches::Drop(const std::string& node_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  caches_.erase(EngineCacheName(node_name));
}

std::string EngineCacheName(const std::string& node_name) {
  const size_t slash = node_name.rfind('/');
  return slash == std::string::npos ? node_name : node_name.substr(slash + 1);
}

}  // namespace tftrt
