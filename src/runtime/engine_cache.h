// The engines of engine nodes (TRTEngineOp), cached per input shapes, and what each engine
// node did: engine runs, native fallbacks, builds.
//
// Each engine node has one EngineCache, found by the node's name after its last '/' (as
// TF-TRT names its cache resources, so a node keeps its engines however the graph was
// inlined). A cache holds at most `capacity` engines and evicts the least recently used;
// it remembers input shapes whose build failed so they go native without retrying. All
// caches of a model share one EngineRuntime: the backend that builds and runs engines,
// and whether a native fallback is an error (strict mode).
//
// Thread safety: all methods may be called concurrently; Build serializes engine builds of
// one cache.
#ifndef TFTRT_RUNTIME_ENGINE_CACHE_H_
#define TFTRT_RUNTIME_ENGINE_CACHE_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "engine/network_builder.h"
#include "tftrt/model.h"

namespace tftrt {

// How a model's engine nodes build and run engines.
struct EngineRuntime {
  const EngineBackend* backend = nullptr;  // never null in a model
  // Strict mode: an engine node that runs its native segment fails instead.
  bool require_engines = false;
};

// The runtime ModelOptions ask for, with TFTRT_DEVICE and TFTRT_REQUIRE_ENGINES applied.
// InvalidArgument for an unknown device or a bad variable; FailedPrecondition for "cuda"
// where no GPU can be used.
StatusOr<EngineRuntime> EngineRuntimeFor(const ModelOptions& options);

// What one engine node did since the model loaded.
struct EngineNodeStats {
  int64_t engine_runs = 0;
  int64_t native_fallbacks = 0;
  int64_t builds = 0;
  int64_t failed_builds = 0;
  // Runs of the native segment that recorded INT8 calibration data.
  int64_t calibration_batches = 0;
};

class CalibrationSession;      // runtime/calibration_session.h
class Int8EvaluationRecorder;  // runtime/int8_evaluation_recorder.h

class EngineCache {
 public:
  explicit EngineCache(int capacity) : capacity_(std::max(capacity, 1)) {}

  // The engine for these input shapes (marking it most recently used), or null.
  std::shared_ptr<const Engine> Find(const std::vector<Shape>& shapes);
  // Adds an engine for its plan's input shapes, evicting the least recently used.
  void Insert(std::shared_ptr<const Engine> engine);

  // Finds or builds (once: concurrent callers wait) the engine for `shapes`. A failed
  // build is remembered and returned again without rebuilding.
  StatusOr<std::shared_ptr<const Engine>> FindOrBuild(
      const std::vector<Shape>& shapes,
      const std::function<StatusOr<std::unique_ptr<Engine>>()>& build);

  // The engines, least recently used first.
  std::vector<std::shared_ptr<const Engine>> Engines() const;
  int capacity() const { return capacity_; }

  void CountEngineRun() { ++engine_runs_; }
  void CountNativeFallback() { ++native_fallbacks_; }
  void CountCalibrationBatch() { ++calibration_batches_; }
  EngineNodeStats stats() const;

 private:
  void InsertLocked(std::shared_ptr<const Engine> engine);

  const int capacity_;
  mutable std::mutex mutex_;
  std::mutex build_mutex_;
  // Least recently used first.
  std::list<std::pair<std::vector<Shape>, std::shared_ptr<const Engine>>> engines_;
  std::map<std::vector<Shape>, Status> failed_;
  std::atomic<int64_t> engine_runs_{0};
  std::atomic<int64_t> native_fallbacks_{0};
  std::atomic<int64_t> builds_{0};
  std::atomic<int64_t> failed_builds_{0};
  std::atomic<int64_t> calibration_batches_{0};
};

// The caches of one model's engine nodes.
class EngineCaches {
 public:
  explicit EngineCaches(EngineRuntime runtime) : runtime_(runtime) {}
  // Caches whose engines build and run on the cpu backend, not strict.
  EngineCaches();

  const EngineRuntime& runtime() const { return runtime_; }

  // The cache of engine node `node_name` (its part after the last '/'), created with
  // `capacity` on first use.
  std::shared_ptr<EngineCache> Get(const std::string& node_name, int capacity);
  // (cache name, cache) for every cache created so far.
  std::map<std::string, std::shared_ptr<EngineCache>> All() const;

  // INT8 calibration (Converter::Convert): while a session is set, engine nodes that need
  // calibration run their native segment and record their tensors in it instead of
  // building engines. Null (the default) ends it.
  void SetCalibration(std::shared_ptr<CalibrationSession> session);
  std::shared_ptr<CalibrationSession> calibration() const;

  // INT8 accuracy evaluation (api/int8_accuracy.h): while a recorder is set, INT8 engine
  // nodes run their native segment and record their args in it. Null (the default) ends it.
  void SetInt8Evaluation(std::shared_ptr<Int8EvaluationRecorder> recorder);
  std::shared_ptr<Int8EvaluationRecorder> int8_evaluation() const;

  // Forgets the engines of engine node `node_name` (its engines are now built otherwise);
  // its next Get makes a new, empty cache.
  void Drop(const std::string& node_name);

 private:
  const EngineRuntime runtime_;
  mutable std::mutex mutex_;
  std::shared_ptr<CalibrationSession> calibration_;          // guarded by mutex_
  std::shared_ptr<Int8EvaluationRecorder> int8_evaluation_;  // guarded by mutex_
  std::map<std::string, std::shared_ptr<EngineCache>> caches_;
};

// "TRTEngineOp_000_001" for "StatefulPartitionedCall/TRTEngineOp_000_001".
std::string EngineCacheName(const std::string& node_name);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_ENGINE_CACHE_H_
