// TRTEngineOp through the executor: engines built at run time and cached per input shapes
// (EngineCache, LRU), pre-built engines loaded from assets, and the fallbacks to the native
// segment (builds not allowed, a failed build, an engine asset that does not fit).
#include <gtest/gtest.h>

#include <cstdlib>

#include "backends/cpu/cpu_backend.h"
#include "common/mem_env.h"
#include "engine/engine_blob.h"
#include "engine/engine_cache_file.h"
#include "engine/engine_test_util.h"
#include "runtime/calibration_session.h"
#include "runtime/engine_assets.h"
#include "runtime/engine_cache.h"
#include "runtime/kernel_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::AllHalfExact;
using testing::BitIdentical;
using testing::BuildCpuEngine;
using testing::ConvertGraph;
using testing::MakeExecutor;
using testing::RandomTensor;
using testing::RunGraph;
using testing::TensorsMatch;

constexpr char kEngine[] = "TRTEngineOp_000_000";
constexpr char kFunction[] = "TRTEngineOp_000_000_native_segment";
constexpr char kModelDir[] = "/model";

// x [?, 4] -> MatMul -> BiasAdd -> Relu -> Tanh.
void AddDenseGraph(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {-1, 4});
  graph.args().back().shape = PartialShape{false, {-1, 4}};
  Node* w = AddConstNode(graph, "w", RandomTensor({4, 3}, 111, -2.0f, 2.0f));
  Node* b = AddConstNode(graph, "b", RandomTensor({3}, 112));
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {w, 0}});
  Node* biased = AddFloatOp(graph, "biased", "BiasAdd", {{matmul, 0}, {b, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{biased, 0}});
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{relu, 0}});
  AddRet(graph, "y", {tanh, 0});
}

Tensor Batch(int64_t rows, uint32_t seed = 113) { return RandomTensor({rows, 4}, seed, -3, 3); }

// What the unconverted graph computes for `x`.
Tensor NativeResult(const Tensor& x) {
  Graph graph("g");
  AddDenseGraph(graph);
  auto outputs = RunGraph(graph, {x});
  EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
  return outputs.ok() ? (*outputs)[0] : Tensor();
}

// The dense graph with its segment replaced by an engine node, run by one executor whose
// engine caches the test can inspect.
class ConvertedDense {
 public:
  explicit ConvertedDense(const std::string& precision_mode = "FP32", int max_cached_engines = 1,
                          bool allow_build_at_runtime = true) {
    AddDenseGraph(graph_);
    EngineNodeParams params;
    params.max_cached_engines = max_cached_engines;
    params.allow_build_at_runtime = allow_build_at_runtime;
    auto engines = ConvertGraph(graph_, {}, params, &functions_);
    EXPECT_TRUE(engines.ok()) << engines.status().ToString();
    EXPECT_EQ(engines.ok() ? engines->size() : 0u, 1u);
    // Set as a loaded model would carry it. "INT8" here is an engine node that needs
    // calibration but has no calibration data, so its builds fail.
    Node* engine = graph_.FindNode(kEngine);
    engine->attrs["precision_mode"] = StringAttr(precision_mode);
    if (precision_mode == "INT8") engine->attrs["use_calibration"] = BoolAttr(true);
  }

  Graph& graph() { return graph_; }
  const FunctionGraphs& functions() const { return functions_; }
  EngineCaches& caches() { return *caches_; }
  EngineCache& cache() { return *caches_->Get(kEngine, 1); }

  Tensor Run(const Tensor& x) {
    auto outputs = TryRun(x);
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    return outputs.ok() ? (*outputs)[0] : Tensor();
  }

  StatusOr<std::vector<Tensor>> TryRun(const Tensor& x) {
    if (executor_ == nullptr) executor_ = MakeExecutor(graph_, functions_, caches_);
    return executor_->Run({x});
  }

  // Strict mode: a native fallback is an error.
  void RequireEngines() {
    caches_ = std::make_shared<EngineCaches>(
        EngineRuntime{.backend = &CpuEngineBackend(), .require_engines = true});
  }

