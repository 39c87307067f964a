#include "testing/fixtures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/npy.h"
#include "testing/tensor_compare.h"

namespace tftrt::testing {
namespace {

namespace fs = std::filesystem;

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

// `text` with every non-alphanumeric character as '_'.
std::string TestName(std::string text) {
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return text;
}

}  // namespace

std::string FixturesDir() {
  return DirFromEnv("TFTRT_FIXTURES_DIR", std::string(TFTRT_SOURCE_DIR) + "/.fixtures/models");
}

std::string FixtureCase::Name() const {
  return TestName(fixture + "__" + signature + "__" + case_dir.filename().string());
}

std::string FixtureSignature::Name() const { return TestName(fixture + "__" + signature); }

void PrintTo(const FixtureSignature& s, std::ostream* out) { *out << s.Name(); }

std::vector<FixtureSignature> AllFixtureSignatures() {
  std::vector<FixtureSignature> signatures;
  for (const FixtureCase& c : AllFixtureCases()) {
    if (signatures.empty() || signatures.back().fixture != c.fixture ||
        signatures.back().signature != c.signature) {
      signatures.push_back({c.fixture, c.fixture_dir, c.model_dir, c.signature, {}});
    }
    signatures.back().case_dirs.push_back(c.case_dir);
  }
  return signatures;
}

void PrintTo(const FixtureCase& c, std::ostream* out) { *out << c.Name(); }

std::vector<FixtureCase> AllFixtureCases() {
  std::vector<FixtureCase> cases;
  if (!fs::is_directory(FixturesDir())) return cases;
  for (const auto& fixture : fs::directory_iterator(FixturesDir())) {
    if (!fs::is_directory(fixture.path() / "cases")) continue;
    const std::string model_dir = ModelDirOf(fixture.path());
    for (const auto& signature : fs::directory_iterator(fixture.path() / "cases")) {
      for (const auto& case_dir : fs::directory_iterator(signature.path())) {
        cases.push_back({fixture.path().filename().string(), fixture.path(), model_dir,
                         signature.path().filename().string(), case_dir.path()});
      }
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const auto& a, const auto& b) { return a.Name() < b.Name(); });
  return cases;
}

fs::path KeptModelDir(const FixtureSignature& signature, const fs::path& root) {
  const fs::path dir = root / signature.fixture;
  fs::create_directories(dir);
  std::ifstream in(signature.fixture_dir / "fixture.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  json.insert(json.find('{') + 1,
              "\n \"fixture_dir\": \"" + fs::absolute(signature.fixture_dir).string() + "\",");
  std::ofstream(dir / "fixture.json") << json;
  return dir / signature.signature;
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

}  // namespace tftrt::testing
