// `tftrt strip-weights` as a user runs it: the weightless copy of a fixture keeps every file
// but the weights' values, lists the stripped tensors, is refused by everything that loads
// models, and randomize-weights turns it into exactly the bytes it writes from the full
// model; bad input (and a tampered manifest) gets a clear error with nothing written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "savedmodel/saved_model_test_util.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "savedmodel/weightless.h"
#include "testing/fixtures.h"
#include "testing/tool_runner.h"
#include "tftrt/model.h"
#include "tools/command_test_util.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;
using testing::FilesUnder;
using testing::ReadFile;
using testing::RunTool;
using testing::SortedNamesIn;

int64_t BytesUnder(const fs::path& dir) {
  int64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += static_cast<int64_t>(entry.file_size());
  }
  return bytes;
}

// The index of the bundle of SavedModel `dir`, by key.
std::map<std::string, BundleEntryInfo> BundleIndex(const fs::path& dir) {
  std::map<std::string, BundleEntryInfo> index;
  auto reader =
      TensorBundleReader::Open(Env::Default(), (dir / "variables" / "variables").string());
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return index;
  EXPECT_TRUE((*reader)->VerifyAll().ok());
  for (BundleEntryInfo& info : (*reader)->List()) index[info.key] = std::move(info);
  return index;
}

bool IsFloating(int dtype) {
  const auto type = static_cast<DataType>(dtype);
  return type == DataType::kFloat || type == DataType::kDouble || type == DataType::kHalf ||
         type == DataType::kBFloat16;
}

class StripWeightsCommandTest : public testing::CommandTest {
 protected:
  StripWeightsCommandTest() : CommandTest("tftrt_strip_weights") {}

  // Runs `tftrt ARGS`, returning the exit status; output in `*output`.
  static int Tool(const std::string& args, std::string* output) {
    output->clear();
    return RunTool(args, output);
  }

  // Checks that weightless `out` is its full model `in` but for the stripped values.
  static void ExpectWeightlessCopyOf(const fs::path& in, const fs::path& out) {
    const auto in_files = FilesUnder(in);
    const auto out_files = FilesUnder(out);
    for (const auto& [path, contents] : in_files) {
      SCOPED_TRACE(path);
      if (path.starts_with("variables/variables.")) continue;
      ASSERT_TRUE(out_files.contains(path));
      EXPECT_EQ(out_files.at(path), contents);
    }
    EXPECT_TRUE(out_files.contains("variables/weightless.pbtxt"));
    EXPECT_EQ(out_files.size(), in_files.size() + 1);

    // The bundle keeps exactly the non-floating tensors, byte for byte; the manifest lists
    // the others in key order with their dtypes and shapes.
    const auto full = BundleIndex(in);
    const auto kept = BundleIndex(out);
    auto manifest =
        ReadWeightlessManifest(Env::Default(), (out / "variables" / "weightless.pbtxt").string());
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    auto listed = manifest->begin();
    for (const auto& [key, info] : full) {
      SCOPED_TRACE(key);
      if (!IsFloating(info.dtype)) {
        ASSERT_TRUE(kept.contains(key));
        EXPECT_EQ(kept.at(key).dtype, info.dtype);
        EXPECT_EQ(kept.at(key).shape, info.shape);
        EXPECT_EQ(kept.at(key).size_bytes, info.size_bytes);
        continue;
      }
      EXPECT_FALSE(kept.contains(key));
      ASSERT_NE(listed, manifest->end());
      EXPECT_EQ(listed->key, key);
      EXPECT_EQ(listed->dtype, info.dtype);
      EXPECT_EQ(listed->shape, info.shape);
      ++listed;
    }
    EXPECT_EQ(listed, manifest->end());
    EXPECT_EQ(kept.size() + manifest->size(), full.size());
  }

  void CheckFixtureRoundTrip(const std::string& name, const std::string& model);
};

