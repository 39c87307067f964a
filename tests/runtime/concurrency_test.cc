// Concurrent inference (issue 12, "Concurrency"): one loaded model run from 8 threads, 500
// runs each, with different inputs, gives exactly (bit for bit) the outputs of sequential
// runs of that model:
//   - natively: the unconverted cnn fixture, every op on the native executor;
//   - with engines: the cnn fixture converted without pre-built engines, saved, and loaded
//     in strict mode on the cpu backend (a native fallback fails the run), so the first
//     runs of the threads race to build the engines in the engine cache; the inputs have
//     three batch sizes (within maximum_cached_engines), so different threads build
//     different engines of one cache at once. The engine reports must then show one build
//     per batch size and only engine runs. The same for the converted function that
//     Convert() returns, run in process;
//   - with engines evicted: maximum_cached_engines 1 for the three batch sizes, so runs
//     evict engines that other threads are running and build new ones (a fifth of the
//     runs: nearly each is a build);
//   - natively with control flow: the lstm fixture (a While loop over TensorLists) and the
//     control_flow fixture (If, While), with inputs made from their cases;
//   - natively with lookup tables: the text_classifier and text_lookup fixtures, whose
//     tables (made once at load) every thread reads.
// Each thread starts at another input set and cycles through all of them, so the threads
// share the callers' input tensors and every engine is run by every thread.
//
// scripts/test.sh also runs this test under ThreadSanitizer (build-tsan) and under
// AddressSanitizer; both set TFTRT_SANITIZER_RUN=1, and the threads then make 50 runs each
// instead of 500 (TSan slows a run about 30x: 500 runs take minutes there; 8 threads x 50
// runs still interleave every phase: racing builds, cache hits, evictions, running engines).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "testing/fixtures.h"
#include "testing/tensor_compare.h"
#include "tftrt/converter.h"
#include "tftrt/model.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

constexpr int kThreads = 8;
constexpr int kInputSets = 8;
// The batch sizes of the input sets, cycled; one engine each per engine node.
constexpr int64_t kBatchSizes[] = {1, 2, 3};
constexpr int kDistinctBatchSizes = 3;

int RunsPerThread() { return std::getenv("TFTRT_SANITIZER_RUN") != nullptr ? 50 : 500; }

std::string CnnModelDir() { return testing::FixturesDir() + "/cnn/model"; }

// Input set `index`: an image batch of values that differ per set.
InputSet MakeInputs(int index) {
  const int64_t batch = kBatchSizes[index % kDistinctBatchSizes];
  Tensor image(DataType::kFloat, {batch, 32, 32, 3});
  float* data = image.flat<float>();
  uint32_t state = 0x9e3779b9u * static_cast<uint32_t>(index + 1);
  for (int64_t i = 0; i < image.NumElements(); ++i) {
    state = state * 1664525u + 1013904223u;  // an LCG: deterministic, different per set
    data[i] = static_cast<float>(state >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
  }
  return {{"image", image}};
}

// What went wrong in one thread: mismatching outputs and failed runs, and the first
// failure's description.
struct ThreadResult {
  int failures = 0;
  std::string first_failure;
  void Fail(const std::string& what) {
    if (failures++ == 0) first_failure = what;
  }
};

std::string Mismatch(const std::map<std::string, Tensor>& outputs,
                     const std::map<std::string, Tensor>& expected) {
  if (outputs.size() != expected.size()) return "outputs differ in number";
  for (const auto& [name, tensor] : expected) {
    auto it = outputs.find(name);
    if (it == outputs.end()) return "no output '" + name + "'";
    if (!testing::SameBytes(it->second, tensor)) {
      return "output '" + name + "' differs: " + it->second.ValuesString(6) + " vs sequential " +
             tensor.ValuesString(6);
    }
  }
  return "";
}

// The outputs of each input set, run one after another on `model`.
std::vector<std::map<std::string, Tensor>> SequentialOutputs(Model& model,
                                                             const std::vector<InputSet>& inputs) {
  std::vector<std::map<std::string, Tensor>> expected;
  for (const InputSet& set : inputs) {
    auto outputs = model.Run(set);
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    if (!outputs.ok()) return {};
    expected.push_back(std::move(outputs).value());
  }
  // Sequential runs are deterministic: a second pass gives the same bytes.
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto outputs = model.Run(inputs[i]);
    EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
    if (!outputs.ok()) return {};
    const std::string mismatch = Mismatch(*outputs, expected[i]);
    EXPECT_EQ(mismatch, "") << "input set " << i << " run twice sequentially";
  }
  return expected;
}

