// End-to-end: every fixture SavedModel that TensorFlow wrote (tests/fixtures/) and every
// real-world SavedModel (../shared/realworld) runs in tftrt and reproduces the outputs
// TensorFlow recorded: float32 within 1e-5 relative error per output, others exactly.
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/fixtures.h"
#include "testing/optional_libraries.h"
#include "testing/tensor_compare.h"
#include "tftrt/model.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;
using testing::AllFixtureCases;
using testing::FixtureCase;
using testing::FixturesDir;
using testing::IsTf1Fixture;
using testing::ReadNpyDir;

constexpr double kFloatTolerance = 1e-5;

// Loading is the slow part (ResNet50): load each (model, signature) once per process.
StatusOr<Model*> LoadCached(const FixtureCase& c) {
  static auto* models = new std::map<std::string, std::unique_ptr<Model>>();
  const std::string key = c.model_dir + "|" + c.signature;
  auto it = models->find(key);
  if (it != models->end()) return it->second.get();
  TFTRT_ASSIGN_OR_RETURN(auto model, Model::Load(c.model_dir, c.signature));
  Model* raw = model.get();
  (*models)[key] = std::move(model);
  return raw;
}

class ModelFixture : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(ModelFixture, MatchesTensorFlow) {
  const FixtureCase& c = GetParam();
  if (std::getenv("TFTRT_SANITIZER_RUN") != nullptr && c.fixture == "resnet50") {
    GTEST_SKIP() << "ResNet50 is run by the Release pass only (too slow under sanitizers)";
  }
  ASSERT_FALSE(c.model_dir.empty()) << "no model directory for fixture " << c.fixture;
  if (!fs::exists(c.model_dir)) GTEST_SKIP() << c.model_dir << " is absent";
  auto model = LoadCached(c);
  if (IsTf1Fixture(c.fixture)) {
    // TF 1.x SavedModels are outside the seed API: they must be refused clearly.
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.status().code(), StatusCode::kUnimplemented) << model.status().ToString();
    EXPECT_NE(model.status().message().find("TF1"), std::string::npos);
    return;
  }
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto outputs = (*model)->Run(ReadNpyDir(c.case_dir / "inputs"));
  if (auto missing = testing::MissingLibrary(outputs.status())) GTEST_SKIP() << *missing;
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  const auto expected = ReadNpyDir(c.case_dir / "outputs");
  ASSERT_FALSE(expected.empty());
  for (const auto& [name, tensor] : expected) {
    auto it = outputs->find(name);
    ASSERT_NE(it, outputs->end()) << "no output '" << name << "'";
    EXPECT_TRUE(testing::TensorsMatch(it->second, tensor, kFloatTolerance)) << "output " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ModelFixture, ::testing::ValuesIn(AllFixtureCases()),
                         [](const auto& info) { return info.param.Name(); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ModelFixture);

TEST(ModelFixtureSetup, FixturesWereGenerated) {
  EXPECT_FALSE(AllFixtureCases().empty())
      << "no fixtures in " << FixturesDir()
      << ": run tests/fixtures/make_fixtures.py --out <dir> and set TFTRT_FIXTURES_DIR";
}

TEST(ModelFixtureSetup, RealWorldModelsPresent) {
  const std::string shared =
      testing::DirFromEnv("TFTRT_SHARED_DIR", std::string(TFTRT_SOURCE_DIR) + "/../shared");
  if (!fs::is_directory(fs::path(shared) / "realworld")) {
    GTEST_SKIP() << "real-world SavedModels not found in " << shared
                 << "/realworld: their tests are skipped";
  }
  bool any = false;
  for (const FixtureCase& c : AllFixtureCases()) any |= c.fixture.starts_with("realworld_");
  EXPECT_TRUE(any) << "../shared/realworld exists but no realworld_* fixtures were generated "
                      "(make_fixtures.py --realworld)";
}

}  // namespace
}  // namespace tftrt