// Strips fixture `name`, checks the copy, and randomizes it and the full model with the
// same seed: the two outputs must be the same bytes.
void StripWeightsCommandTest::CheckFixtureRoundTrip(const std::string& name,
                                                    const std::string& model) {
  const fs::path weightless = dir_ / (name + "_weightless");
  std::string output;
  ASSERT_EQ(Tool("strip-weights " + model + " " + weightless.string(), &output), 0) << output;
  EXPECT_NE(output.find("stripped "), std::string::npos) << output;
  EXPECT_NE(output.find(" bytes to " + weightless.string()), std::string::npos) << output;
  ExpectWeightlessCopyOf(model, weightless);
  if (name == "resnet50") {
    // 205 MB of weights stay behind; the graph (saved_model.pb, ~2 MB) travels.
    EXPECT_NE(output.find("stripped 640 tensors (205,093,696 bytes of values), kept 1;"),
              std::string::npos)
        << output;
    EXPECT_LT(BytesUnder(weightless), 3 << 20);
  }

  // The weights made from the weightless copy are the full model's, byte for byte, and so is
  // what the command prints.
  std::string from_full, from_weightless;
  const fs::path a = dir_ / (name + "_from_full");
  const fs::path b = dir_ / (name + "_from_weightless");
  ASSERT_EQ(Tool("randomize-weights " + model + " " + a.string() + " --seed 11", &from_full), 0)
      << from_full;
  ASSERT_EQ(Tool("randomize-weights " + weightless.string() + " " + b.string() + " --seed 11",
                 &from_weightless),
            0)
      << from_weightless;
  EXPECT_EQ(FilesUnder(a), FilesUnder(b));
  EXPECT_EQ(from_full.substr(0, from_full.find(" to ")),
            from_weightless.substr(0, from_weightless.find(" to ")));
}

TEST_F(StripWeightsCommandTest, CnnRandomizesToTheFullModelsBytes) {
  REQUIRE_FIXTURE(model, "cnn");
  CheckFixtureRoundTrip("cnn", model);
}

TEST_F(StripWeightsCommandTest, MlpRandomizesToTheFullModelsBytes) {
  REQUIRE_FIXTURE(model, "mlp");
  CheckFixtureRoundTrip("mlp", model);
}

TEST_F(StripWeightsCommandTest, ResNet50RandomizesToTheFullModelsBytes) {
  REQUIRE_FIXTURE(model, "resnet50");
  CheckFixtureRoundTrip("resnet50", model);
}

TEST_F(StripWeightsCommandTest, WeightlessModelIsRefusedUntilRandomized) {
  REQUIRE_FIXTURE(model, "mlp");
  const fs::path weightless = dir_ / "weightless";
  std::string output;
  ASSERT_EQ(Tool("strip-weights " + model + " " + weightless.string(), &output), 0) << output;

  auto loaded = Model::Load(weightless.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition);
  for (const std::string& word : std::vector<std::string>{
           weightless.string(), "is weightless", "weightless.pbtxt", "randomize-weights"}) {
    EXPECT_NE(loaded.status().message().find(word), std::string::npos)
        << word << "\n"
        << loaded.status().ToString();
  }
  const std::string commands[] = {
      "run " + weightless.string() + " --output-dir " + (dir_ / "outputs").string(),
      "convert " + weightless.string() + " " + (dir_ / "converted").string(),
      "inspect " + weightless.string(), "summary " + weightless.string()};
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    EXPECT_EQ(Tool(command, &output), 1) << output;
    EXPECT_NE(output.find("is weightless"), std::string::npos) << output;
    EXPECT_NE(output.find("run 'tftrt randomize-weights " + weightless.string()), std::string::npos)
        << output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "outputs"));
  EXPECT_FALSE(fs::exists(dir_ / "converted"));

  // Randomized, it is a model again.
  const fs::path randomized = dir_ / "randomized";
  ASSERT_EQ(Tool("randomize-weights " + weightless.string() + " " + randomized.string(), &output),
            0)
      << output;
  auto model_again = Model::Load(randomized.string());
  EXPECT_TRUE(model_again.ok()) << model_again.status().ToString();
  EXPECT_FALSE(fs::exists(randomized / "variables" / "weightless.pbtxt"));
}