// kThreads threads, released together, each running `model` `runs` times; run r
// of thread t uses input set (t + r) % kInputSets. Every output must equal `expected`.
void RunConcurrently(Model& model, const std::vector<InputSet>& inputs,
                     const std::vector<std::map<std::string, Tensor>>& expected,
                     int runs = RunsPerThread()) {
  ASSERT_EQ(inputs.size(), expected.size());
  std::vector<ThreadResult> results(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int r = 0; r < runs; ++r) {
        const size_t set = static_cast<size_t>(t + r) % inputs.size();
        auto outputs = model.Run(inputs[set]);
        const std::string where =
            "run " + std::to_string(r) + " (input set " + std::to_string(set) + "): ";
        if (!outputs.ok()) {
          results[t].Fail(where + outputs.status().ToString());
          continue;
        }
        const std::string mismatch = Mismatch(*outputs, expected[set]);
        if (!mismatch.empty()) results[t].Fail(where + mismatch);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(results[t].failures, 0)
        << "thread " << t << ": " << results[t].failures << " of " << runs
        << " runs failed or differed from the sequential run; first: " << results[t].first_failure;
  }
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(CnnModelDir())) {
      GTEST_SKIP() << CnnModelDir() << " is absent (scripts/test.sh makes the fixtures; set "
                   << "TFTRT_FIXTURES_DIR)";
    }
    for (int i = 0; i < kInputSets; ++i) inputs_.push_back(MakeInputs(i));
  }

  std::vector<InputSet> inputs_;
};

// Native control flow (While/If with their function graphs, TensorLists) and shared lookup
// tables: eight input sets made from a fixture's cases, each float input scaled by a factor
// of its own.
class NativeControlFlowTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NativeControlFlowTest, RunsMatchSequentialRuns) {
  const fs::path fixture = fs::path(testing::FixturesDir()) / GetParam();
  const fs::path cases = fixture / "cases" / "serving_default";
  if (!fs::is_directory(cases)) {
    GTEST_SKIP() << cases << " is absent (scripts/test.sh makes the fixtures; set "
                 << "TFTRT_FIXTURES_DIR)";
  }
  std::vector<fs::path> case_dirs;
  for (const auto& entry : fs::directory_iterator(cases)) case_dirs.push_back(entry.path());
  std::sort(case_dirs.begin(), case_dirs.end());
  ASSERT_FALSE(case_dirs.empty());
  std::vector<InputSet> inputs;
  for (int i = 0; i < kInputSets; ++i) {
    InputSet set = testing::ReadNpyDir(case_dirs[i % case_dirs.size()] / "inputs");
    ASSERT_FALSE(set.empty());
    for (auto& [name, tensor] : set) {
      if (tensor.dtype() != DataType::kFloat) continue;
      tensor = tensor.Clone();
      float* data = tensor.flat<float>();
      for (int64_t j = 0; j < tensor.NumElements(); ++j) data[j] *= 1.0f + 0.125f * i;
    }
    inputs.push_back(std::move(set));
  }
  auto model =
      Model::Load((fixture / "model").string(), "serving_default", {"serve"}, {.device = "cpu"});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const auto expected = SequentialOutputs(**model, inputs);
  ASSERT_EQ(expected.size(), inputs.size());
  RunConcurrently(**model, inputs, expected);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NativeControlFlowTest,
                         ::testing::Values("lstm", "control_flow", "text_classifier",
                                           "text_lookup"),
                         [](const auto& info) { return info.param; });

TEST_F(ConcurrencyTest, NativeRunsMatchSequentialRuns) {
  auto model = Model::Load(CnnModelDir(), "serving_default", {"serve"}, {.device = "cpu"});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE((*model)->EngineReports().empty()) << "the unconverted model has engine nodes";
  const auto expected = SequentialOutputs(**model, inputs_);
  ASSERT_EQ(expected.size(), inputs_.size());
  RunConcurrently(**model, inputs_, expected);
}