 private:
  Graph graph_{"g"};
  FunctionGraphs functions_;
  std::shared_ptr<EngineCaches> caches_ = std::make_shared<EngineCaches>();
  std::unique_ptr<Executor> executor_;
};

// The input shapes of each engine of `cache`, least recently used first.
std::vector<std::vector<Shape>> CachedShapes(const EngineCache& cache) {
  std::vector<std::vector<Shape>> shapes;
  for (const auto& engine : cache.Engines()) shapes.push_back(EngineInputShapes(engine->plan()));
  return shapes;
}

// Warnings go to stderr unless TFTRT_LOG_LEVEL=error silences them.
bool WarningsShown() {
  const char* level = std::getenv("TFTRT_LOG_LEVEL");
  return level == nullptr || std::string(level) != "error";
}

int Count(const std::string& text, const std::string& part) {
  int count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(EngineOpTest, BuildsAnEngineAtRunTimeAndReusesIt) {
  ConvertedDense model;
  const Tensor x = Batch(2);
  EXPECT_TRUE(TensorsMatch(model.Run(x), NativeResult(x), 1e-6));
  ASSERT_EQ(CachedShapes(model.cache()), (std::vector<std::vector<Shape>>{{{2, 4}}}));
  const Engine* first = model.cache().Engines()[0].get();

  const Tensor other = Batch(2, 114);
  EXPECT_TRUE(TensorsMatch(model.Run(other), NativeResult(other), 1e-6));
  ASSERT_EQ(model.cache().Engines().size(), 1u);
  EXPECT_EQ(model.cache().Engines()[0].get(), first) << "the cached engine is reused";
}

TEST(EngineOpTest, OneEnginePerInputShapeLeastRecentlyUsedEvicted) {
  ConvertedDense model("FP32", /*max_cached_engines=*/2);
  for (int64_t rows : {2, 3, 2, 5}) {
    const Tensor x = Batch(rows);
    EXPECT_TRUE(TensorsMatch(model.Run(x), NativeResult(x), 1e-6)) << rows << " rows";
  }
  // [3, 4] was used least recently when [5, 4] came.
  EXPECT_EQ(model.cache().capacity(), 2);
  EXPECT_EQ(CachedShapes(model.cache()), (std::vector<std::vector<Shape>>{{{2, 4}}, {{5, 4}}}));
}

TEST(EngineOpTest, Fp16EngineRoundsAtRunTime) {
  ConvertedDense model("FP16");
  const Tensor x = Batch(6);
  const Tensor actual = model.Run(x);
  const Tensor expected = NativeResult(x);
  EXPECT_TRUE(AllHalfExact(actual));
  EXPECT_TRUE(TensorsMatch(actual, expected, 2e-2));
  EXPECT_FALSE(BitIdentical(actual, expected)) << "an FP16 engine ran, not the native segment";
  EXPECT_EQ(model.cache().Engines().size(), 1u);
}

// Builds not allowed and no engine cached: the native segment runs (an FP16 engine would
// have rounded the results).
TEST(EngineOpTest, WithoutBuildsAtRunTimeTheNativeSegmentRuns) {
  ConvertedDense model("FP16", 1, /*allow_build_at_runtime=*/false);
  const Tensor x = Batch(4);
  EXPECT_TRUE(BitIdentical(model.Run(x), NativeResult(x)));
  EXPECT_TRUE(model.cache().Engines().empty());
}

TEST(EngineOpTest, FailedBuildFallsBackToTheNativeSegmentAndIsNotRetried) {
  ConvertedDense model("INT8");
  const Tensor x = Batch(3);
  ::testing::internal::CaptureStderr();
  const Tensor first = model.Run(x);
  const Tensor second = model.Run(x);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(BitIdentical(first, NativeResult(x)));
  EXPECT_TRUE(BitIdentical(second, NativeResult(x)));
  EXPECT_TRUE(model.cache().Engines().empty());
  if (WarningsShown()) {
    EXPECT_EQ(Count(warnings, "cannot run an engine"), 1) << warnings;
    EXPECT_NE(warnings.find(kEngine), std::string::npos) << warnings;
    EXPECT_NE(warnings.find("INT8"), std::string::npos) << warnings;
  }
}

TEST(EngineOpTest, StrictModeMakesANativeFallbackAnErrorThatSaysWhy) {
  ConvertedDense model("INT8");
  model.RequireEngines();
  auto outputs = model.TryRun(Batch(3));
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(outputs.status().message().find(kEngine), std::string::npos);
  EXPECT_NE(outputs.status().message().find("INT8"), std::string::npos);
  EXPECT_NE(outputs.status().message().find("strict mode"), std::string::npos);
  EXPECT_EQ(model.cache().stats().native_fallbacks, 0);
}

TEST(EngineOpTest, StrictModeRunsEngines) {
  ConvertedDense model;
  model.RequireEngines();
  const Tensor x = Batch(2);
  EXPECT_TRUE(TensorsMatch(model.Run(x), NativeResult(x), 1e-6));
}

TEST(EngineOpTest, StatsCountEngineRunsFallbacksAndBuilds) {
  ConvertedDense built;
  built.Run(Batch(2));
  built.Run(Batch(2, 7));
  built.Run(Batch(5));
  EngineNodeStats stats = built.cache().stats();
  EXPECT_EQ(stats.engine_runs, 3);
  EXPECT_EQ(stats.builds, 2);
  EXPECT_EQ(stats.native_fallbacks, 0);

  ConvertedDense failing("INT8");
  ::testing::internal::CaptureStderr();
  failing.Run(Batch(2));
  failing.Run(Batch(2));
  ::testing::internal::GetCapturedStderr();
  stats = failing.cache().stats();
  EXPECT_EQ(stats.engine_runs, 0);
  EXPECT_EQ(stats.native_fallbacks, 2);
  EXPECT_EQ(stats.builds, 1);
  EXPECT_EQ(stats.failed_builds, 1);
}

// During calibration an INT8 node runs its native segment (exact results) and records the
// tensors its INT8 layer would quantize: the segment's input and the fused output.
TEST(EngineOpTest, CalibrationRunsTheNativeSegmentAndRecordsTheInt8Tensors) {
  ConvertedDense model("INT8");
  auto session = std::make_shared<CalibrationSession>();
  model.caches().SetCalibration(session);
  for (uint32_t seed : {1u, 2u, 3u}) {
    const Tensor x = Batch(3, seed);
    EXPECT_TRUE(BitIdentical(model.Run(x), NativeResult(x)));
  }
  const auto calibrators = session->Calibrators();
  ASSERT_EQ(calibrators.size(), 1u);
  const SegmentCalibrator& calibrator = *calibrators.at(kEngine);
  EXPECT_EQ(calibrator.batches(), 3);
  EXPECT_EQ(calibrator.tensors(), (std::vector<std::string>{"TensorRTInputPH_0:0", "tanh:0"}));
  const CalibrationTable table = calibrator.Table();
  EXPECT_GT(table.at("TensorRTInputPH_0:0"), 1.0f);
  EXPECT_LE(table.at("TensorRTInputPH_0:0"), 3.0f);  // Batch() draws from [-3, 3)
  EXPECT_GT(table.at("tanh:0"), 0.0f);
  EXPECT_LE(table.at("tanh:0"), 1.0f);
  EXPECT_EQ(model.cache().stats().calibration_batches, 3);
  EXPECT_EQ(model.cache().stats().builds, 0);
  EXPECT_TRUE(model.cache().Engines().empty());

  // Once calibration ends, the node builds engines (here: no table, so they fail).
  model.caches().SetCalibration(nullptr);
  ::testing::internal::CaptureStderr();
  model.Run(Batch(3));
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(model.cache().stats().failed_builds, 1);
  EXPECT_EQ(model.cache().stats().calibration_batches, 3);
}

TEST(EngineOpTest, Int8EnginesBuildFromTheCalibrationDataAttribute) {
  ConvertedDense model("INT8");
  model.graph().FindNode(kEngine)->attrs["calibration_data"] =
      StringAttr(SerializeCalibrationTable({{"TensorRTInputPH_0:0", 3.0f}, {"tanh:0", 1.0f}}));
  const Tensor x = Batch(5);
  const Tensor actual = model.Run(x);
  const Tensor expected = NativeResult(x);
  EXPECT_TRUE(TensorsMatch(actual, expected, 3e-2));
  EXPECT_FALSE(TensorsMatch(actual, expected, 1e-4)) << "an INT8 engine ran";
  ASSERT_EQ(model.cache().Engines().size(), 1u);
  const EngineNetwork& plan = model.cache().Engines()[0]->plan();
  EXPECT_EQ(plan.precision(), "INT8");
  EXPECT_EQ(plan.layer(0).precision(), "INT8");
}

TEST(EngineOpTest, ABadCalibrationTableFallsBackToTheNativeSegmentSayingWhy) {
  ConvertedDense model("INT8");
  model.graph().FindNode(kEngine)->attrs["calibration_data"] = StringAttr("TRT-8601-Entropy\n");
  const Tensor x = Batch(2);
  ::testing::internal::CaptureStderr();
  const Tensor actual = model.Run(x);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(BitIdentical(actual, NativeResult(x)));
  if (WarningsShown()) {
    EXPECT_NE(warnings.find("calibration_data"), std::string::npos) << warnings;
    EXPECT_NE(warnings.find("not a tftrt calibration table"), std::string::npos) << warnings;
  }
}

TEST(EngineOpTest, EngineNodeNeedsTheModelsFunctions) {
  Graph graph("g");
  AddDenseGraph(graph);
  FunctionGraphs functions;
  auto engines = ConvertGraph(graph, {}, {}, &functions);
  ASSERT_TRUE(engines.ok()) << engines.status().ToString();
  auto outputs =
      testing::RunKernel("TRTEngineOp", (*engines)[0]->attrs, {Batch(2)}, /*functions=*/nullptr);
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kFailedPrecondition);
}