// A model written here, with every kind of tensor the rule tells apart and keys that need
// escaping in the manifest.
class StripWeightsOwnModelTest : public StripWeightsCommandTest {
 protected:
  void SetUp() override {
    StripWeightsCommandTest::SetUp();
    SavedModelContents contents = testing::SmallModel();
    auto add = [&](const std::string& key, Tensor tensor) {
      contents.variables.emplace_back(key, std::move(tensor));
    };
    add("conv/kernel/.ATTRIBUTES/VARIABLE_VALUE", Tensor(DataType::kHalf, {3, 3, 2, 4}));
    add("dense/kernel/.ATTRIBUTES/VARIABLE_VALUE", Tensor(DataType::kDouble, {4, 3}));
    add("ln/gamma/.ATTRIBUTES/VARIABLE_VALUE", Tensor(DataType::kBFloat16, {16}));
    add("bn/variance", Tensor::FromVector<float>({-1, -2, -3, -4}));
    add("odd \"key\"\n\xff\x01", Tensor::FromVector<float>({1, 2, 3}));
    add("save_counter/.ATTRIBUTES/VARIABLE_VALUE", Tensor::Scalar<int64_t>(12));
    add("ids", Tensor::FromVector<int32_t>({5, 6, 7}));
    add("mask", Tensor::FromVector<bool>({true, false}));
    add("vocab", Tensor::FromVector<std::string>({"a", "bc"}));
    add("empty", Tensor(DataType::kFloat, {0, 3}));
    contents.extra_files.emplace_back("fingerprint.pb", "fingerprint bytes");
    model_ = dir_ / "model";
    const Status written = WriteSavedModel(Env::Default(), model_.string(), contents);
    ASSERT_TRUE(written.ok()) << written.ToString();
    // Another file beside the bundle travels too.
    std::ofstream(model_ / "variables" / "notes.txt") << "kept too";
  }

  // Strips model_ into dir_/weightless.
  fs::path Strip() {
    const fs::path out = dir_ / "weightless";
    std::string output;
    EXPECT_EQ(Tool("strip-weights " + model_.string() + " " + out.string(), &output), 0) << output;
    return out;
  }

  fs::path model_;
};

TEST_F(StripWeightsOwnModelTest, EveryDtypeRandomizesToTheSameBytes) {
  const fs::path weightless = dir_ / "weightless";
  std::string output;
  ASSERT_EQ(Tool("strip-weights " + model_.string() + " " + weightless.string(), &output), 0)
      << output;
  // w, b, conv, dense, ln, bn, the odd key and the empty tensor; the rest kept.
  EXPECT_NE(output.find("stripped 8 tensors (312 bytes of values), kept 5;"), std::string::npos)
      << output;
  ExpectWeightlessCopyOf(model_, weightless);
  EXPECT_EQ(ReadFile(weightless / "variables" / "notes.txt"), "kept too");
  const std::string manifest = ReadFile(weightless / "variables" / "weightless.pbtxt");
  EXPECT_TRUE(manifest.starts_with("# A weightless SavedModel")) << manifest;
  EXPECT_NE(manifest.find("dtype: DT_BFLOAT16\n  shape: [16]"), std::string::npos) << manifest;
  for (const std::string seed : {"0", "3", "18446744073709551615"}) {
    SCOPED_TRACE(seed);
    const fs::path a = dir_ / ("a" + seed);
    const fs::path b = dir_ / ("b" + seed);
    ASSERT_EQ(Tool("randomize-weights " + model_.string() + " " + a.string() + " --seed " + seed,
                   &output),
              0)
        << output;
    ASSERT_EQ(
        Tool("randomize-weights " + weightless.string() + " " + b.string() + " --seed " + seed,
             &output),
        0)
        << output;
    EXPECT_NE(output.find("randomized 8 tensors (110 values), copied 5 unchanged"),
              std::string::npos)
        << output;
    EXPECT_EQ(FilesUnder(a), FilesUnder(b));
  }
}

