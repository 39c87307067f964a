// End-to-end conversion: every fixture of the read-and-run tests (and every real-world
// model) converts at FP32 (TF32 off), TF32 and FP16, engines are built for the first
// case's inputs, the converted SavedModel is saved, loaded back and run on every case in
// strict mode (an engine node that runs its native segment fails the run), every engine
// node must have run as an engine, and the outputs match TensorFlow's within
// testing::EngineTolerance (FP32 1e-4; TF32 5e-3; FP16 2e-2 relative and max-abs
// 5e-2 x max|reference|; integers exactly). The CNN fixtures must have at least 90% of
// their ops inside engines. Engines run on the backend TFTRT_DEVICE picks (auto: the GPU
// where there is one), which is how scripts/gpu-test.sh runs this test on the cuda backend.
//
// With $TFTRT_CONVERTED_DIR set, the converted models stay in
// <dir>/<precision>/<fixture>/<signature>/ for tests/fixtures/check_tf_loads.py, which
// loads them in stock TensorFlow (engine nodes replaced by calls of their segments).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "testing/fixtures.h"
#include "testing/optional_libraries.h"
#include "testing/tensor_compare.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

// One fixture signature converted at one precision.
struct ConversionCase {
  testing::FixtureSignature source;
  std::string precision;
  std::string Name() const { return source.Name() + "__" + precision; }
};
void PrintTo(const ConversionCase& c, std::ostream* out) { *out << c.Name(); }

std::vector<ConversionCase> AllConversionCases() {
  std::vector<ConversionCase> cases;
  for (const testing::FixtureSignature& signature : testing::AllFixtureSignatures()) {
    if (testing::IsTf1Fixture(signature.fixture)) continue;
    for (const char* precision : {"FP32", "TF32", "FP16"}) cases.push_back({signature, precision});
  }
  return cases;
}

bool IsCnnFixture(const std::string& fixture) {
  return fixture == "cnn" || fixture == "mobilenet_block" || fixture == "resnet50";
}

// Where the converted model goes: kept under $TFTRT_CONVERTED_DIR/<precision> for
// check_tf_loads.py, else a temporary directory.
fs::path OutputDir(const ConversionCase& c) {
  if (const char* dir = std::getenv("TFTRT_CONVERTED_DIR")) {
    return testing::KeptModelDir(c.source, fs::path(dir) / c.precision);
  }
  return fs::temp_directory_path() / ("tftrt_converted_" + c.Name());
}

class ConvertedFixture : public ::testing::TestWithParam<ConversionCase> {};

TEST_P(ConvertedFixture, MatchesTensorFlow) {
  const ConversionCase& c = GetParam();
  if (std::getenv("TFTRT_SANITIZER_RUN") != nullptr && c.source.fixture == "resnet50") {
    GTEST_SKIP() << "ResNet50 is run by the Release pass only (too slow under sanitizers)";
  }
  if (!fs::exists(c.source.model_dir)) GTEST_SKIP() << c.source.model_dir << " is absent";
  const testing::Tolerance tolerance = testing::EngineTolerance(c.precision);
  const ModelOptions strict{.require_engines = true};

  ConverterOptions options;
  options.input_saved_model_dir = c.source.model_dir;
  options.input_saved_model_signature_key = c.source.signature;
  options.conversion_params.precision_mode = c.precision == "FP16" ? "FP16" : "FP32";
  options.conversion_params.allow_tf32 = c.precision == "TF32";
  options.model_options = strict;
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  auto function = converter->Convert();
  ASSERT_TRUE(function.ok()) << function.status().ToString();
  const auto first_inputs = testing::ReadNpyDir(c.source.case_dirs.front() / "inputs");
  bool built = false;
  const Status build = converter->Build([&]() -> std::optional<InputSet> {
    if (built) return std::nullopt;
    built = true;
    return first_inputs;
  });
  if (auto missing = testing::MissingLibrary(build)) GTEST_SKIP() << *missing;
  ASSERT_TRUE(build.ok()) << build.ToString();
  const fs::path out = OutputDir(c);
  const Status saved = converter->Save(out.string(), /*overwrite=*/true);
  ASSERT_TRUE(saved.ok()) << saved.ToString();

  auto summary = converter->Summary();
  ASSERT_TRUE(summary.ok());
  const double percent =
      summary->total_ops == 0 ? 0.0 : 100.0 * summary->converted_ops / summary->total_ops;
  std::printf("[conversion] %-60s engines %2zu  ops converted %6.2f%% [%d/%d]\n", c.Name().c_str(),
              summary->engines.size(), percent, summary->converted_ops, summary->total_ops);
  if (IsCnnFixture(c.source.fixture)) {
    EXPECT_GE(percent, 90.0) << FormatSummary(*summary);
  }

  auto loaded = Model::Load(out.string(), c.source.signature, {"serve"}, strict);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (const fs::path& case_dir : c.source.case_dirs) {
    const auto inputs = testing::ReadNpyDir(case_dir / "inputs");
    const auto expected = testing::ReadNpyDir(case_dir / "outputs");
    ASSERT_FALSE(expected.empty());
    for (Model* model : {function->get(), loaded->get()}) {
      auto outputs = model->Run(inputs);
      if (auto missing = testing::MissingLibrary(outputs.status())) GTEST_SKIP() << *missing;
      ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
      for (const auto& [name, tensor] : expected) {
        auto it = outputs->find(name);
        ASSERT_NE(it, outputs->end()) << "no output '" << name << "'";
        EXPECT_TRUE(testing::TensorsMatch(it->second, tensor, tolerance))
            << "output " << name << " of case " << case_dir.filename()
            << (model == function->get() ? " (converted function)" : " (saved and reloaded)");
      }
    }
  }
  for (Model* model : {function->get(), loaded->get()}) {
    for (const EngineNodeReport& report : model->EngineReports()) {
      EXPECT_GT(report.engine_runs, 0) << report.node << " never ran as an engine";
      EXPECT_EQ(report.native_fallbacks, 0) << report.node << " ran its native segment";
      std::printf("[engine] %-60s %s on %s: %lld runs\n", c.Name().c_str(), report.node.c_str(),
                  report.backend.c_str(), static_cast<long long>(report.engine_runs));
    }
  }
  if (std::getenv("TFTRT_CONVERTED_DIR") == nullptr) fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ConvertedFixture, ::testing::ValuesIn(AllConversionCases()),
                         [](const auto& info) { return info.param.Name(); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConvertedFixture);

}  // namespace
}  // namespace tftrt