// --- Engines from assets -------------------------------------------------------------

// A serialized engine for the dense graph's segment and `rows` rows.
std::string SegmentEngineBlob(const ConvertedDense& model, int64_t rows, Precision precision,
                              std::string_view target = kCpuTarget) {
  BuildOptions options;
  options.precision = precision;
  auto engine = BuildCpuEngine(*model.functions().at(kFunction),
                               {{DataType::kFloat, {rows, 4}, nullptr}}, options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? SerializeEngine((*engine)->plan(), target) : "";
}

std::string AssetPath() {
  return std::string(kModelDir) + "/assets/" + std::string(kEngineCacheFilePrefix) + kEngine;
}

// Writes the engine cache file of the dense graph's engine node into `env`.
void WriteAsset(MemEnv& env, const std::vector<std::string>& blobs) {
  ASSERT_TRUE(env.CreateDir(kModelDir).ok());
  ASSERT_TRUE(env.CreateDir(std::string(kModelDir) + "/assets").ok());
  ASSERT_TRUE(env.WriteStringToFile(AssetPath(), SerializeEngineCacheFile(blobs)).ok());
}

// Loads the assets in `env` into the model's caches; returns the warnings.
std::string LoadAssets(MemEnv& env, ConvertedDense& model) {
  ::testing::internal::CaptureStderr();
  LoadEngineAssets(&env, kModelDir, model.graph(), &model.caches());
  return ::testing::internal::GetCapturedStderr();
}

// The pre-built FP16 engine for 2 rows runs (its results are rounded) although the node
// says FP32 and may not build; other shapes run natively.
TEST(EngineOpTest, PrebuiltEngineFromAssetsIsUsed) {
  ConvertedDense model("FP32", 1, /*allow_build_at_runtime=*/false);
  MemEnv env;
  WriteAsset(env, {SegmentEngineBlob(model, 2, Precision::kFP16)});
  const std::string warnings = LoadAssets(env, model);
  EXPECT_EQ(warnings, "");
  ASSERT_EQ(CachedShapes(model.cache()), (std::vector<std::vector<Shape>>{{{2, 4}}}));

  const Tensor two = Batch(2);
  const Tensor from_engine = model.Run(two);
  EXPECT_TRUE(AllHalfExact(from_engine));
  EXPECT_FALSE(BitIdentical(from_engine, NativeResult(two)));
  EXPECT_TRUE(TensorsMatch(from_engine, NativeResult(two), 2e-2));

  const Tensor three = Batch(3);
  EXPECT_TRUE(BitIdentical(model.Run(three), NativeResult(three)));
}

TEST(EngineOpTest, DamagedEngineAssetIsSkippedWithAWarning) {
  ConvertedDense model("FP32", 1, /*allow_build_at_runtime=*/false);
  MemEnv env;
  WriteAsset(env, {SegmentEngineBlob(model, 2, Precision::kFP16)});
  auto size = env.GetFileSize(AssetPath());
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(env.CorruptByte(AssetPath(), *size - 3).ok());  // inside the payload
  const std::string warnings = LoadAssets(env, model);
  EXPECT_TRUE(model.cache().Engines().empty());
  if (WarningsShown()) {
    EXPECT_NE(warnings.find("checksum"), std::string::npos) << warnings;
    EXPECT_NE(warnings.find(kEngine), std::string::npos) << warnings;
  }
  const Tensor x = Batch(2);
  EXPECT_TRUE(BitIdentical(model.Run(x), NativeResult(x)));
}

TEST(EngineOpTest, EngineForAnotherTargetIsSkippedAndRebuilt) {
  ConvertedDense model("FP32");
  MemEnv env;
  WriteAsset(env, {SegmentEngineBlob(model, 2, Precision::kFP16, "cuda:sm_90"),
                   SegmentEngineBlob(model, 3, Precision::kFP16)});
  const std::string warnings = LoadAssets(env, model);
  // The usable one (3 rows) is loaded; the other is skipped, never run.
  ASSERT_EQ(CachedShapes(model.cache()), (std::vector<std::vector<Shape>>{{{3, 4}}}));
  if (WarningsShown()) {
    EXPECT_NE(warnings.find("cuda:sm_90"), std::string::npos) << warnings;
    EXPECT_EQ(Count(warnings, "cannot be used"), 1) << warnings;
  }
  // Builds are allowed: 2 rows gets an FP32 engine built from the segment.
  const Tensor x = Batch(2);
  EXPECT_TRUE(TensorsMatch(model.Run(x), NativeResult(x), 1e-6));
  EXPECT_FALSE(AllHalfExact(model.Run(x)));
  EXPECT_EQ(CachedShapes(model.cache()), (std::vector<std::vector<Shape>>{{{2, 4}}}));
}

TEST(EngineOpTest, TruncatedAssetFileIsSkippedWithAWarning) {
  ConvertedDense model;
  MemEnv env;
  WriteAsset(env, {SegmentEngineBlob(model, 2, Precision::kFP32)});
  auto size = env.GetFileSize(AssetPath());
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(env.Truncate(AssetPath(), *size / 2).ok());
  const std::string warnings = LoadAssets(env, model);
  EXPECT_TRUE(model.cache().Engines().empty());
  if (WarningsShown()) {
    EXPECT_NE(warnings.find("truncated"), std::string::npos) << warnings;
  }
}

// Engines built at run time are what Save writes, least recently used first.
TEST(EngineOpTest, CachedEnginesBecomeAssetFiles) {
  ConvertedDense model("FP16", /*max_cached_engines=*/3);
  for (int64_t rows : {4, 1}) model.Run(Batch(rows));
  auto files = EngineAssetFiles(model.caches());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].first, std::string(kEngineCacheFilePrefix) + kEngine);
  auto blobs = ParseEngineCacheFile(files[0].second);
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  ASSERT_EQ(blobs->size(), 2u);
  const Shape expected_rows[] = {{4, 4}, {1, 4}};
  for (size_t i = 0; i < blobs->size(); ++i) {
    auto network = DeserializeEngine((*blobs)[i], CpuEngineBackend());
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    EXPECT_EQ(network->precision(), "FP16");
    EXPECT_EQ(EngineInputShapes(*network), (std::vector<Shape>{expected_rows[i]}));
  }
}