TEST_F(StripWeightsOwnModelTest, InputUntouchedAndOverwriteOnlyWhenAsked) {
  const auto before = FilesUnder(model_);
  const fs::path out = dir_ / "weightless";
  fs::create_directories(out);
  { std::ofstream(out / "keep.txt") << "mine"; }
  std::string output;
  EXPECT_EQ(Tool("strip-weights " + model_.string() + " " + out.string(), &output), 1);
  EXPECT_NE(output.find("not empty"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(out / "keep.txt"));
  ASSERT_EQ(Tool("strip-weights " + model_.string() + " " + out.string() + " --overwrite", &output),
            0)
      << output;
  EXPECT_FALSE(fs::exists(out / "keep.txt"));
  EXPECT_TRUE(fs::exists(out / "variables" / "weightless.pbtxt"));
  EXPECT_EQ(FilesUnder(model_), before);
  EXPECT_EQ(SortedNamesIn(dir_), (std::vector<std::string>{"model", "weightless"}));
}

TEST_F(StripWeightsOwnModelTest, BadInputsAreClearErrors) {
  const std::string out = (dir_ / "out").string();
  ASSERT_NO_FATAL_FAILURE(WriteBadInputs());
  const fs::path weightless = Strip();
  const std::string model = model_.string();
  ExpectClearErrors(
      "strip-weights",
      {
          {(dir_ / "missing").string() + " " + out, 1, {"missing", "does not exist"}},
          {(dir_ / "a_file").string() + " " + out, 1, {"a_file", "not a SavedModel directory"}},
          {(dir_ / "not_a_model").string() + " " + out, 1, {"not_a_model"}},
          {(dir_ / "no_variables").string() + " " + out,
           1,
           {"no_variables", "no variables to strip"}},
          {weightless.string() + " " + out, 1, {"weightless.pbtxt", "already weightless"}},
          {model + " " + model, 1, {"weightless model", "is, lies inside or holds the input"}},
          {model + " " + model + "/sub", 1, {"is, lies inside or holds the input"}},
          {model + " " + dir_.string() + " --overwrite", 1, {"is, lies inside or holds the input"}},
          {model + " " + (dir_ / "a_file").string(), 1, {"a_file", "a file is in the way"}},
          {model, 2, {"usage: tftrt strip-weights IN OUT"}},
          {model + " " + out + " --seed 1", 2, {"unknown option --seed"}},
      },
      out, model_);
  EXPECT_EQ(SortedNamesIn(dir_), (std::vector<std::string>{"a_file", "model", "no_variables",
                                                           "not_a_model", "weightless"}));
}

// randomize-weights checks a weightless input's manifest against its bundle before writing.
TEST_F(StripWeightsOwnModelTest, TamperedManifestsAreClearErrors) {
  const fs::path weightless = Strip();
  const fs::path manifest = weightless / "variables" / "weightless.pbtxt";
  const std::string good = ReadFile(manifest);
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  };
  const std::string entry_b =
      "tensor {\n  key: \"b/.ATTRIBUTES/VARIABLE_VALUE\"\n  dtype: DT_FLOAT\n}\n";
  struct Case {
    std::string manifest;
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {good + "tensor {", {"cannot parse", "line "}},
      {replaced("version: 1", "version: 2"), {"version 2", "tftrt reads version 1"}},
      {good + "tensor { key: \"a\" dtype: DT_FLOAT }\n", {"'a'", "out of order or repeated"}},
      {replaced(entry_b, entry_b + entry_b), {"out of order or repeated"}},
      {replaced("shape: [16]", "shape: [-16]"), {"ln/gamma", "bad shape"}},
      {replaced("tensor {\n  key: \"ln/gamma",
                "tensor { key: \"ids\" dtype: DT_FLOAT }\ntensor {\n  key: \"ln/gamma"),
       {"'ids'", "also holds"}},
      {good + "tensor { key: \"zz\" dtype: DT_INT32 }\n", {"'zz' (DT_INT32)", "unchanged"}},
  };
  const std::string out = (dir_ / "out").string();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.manifest);
    { std::ofstream(manifest, std::ios::binary | std::ios::trunc) << c.manifest; }
    std::string output;
    EXPECT_EQ(Tool("randomize-weights " + weightless.string() + " " + out, &output), 1) << output;
    EXPECT_NE(output.find(manifest.string()), std::string::npos) << output;
    for (const std::string& word : c.words) {
      EXPECT_NE(output.find(word), std::string::npos) << word << "\n" << output;
    }
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(StripWeightsCommandTest, HelpExplains) {
  std::string output;
  ASSERT_EQ(Tool("strip-weights --help", &output), 0);
  for (const std::string word :
       {"IN OUT", "--overwrite", "weightless.pbtxt", "byte-identical",
        "_CHECKPOINTABLE_OBJECT_GRAPH", "randomize-weights", "atomically"}) {
    EXPECT_NE(output.find(word), std::string::npos) << word << "\n" << output;
  }
  ASSERT_EQ(Tool("randomize-weights --help", &output), 0);
  EXPECT_NE(output.find("weightless"), std::string::npos) << output;
  ASSERT_EQ(Tool("--help", &output), 0);
  EXPECT_NE(output.find("strip-weights"), std::string::npos) << output;
}

}  // namespace
}  // namespace tftrt
