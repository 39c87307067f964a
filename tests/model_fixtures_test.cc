// End-to-end: every fixture SavedModel that TensorFlow wrote (tests/fixtures/) and every
// real-world SavedModel (../shared/realworld) runs in tftrt and reproduces the outputs
// TensorFlow recorded: float32 within 1e-5 relative error per output, others exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/npy.h"
#include "testing/tensor_compare.h"
#include "tftrt/model.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

constexpr double kFloatTolerance = 1e-5;

std::string FixturesDir() {
  return testing::DirFromEnv("TFTRT_FIXTURES_DIR", std::string(TFTRT_SOURCE_DIR) + "/.fixtures/models");
}

struct FixtureCase {
  std::string fixture;
  std::string model_dir;
  std::string signature;
  fs::path case_dir;
  std::string Name() const {
    std::string name = fixture + "__" + signature + "__" + case_dir.filename().string();
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
  }
};

void PrintTo(const FixtureCase& c, std::ostream* out) { *out << c.Name(); }

// Generated fixtures keep their model in <fixture>/model; real-world ones name the
// original directory in fixture.json ("model": "...").
std::string ModelDirOf(const fs::path& fixture_dir) {
  if (fs::is_directory(fixture_dir / "model")) return (fixture_dir / "model").string();
  std::ifstream in(fixture_dir / "fixture.json");
  std::stringstream text;
  text << in.rdbuf();
  std::smatch match;
  const std::string json = text.str();
  if (std::regex_search(json, match, std::regex("\"model\":\\s*\"([^\"]*)\""))) {
    return match[1].str();
  }
  return "";
}

std::vector<FixtureCase> AllCases() {
  std::vector<FixtureCase> cases;
  if (!fs::is_directory(FixturesDir())) return cases;
  for (const auto& fixture : fs::directory_iterator(FixturesDir())) {
    if (!fs::is_directory(fixture.path() / "cases")) continue;
    const std::string model_dir = ModelDirOf(fixture.path());
    for (const auto& signature : fs::directory_iterator(fixture.path() / "cases")) {
      for (const auto& case_dir : fs::directory_iterator(signature.path())) {
        cases.push_back({fixture.path().filename().string(), model_dir,
                         signature.path().filename().string(), case_dir.path()});
      }
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const auto& a, const auto& b) { return a.Name() < b.Name(); });
  return cases;
}

std::map<std::string, Tensor> ReadNpyDir(const fs::path& dir) {
  std::map<std::string, Tensor> tensors;
  if (!fs::is_directory(dir)) return tensors;
  for (const auto& file : fs::directory_iterator(dir)) {
    if (file.path().extension() != ".npy") continue;
    auto tensor = ReadNpyFile(file.path().string());
    EXPECT_TRUE(tensor.ok()) << tensor.status().ToString();
    if (tensor.ok()) tensors[file.path().stem().string()] = *tensor;
  }
  return tensors;
}

bool IsTf1Fixture(const std::string& fixture) { return fixture.ends_with("_tf1"); }

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
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  const auto expected = ReadNpyDir(c.case_dir / "outputs");
  ASSERT_FALSE(expected.empty());
  for (const auto& [name, tensor] : expected) {
    auto it = outputs->find(name);
    ASSERT_NE(it, outputs->end()) << "no output '" << name << "'";
    EXPECT_TRUE(testing::TensorsMatch(it->second, tensor, kFloatTolerance)) << "output " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ModelFixture, ::testing::ValuesIn(AllCases()),
                         [](const auto& info) { return info.param.Name(); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ModelFixture);

TEST(ModelFixtureSetup, FixturesWereGenerated) {
  EXPECT_FALSE(AllCases().empty())
      << "no fixtures in " << FixturesDir()
      << ": run tests/fixtures/make_fixtures.py --out <dir> and set TFTRT_FIXTURES_DIR";
}

TEST(ModelFixtureSetup, RealWorldModelsPresent) {
  const std::string shared = testing::DirFromEnv(
      "TFTRT_SHARED_DIR", std::string(TFTRT_SOURCE_DIR) + "/../shared");
  if (!fs::is_directory(fs::path(shared) / "realworld")) {
    GTEST_SKIP() << "real-world SavedModels not found in " << shared
                 << "/realworld: their tests are skipped";
  }
  bool any = false;
  for (const FixtureCase& c : AllCases()) any |= c.fixture.starts_with("realworld_");
  EXPECT_TRUE(any) << "../shared/realworld exists but no realworld_* fixtures were generated "
                      "(make_fixtures.py --realworld)";
}

}  // namespace
}  // namespace tftrt
