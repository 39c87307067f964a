// What the tests of the tftrt commands that write model directories (convert,
// strip-weights, randomize-weights) share: a fresh directory per test, the fixtures' models,
// and the files of a directory.
#ifndef TFTRT_TESTS_TOOLS_COMMAND_TEST_UTIL_H_
#define TFTRT_TESTS_TOOLS_COMMAND_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "savedmodel/saved_model_test_util.h"
#include "testing/fixtures.h"
#include "testing/tool_runner.h"

namespace tftrt::testing {

// The bytes of file `path`.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Every regular file under `dir` (relative path -> contents).
inline std::map<std::string, std::string> FilesUnder(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[std::filesystem::relative(entry.path(), dir).string()] = ReadFile(entry.path());
    }
  }
  return files;
}

// The names of the entries of `dir`, sorted.
inline std::vector<std::string> SortedNamesIn(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A test with a fresh, empty directory `dir_` of its own ("<prefix>_<pid>_<test name>" in the
// temporary directory), removed when the test ends.
class CommandTest : public ::testing::Test {
 protected:
  explicit CommandTest(std::string prefix) : prefix_(std::move(prefix)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           (prefix_ + "_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The fixture's model directory; empty if the fixtures are absent.
  static std::string Fixture(const std::string& name) {
    const std::string model = FixturesDir() + "/" + name + "/model";
    return std::filesystem::is_directory(model) ? model : "";
  }

  // Inputs in dir_ that are not models to read weights from: "not_a_model" (an empty
  // directory), "a_file" (a file) and "no_variables" (a SavedModel without variables).
  void WriteBadInputs() {
    std::filesystem::create_directories(dir_ / "not_a_model");
    { std::ofstream(dir_ / "a_file") << "x"; }
    SavedModelContents no_variables = SmallModel();
    no_variables.variables.clear();
    ASSERT_TRUE(
        WriteSavedModel(Env::Default(), (dir_ / "no_variables").string(), no_variables).ok());
  }

  // A command line that must fail: its arguments, its exit status (1: an error, 2: bad
  // usage) and words its message must hold.
  struct FailingRun {
    std::string args;
    int exit_code;
    std::vector<std::string> words;
  };

  // Runs `tftrt COMMAND ARGS` for each of `runs`: each fails as it says, with a message that
  // starts "tftrt COMMAND: ", and writes neither `out` nor `model`/sub.
  static void ExpectClearErrors(const std::string& command, const std::vector<FailingRun>& runs,
                                const std::filesystem::path& out,
                                const std::filesystem::path& model) {
    for (const FailingRun& run : runs) {
      SCOPED_TRACE(run.args);
      std::string output;
      EXPECT_EQ(RunTool(command + " " + run.args, &output), run.exit_code) << output;
      EXPECT_NE(output.find("tftrt " + command + ": "), std::string::npos) << output;
      for (const std::string& word : run.words) {
        EXPECT_NE(output.find(word), std::string::npos) << word << "\n" << output;
      }
      EXPECT_FALSE(std::filesystem::exists(out));
      EXPECT_FALSE(std::filesystem::exists(model / "sub"));
    }
  }

  std::filesystem::path dir_;

 private:
  std::string prefix_;
};

}  // namespace tftrt::testing

// In a CommandTest: `var` is fixture `name`'s model directory, or the test is skipped.
#define REQUIRE_FIXTURE(var, name)       \
  const std::string var = Fixture(name); \
  if (var.empty()) GTEST_SKIP() << ::tftrt::testing::FixturesDir() << "/" << name << " is absent"

#endif  // TFTRT_TESTS_TOOLS_COMMAND_TEST_UTIL_H_
