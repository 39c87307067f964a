// The fixtures TensorFlow made for the tests (tests/fixtures/make_fixtures.py): each is a
// SavedModel plus, per signature, cases of inputs and TF's outputs as .npy files.
#ifndef TFTRT_TESTS_TESTING_FIXTURES_H_
#define TFTRT_TESTS_TESTING_FIXTURES_H_

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "tftrt/tensor.h"

namespace tftrt::testing {

// $TFTRT_FIXTURES_DIR, or .fixtures/models in the source tree.
std::string FixturesDir();

// One case: a fixture's model, a signature of it, and a directory with inputs/ and outputs/.
struct FixtureCase {
  std::string fixture;
  std::filesystem::path fixture_dir;
  std::string model_dir;
  std::string signature;
  std::filesystem::path case_dir;
  // "<fixture>__<signature>__<case>" with non-alphanumerics as '_' (a gtest name).
  std::string Name() const;
};
void PrintTo(const FixtureCase& c, std::ostream* out);

// Every case of every fixture, sorted by name; empty when the fixtures are absent.
std::vector<FixtureCase> AllFixtureCases();

// One signature of a fixture with all its cases.
struct FixtureSignature {
  std::string fixture;
  std::filesystem::path fixture_dir;
  std::string model_dir;
  std::string signature;
  std::vector<std::filesystem::path> case_dirs;
  // "<fixture>__<signature>" with non-alphanumerics as '_'.
  std::string Name() const;
};
void PrintTo(const FixtureSignature& s, std::ostream* out);

// Every signature of every fixture, sorted by name.
std::vector<FixtureSignature> AllFixtureSignatures();

// Where to keep a model made from `signature` for tests/fixtures/check_tf_loads.py (stock
// TensorFlow loads it and checks the fixture's outputs): returns <root>/<fixture>/<signature>,
// after writing <root>/<fixture>/fixture.json (the fixture's, plus "fixture_dir").
std::filesystem::path KeptModelDir(const FixtureSignature& signature,
                                   const std::filesystem::path& root);

// The .npy files of `dir` by stem (empty for a missing directory); failures are test failures.
std::map<std::string, Tensor> ReadNpyDir(const std::filesystem::path& dir);

// TF 1.x fixtures, which tftrt refuses by design.
bool IsTf1Fixture(const std::string& fixture);

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_FIXTURES_H_