// The engine tests' model: the cnn fixture converted (FP32) with `maximum_cached_engines`
// and saved to a fresh directory without engines. The converted function of Convert()
// (run in process) goes to `function`.
class EngineConcurrencyTest : public ConcurrencyTest {
 protected:
  void SetUp() override {
    ConcurrencyTest::SetUp();
    if (IsSkipped()) return;
    out_ = fs::temp_directory_path() /
           ("tftrt_concurrency_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(out_);
  }
  void TearDown() override {
    if (!out_.empty()) fs::remove_all(out_);
  }

  void ConvertWithoutEngines(int maximum_cached_engines, std::shared_ptr<Model>* function) {
    ConverterOptions options;
    options.input_saved_model_dir = CnnModelDir();
    options.conversion_params.maximum_cached_engines = maximum_cached_engines;
    options.model_options = kStrict;
    auto converter = Converter::Create(options);
    ASSERT_TRUE(converter.ok()) << converter.status().ToString();
    auto converted = converter->Convert();
    ASSERT_TRUE(converted.ok()) << converted.status().ToString();
    // No Build(): the saved model has no engines; they are built when it runs.
    const Status saved = converter->Save(out_.string());
    ASSERT_TRUE(saved.ok()) << saved.ToString();
    *function = std::move(converted).value();
  }

  // A fresh model of the saved conversion: no engine built yet.
  std::unique_ptr<Model> LoadWithoutEngines() {
    auto model = Model::Load(out_.string(), "serving_default", {"serve"}, kStrict);
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    if (!model.ok()) return nullptr;
    for (const EngineNodeReport& report : (*model)->EngineReports()) {
      EXPECT_EQ(report.cached_engines, 0) << report.node << ": the saved model has engines";
    }
    return std::move(model).value();
  }

  // Strict mode on the cpu backend: an engine node that cannot run an engine fails the run.
  const ModelOptions kStrict{.device = "cpu", .require_engines = true};
  fs::path out_;
};

// Every engine node of `model` ran `runs` times as an engine and never natively.
void ExpectOnlyEngineRuns(const Model& model, int64_t runs) {
  const auto reports = model.EngineReports();
  ASSERT_FALSE(reports.empty()) << "the converted cnn has no engine node";
  for (const EngineNodeReport& report : reports) {
    EXPECT_EQ(report.backend, "cpu") << report.node;
    EXPECT_EQ(report.failed_builds, 0) << report.node;
    EXPECT_EQ(report.engine_runs, runs) << report.node;
    EXPECT_EQ(report.native_fallbacks, 0) << report.node;
  }
  // Engines in host memory have no device-resident latency to measure.
  auto resident = model.DeviceResidentLatencies(1);
  ASSERT_TRUE(resident.ok()) << resident.status().ToString();
  EXPECT_TRUE(resident->empty());
}

TEST_F(EngineConcurrencyTest, EngineRunsMatchSequentialRunsWhileBuildsRace) {
  std::shared_ptr<Model> function;
  ASSERT_NO_FATAL_FAILURE(ConvertWithoutEngines(kDistinctBatchSizes, &function));
  // The sequential reference, on a model of its own: the concurrent models start with
  // empty engine caches.
  auto sequential = LoadWithoutEngines();
  ASSERT_NE(sequential, nullptr);
  const auto expected = SequentialOutputs(*sequential, inputs_);
  ASSERT_EQ(expected.size(), inputs_.size());
  ExpectOnlyEngineRuns(*sequential, 2 * kInputSets);

  // The saved model, loaded again, and the converted function of Convert() (which has not
  // run yet either).
  auto loaded = LoadWithoutEngines();
  ASSERT_NE(loaded, nullptr);
  for (Model* model : {loaded.get(), function.get()}) {
    SCOPED_TRACE(model == function.get() ? "the converted function" : "the loaded model");
    RunConcurrently(*model, inputs_, expected);
    ExpectOnlyEngineRuns(*model, int64_t{kThreads} * RunsPerThread());
    for (const EngineNodeReport& report : model->EngineReports()) {
      EXPECT_EQ(report.builds, kDistinctBatchSizes) << report.node << ": one build per shape";
      EXPECT_EQ(report.cached_engines, kDistinctBatchSizes) << report.node;
    }
  }
}

// One cached engine for three batch sizes: nearly every run evicts the engine other threads
// are running, and builds another. Fewer runs: each is a build.
TEST_F(EngineConcurrencyTest, EvictionWhileEnginesRunKeepsOutputs) {
  std::shared_ptr<Model> function;
  ASSERT_NO_FATAL_FAILURE(ConvertWithoutEngines(/*maximum_cached_engines=*/1, &function));
  auto sequential = LoadWithoutEngines();
  ASSERT_NE(sequential, nullptr);
  const auto expected = SequentialOutputs(*sequential, inputs_);
  ASSERT_EQ(expected.size(), inputs_.size());

  auto model = LoadWithoutEngines();
  ASSERT_NE(model, nullptr);
  const int runs = RunsPerThread() / 5;
  RunConcurrently(*model, inputs_, expected, runs);
  ExpectOnlyEngineRuns(*model, int64_t{kThreads} * runs);
  for (const EngineNodeReport& report : model->EngineReports()) {
    EXPECT_GE(report.builds, kDistinctBatchSizes) << report.node;
    EXPECT_EQ(report.cached_engines, 1) << report.node;
  }
}

}  // namespace
}  // namespace tftrt