// --- EngineCache ---------------------------------------------------------------------

// An engine (x -> Relu) for inputs of `shape`.
StatusOr<std::unique_ptr<Engine>> BuildReluEngine(const Shape& shape) {
  Graph graph("segment");
  Node* x = AddArg(graph, "x", DataType::kFloat, shape);
  AddRet(graph, "y", {AddFloatOp(graph, "relu", "Relu", {{x, 0}}), 0});
  return BuildCpuEngine(graph, {{DataType::kFloat, shape, nullptr}});
}

std::shared_ptr<const Engine> ReluEngine(const Shape& shape) {
  auto engine = BuildReluEngine(shape);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

TEST(EngineCacheTest, EvictsTheLeastRecentlyUsed) {
  EngineCache cache(2);
  auto a = ReluEngine({1}), b = ReluEngine({2}), c = ReluEngine({3});
  cache.Insert(a);
  cache.Insert(b);
  EXPECT_EQ(cache.Find({{1}}), a);  // a is now the most recently used
  cache.Insert(c);
  EXPECT_EQ(cache.Find({{2}}), nullptr) << "b was the least recently used";
  EXPECT_EQ(cache.Engines(), (std::vector<std::shared_ptr<const Engine>>{a, c}));
  EXPECT_EQ(cache.Find({{1}}), a);
  EXPECT_EQ(cache.Engines(), (std::vector<std::shared_ptr<const Engine>>{c, a}));
}

TEST(EngineCacheTest, InsertReplacesAnEngineForTheSameShapes) {
  EngineCache cache(3);
  auto old_engine = ReluEngine({4}), new_engine = ReluEngine({4});
  cache.Insert(old_engine);
  cache.Insert(new_engine);
  EXPECT_EQ(cache.Engines(), (std::vector<std::shared_ptr<const Engine>>{new_engine}));
}

TEST(EngineCacheTest, CapacityIsAtLeastOne) {
  EngineCache cache(0);
  EXPECT_EQ(cache.capacity(), 1);
  cache.Insert(ReluEngine({1}));
  cache.Insert(ReluEngine({2}));
  EXPECT_EQ(cache.Engines().size(), 1u);
  EXPECT_NE(cache.Find({{2}}), nullptr);
}

TEST(EngineCacheTest, FindOrBuildBuildsOncePerShapes) {
  EngineCache cache(2);
  int builds = 0;
  auto build = [&]() {
    ++builds;
    return BuildReluEngine({7});
  };
  auto first = cache.FindOrBuild({{7}}, build);
  auto second = cache.FindOrBuild({{7}}, build);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(builds, 1);
}

TEST(EngineCacheTest, FindOrBuildRemembersAFailedBuild) {
  EngineCache cache(2);
  int builds = 0;
  auto failing = [&]() -> StatusOr<std::unique_ptr<Engine>> {
    ++builds;
    return Status::Unimplemented("no engine today");
  };
  for (int i = 0; i < 3; ++i) {
    auto engine = cache.FindOrBuild({{5}}, failing);
    ASSERT_FALSE(engine.ok());
    EXPECT_EQ(engine.status().code(), StatusCode::kUnimplemented);
    EXPECT_NE(engine.status().message().find("no engine today"), std::string::npos);
  }
  EXPECT_EQ(builds, 1);
  EXPECT_TRUE(cache.Engines().empty());
  // Other shapes still build.
  auto other = cache.FindOrBuild({{6}}, [&]() {
    ++builds;
    return BuildReluEngine({6});
  });
  EXPECT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(builds, 2);
}

TEST(EngineCacheTest, CachesAreFoundByTheNodeNamesLastPart) {
  EXPECT_EQ(EngineCacheName("StatefulPartitionedCall/TRTEngineOp_000_001"), "TRTEngineOp_000_001");
  EXPECT_EQ(EngineCacheName("TRTEngineOp_000_001"), "TRTEngineOp_000_001");
  EngineCaches caches;
  auto inner = caches.Get("a/b/TRTEngineOp_000_001", 4);
  EXPECT_EQ(caches.Get("TRTEngineOp_000_001", 9), inner);
  EXPECT_EQ(inner->capacity(), 4) << "the first Get sets the capacity";
  EXPECT_EQ(caches.All().size(), 1u);
}

}  // namespace
}  // namespace tftrt
