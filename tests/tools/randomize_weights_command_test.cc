// `tftrt randomize-weights` as a user runs it: the copy of a fixture loads and runs with new
// values, every variable keeps its key, dtype and shape, the same seed gives the same bytes,
// batch-norm variances stay positive, non-float tensors and every other file are copied
// unchanged, the input is never touched, and bad input gets a clear error (exit 1; 2 for
// bad usage) with nothing written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "common/npz.h"
#include "proto/trackable_object_graph.pb.h"
#include "savedmodel/randomize_weights.h"
#include "savedmodel/saved_model_test_util.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "testing/fixtures.h"
#include "testing/tensor_compare.h"
#include "testing/tool_runner.h"
#include "tftrt/model.h"
#include "tools/command_test_util.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;
using testing::FilesUnder;
using testing::RunTool;
using testing::SameBytes;
using testing::SortedNamesIn;

// Every tensor of the bundle of SavedModel `dir`, by key.
std::map<std::string, Tensor> ReadVariables(const fs::path& dir) {
  std::map<std::string, Tensor> tensors;
  auto reader =
      TensorBundleReader::Open(Env::Default(), (dir / "variables" / "variables").string());
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return tensors;
  for (const BundleEntryInfo& info : (*reader)->List()) {
    auto tensor = (*reader)->Read(info.key);
    EXPECT_TRUE(tensor.ok()) << tensor.status().ToString();
    if (tensor.ok()) tensors[info.key] = *tensor;
  }
  return tensors;
}

class RandomizeWeightsCommandTest : public testing::CommandTest {
 protected:
  RandomizeWeightsCommandTest() : CommandTest("tftrt_randomize_weights") {}

  // Runs `tftrt randomize-weights ARGS`, returning the exit status; output in `*output`.
  static int Randomize(const std::string& args, std::string* output) {
    output->clear();
    return RunTool("randomize-weights " + args, output);
  }
};

TEST_F(RandomizeWeightsCommandTest, FixturesLoadAndRunWithNewValues) {
  for (const std::string name : {"cnn", "mlp"}) {
    SCOPED_TRACE(name);
    REQUIRE_FIXTURE(model, name);
    const fs::path out = dir_ / name;
    std::string output;
    ASSERT_EQ(Randomize(model + " " + out.string() + " --seed 42", &output), 0) << output;
    EXPECT_NE(output.find("randomized "), std::string::npos) << output;
    EXPECT_NE(output.find(" bytes to " + out.string()), std::string::npos) << output;

    // Every key kept with its dtype and shape; float weights changed.
    const auto before = ReadVariables(model);
    const auto after = ReadVariables(out);
    ASSERT_EQ(before.size(), after.size());
    for (const auto& [key, tensor] : before) {
      SCOPED_TRACE(key);
      ASSERT_TRUE(after.contains(key));
      const Tensor& randomized = after.at(key);
      EXPECT_EQ(randomized.dtype(), tensor.dtype());
      EXPECT_EQ(randomized.shape(), tensor.shape());
      if (tensor.dtype() == DataType::kFloat && tensor.NumElements() > 1) {
        EXPECT_FALSE(SameBytes(tensor, randomized));
      }
    }

    // It loads and runs: outputs of the same shapes, other values.
    const fs::path inputs = fs::path(model).parent_path() / "cases" / "serving_default" / "0";
    auto input_set = ReadNpzFile((inputs / "inputs.npz").string());
    ASSERT_TRUE(input_set.ok()) << input_set.status().ToString();
    auto original = Model::Load(model);
    auto copy = Model::Load(out.string());
    ASSERT_TRUE(original.ok()) << original.status().ToString();
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    auto expected = (*original)->Run(*input_set);
    auto actual = (*copy)->Run(*input_set);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    ASSERT_EQ(expected->size(), actual->size());
    for (const auto& [key, tensor] : *expected) {
      SCOPED_TRACE(key);
      ASSERT_TRUE(actual->contains(key));
      const Tensor& got = actual->at(key);
      EXPECT_EQ(got.shape(), tensor.shape());
      EXPECT_FALSE(SameBytes(got, tensor));
      for (int64_t i = 0; i < got.NumElements(); ++i) {
        ASSERT_TRUE(std::isfinite(got.ElementAsDouble(i))) << i;
      }
    }
  }
}

TEST_F(RandomizeWeightsCommandTest, BatchNormVariancesAndGammasArePositive) {
  // The fixture, and how many batch-norm layers and kernels it has at least.
  const std::tuple<std::string, int, int> fixtures[] = {{"cnn", 2, 3}, {"resnet50", 53, 54}};
  for (const auto& [fixture, batch_norms, min_kernels] : fixtures) {
    SCOPED_TRACE(fixture);
    REQUIRE_FIXTURE(model, fixture);
    const fs::path out = dir_ / fixture;
    std::string output;
    ASSERT_EQ(Randomize(model + " " + out.string(), &output), 0) << output;
    // The Keras checkpoint keys are "variables/N/..."; the object graph has the names.
    auto reader =
        TensorBundleReader::Open(Env::Default(), (out / "variables" / "variables").string());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto names = BundleVariableNames(**reader);
    ASSERT_TRUE(names.ok()) << names.status().ToString();
    const auto tensors = ReadVariables(out);
    int variances = 0, gammas = 0, kernels = 0;
    for (const auto& [key, name] : *names) {
      if (!tensors.contains(key)) continue;
      SCOPED_TRACE(key + " (" + name + ")");
      const Tensor& tensor = tensors.at(key);
      ASSERT_EQ(tensor.dtype(), DataType::kFloat);
      double low = 1e9, high = -1e9;
      for (int64_t i = 0; i < tensor.NumElements(); ++i) {
        low = std::min(low, tensor.ElementAsDouble(i));
        high = std::max(high, tensor.ElementAsDouble(i));
      }
      if (name.ends_with("moving_variance") || name.ends_with("gamma")) {
        (name.ends_with("gamma") ? gammas : variances)++;
        EXPECT_GE(low, 0.5);
        EXPECT_LE(high, 1.5);
      } else if (name.ends_with("kernel")) {
        ++kernels;
        int64_t fan_in = 1;
        for (int i = 0; i + 1 < tensor.rank(); ++i) fan_in *= tensor.dim(i);
        const double a = std::sqrt(3.0 / fan_in);
        // Values are drawn within [-a, a] in double and stored as float: rounding may
        // reach float(a), which can lie just beyond a.
        const double bound = static_cast<float>(a);
        EXPECT_GE(low, -bound);
        EXPECT_LE(high, bound);
        // Uniform: the values spread over most of the range.
        EXPECT_LT(low, -0.5 * a);
        EXPECT_GT(high, 0.5 * a);
      } else {
        const double bound = static_cast<float>(0.1);  // see the kernels' bound
        EXPECT_GE(low, -bound);
        EXPECT_LE(high, bound);
      }
    }
    // cnn: two BatchNormalization layers, three kernels (two Conv2D, one Dense); ResNet50: 53
    // and 54. (Keras' export lists each variable under two keys.)
    EXPECT_GE(variances, batch_norms);
    EXPECT_GE(gammas, batch_norms);
    EXPECT_GE(kernels, min_kernels);
  }
}

TEST_F(RandomizeWeightsCommandTest, SameSeedSameBytesOtherSeedOtherWeights) {
  REQUIRE_FIXTURE(model, "cnn");
  std::string output;
  ASSERT_EQ(Randomize(model + " " + (dir_ / "a").string() + " --seed 7", &output), 0) << output;
  ASSERT_EQ(Randomize(model + " " + (dir_ / "b").string() + " --seed=7", &output), 0) << output;
  ASSERT_EQ(Randomize(model + " " + (dir_ / "c").string() + " --seed 8", &output), 0) << output;
  const auto a = FilesUnder(dir_ / "a");
  const auto b = FilesUnder(dir_ / "b");
  const auto c = FilesUnder(dir_ / "c");
  const auto in = FilesUnder(model);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), c.size());
  // The same files as the input; all but the bundle byte for byte.
  ASSERT_EQ(a.size(), in.size());
  for (const auto& [path, contents] : in) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(a.contains(path));
    if (path.starts_with("variables/variables.")) {
      EXPECT_NE(a.at(path), contents);
    } else {
      EXPECT_EQ(a.at(path), contents);
      EXPECT_EQ(c.at(path), contents);
    }
  }
  EXPECT_NE(a.at("variables/variables.data-00000-of-00001"),
            c.at("variables/variables.data-00000-of-00001"));
}

TEST_F(RandomizeWeightsCommandTest, InputIsUntouched) {
  REQUIRE_FIXTURE(model, "mlp");
  // A private copy, so that a stray write would be seen (and could not harm the fixture).
  const fs::path in = dir_ / "in";
  fs::copy(model, in, fs::copy_options::recursive);
  const auto before = FilesUnder(in);
  std::string output;
  ASSERT_EQ(Randomize(in.string() + " " + (dir_ / "out").string(), &output), 0) << output;
  ASSERT_EQ(Randomize(in.string() + " " + (dir_ / "out").string() + " --overwrite", &output), 0)
      << output;
  EXPECT_EQ(FilesUnder(in), before);
  // No temporary directories left beside the output.
  EXPECT_EQ(SortedNamesIn(dir_), (std::vector<std::string>{"in", "out"}));
}

// A model written here, with every kind of tensor the rule tells apart.
class RandomizeWeightsOwnModelTest : public RandomizeWeightsCommandTest {
 protected:
  void SetUp() override {
    RandomizeWeightsCommandTest::SetUp();
    SavedModelContents contents = testing::SmallModel();
    // Name "w" (key "w/.ATTRIBUTES/VARIABLE_VALUE") a variance through the object graph only.
    auto& object_graph = contents.variables.back();
    ASSERT_EQ(object_graph.first, "_CHECKPOINTABLE_OBJECT_GRAPH");
    tensorflow::TrackableObjectGraph graph;
    ASSERT_TRUE(graph.ParseFromString(object_graph.second.flat<std::string>()[0]));
    graph.mutable_nodes(1)->mutable_attributes(0)->set_full_name("bn_1/moving_variance:0");
    object_graph.second = Tensor::Scalar<std::string>(graph.SerializeAsString());
    // Keys without an object-graph name: the key is the name.
    auto add = [&](const std::string& key, Tensor tensor) {
      contents.variables.emplace_back(key, std::move(tensor));
    };
    Tensor half(DataType::kHalf, {3, 3, 2, 4});
    for (int64_t i = 0; i < half.NumElements(); ++i) half.flat<Half>()[i] = FloatToHalf(7);
    add("conv/kernel/.ATTRIBUTES/VARIABLE_VALUE", half);
    add("dense/kernel/.ATTRIBUTES/VARIABLE_VALUE", Tensor(DataType::kDouble, {4, 3}));
    add("ln/gamma/.ATTRIBUTES/VARIABLE_VALUE", Tensor(DataType::kBFloat16, {16}));
    add("bn/variance", Tensor::FromVector<float>({-1, -2, -3, -4}));
    add("save_counter/.ATTRIBUTES/VARIABLE_VALUE", Tensor::Scalar<int64_t>(12));
    add("ids", Tensor::FromVector<int32_t>({5, 6, 7}));
    add("mask", Tensor::FromVector<bool>({true, false}));
    add("vocab", Tensor::FromVector<std::string>({"a", "bc"}));
    add("empty", Tensor(DataType::kFloat, {0, 3}));
    contents.extra_files.emplace_back("fingerprint.pb", "fingerprint bytes");
    model_ = dir_ / "model";
    ASSERT_TRUE(WriteSavedModel(Env::Default(), model_.string(), contents).ok());
  }
  fs::path model_;
};

TEST_F(RandomizeWeightsOwnModelTest, RuleByDtypeAndName) {
  const fs::path out = dir_ / "out";
  std::string output;
  ASSERT_EQ(Randomize(model_.string() + " " + out.string() + " --seed 3", &output), 0) << output;
  // w, b, conv, dense, ln, bn and the empty tensor; the rest copied.
  EXPECT_NE(output.find("randomized 7 tensors (107 values), copied 5 unchanged"), std::string::npos)
      << output;
  const auto before = ReadVariables(model_);
  const auto after = ReadVariables(out);
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [key, tensor] : before) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(after.contains(key));
    const Tensor& got = after.at(key);
    EXPECT_EQ(got.dtype(), tensor.dtype());
    EXPECT_EQ(got.shape(), tensor.shape());
    const bool floating =
        tensor.dtype() == DataType::kFloat || tensor.dtype() == DataType::kDouble ||
        tensor.dtype() == DataType::kHalf || tensor.dtype() == DataType::kBFloat16;
    if (!floating || tensor.NumElements() == 0) {
      EXPECT_TRUE(SameBytes(got, tensor));
      continue;
    }
    double low = 1e9, high = -1e9;
    for (int64_t i = 0; i < got.NumElements(); ++i) {
      low = std::min(low, got.ElementAsDouble(i));
      high = std::max(high, got.ElementAsDouble(i));
    }
    double bound_low = -0.1, bound_high = 0.1;
    if (key.starts_with("w/") || key.starts_with("ln/") || key.starts_with("bn/")) {
      bound_low = 0.5, bound_high = 1.5;
    } else if (key.starts_with("conv/")) {
      bound_high = std::sqrt(3.0 / 18), bound_low = -bound_high;
    } else if (key.starts_with("dense/")) {
      bound_high = std::sqrt(3.0 / 4), bound_low = -bound_high;
    }
    // Half and bfloat16 round to their nearest value, which may lie just outside.
    const double slack = tensor.dtype() == DataType::kFloat || tensor.dtype() == DataType::kDouble
                             ? 1e-6
                             : 1e-2 * bound_high;
    EXPECT_GE(low, bound_low - slack);
    EXPECT_LE(high, bound_high + slack);
    if (got.NumElements() > 1) {
      EXPECT_NE(low, high);
    }
    EXPECT_FALSE(SameBytes(got, tensor));
  }
  // Everything but the bundle is copied byte for byte, fingerprint and assets included.
  const auto in_files = FilesUnder(model_);
  const auto out_files = FilesUnder(out);
  ASSERT_EQ(in_files.size(), out_files.size());
  for (const auto& [path, contents] : in_files) {
    if (!path.starts_with("variables/")) {
      EXPECT_EQ(out_files.at(path), contents) << path;
    }
  }
  EXPECT_EQ(out_files.at("fingerprint.pb"), "fingerprint bytes");
  EXPECT_EQ(out_files.at("assets/vocab.txt"), "a\nb\n");
}

// The values are a function of the seed and the key alone, the same on every machine: these
// are what splitmix64 gives, pinned so that a change of the generator is seen.
TEST_F(RandomizeWeightsOwnModelTest, ValuesArePinned) {
  const fs::path out = dir_ / "out";
  std::string output;
  ASSERT_EQ(Randomize(model_.string() + " " + out.string() + " --seed 3", &output), 0) << output;
  const auto tensors = ReadVariables(out);
  const Tensor& dense = tensors.at("dense/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  const Tensor& b = tensors.at("b/.ATTRIBUTES/VARIABLE_VALUE");
  char text[64];
  std::snprintf(text, sizeof(text), "%a %a", dense.flat<double>()[0], b.flat<float>()[0]);
  // Also what a Python transcription of the generator computes (splitmix64 from
  // Mix64(seed ^ Mix64(FNV-1a(key))), u = (next >> 12) * 2^-52, value = (2u - 1) * a).
  EXPECT_STREQ(text, "0x1.490954f486b18p-4 -0x1.cfd0bep-7");
  // The largest seed is a seed too.
  ASSERT_EQ(
      Randomize(model_.string() + " " + (dir_ / "max").string() + " --seed 18446744073709551615",
                &output),
      0)
      << output;
}

TEST_F(RandomizeWeightsOwnModelTest, OverwriteOnlyWhenAsked) {
  const fs::path out = dir_ / "out";
  fs::create_directories(out);
  { std::ofstream(out / "keep.txt") << "mine"; }
  std::string output;
  EXPECT_EQ(Randomize(model_.string() + " " + out.string(), &output), 1);
  EXPECT_NE(output.find(out.string()), std::string::npos) << output;
  EXPECT_NE(output.find("not empty"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(out / "keep.txt"));
  ASSERT_EQ(Randomize(model_.string() + " " + out.string() + " --overwrite", &output), 0) << output;
  EXPECT_FALSE(fs::exists(out / "keep.txt"));
  EXPECT_TRUE(fs::exists(out / "saved_model.pb"));
  // An empty directory is no obstacle.
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(Randomize(model_.string() + " " + (dir_ / "empty").string(), &output), 0) << output;
}

TEST_F(RandomizeWeightsOwnModelTest, BadInputsAreClearErrors) {
  const std::string out = (dir_ / "out").string();
  ASSERT_NO_FATAL_FAILURE(WriteBadInputs());
  fs::create_directories(dir_ / "truncated");
  { std::ofstream(dir_ / "truncated" / "saved_model.pb") << "\x0a\xff"; }
  const std::string model = model_.string();
  ExpectClearErrors(
      "randomize-weights",
      {
          {(dir_ / "missing").string() + " " + out, 1, {"missing", "does not exist"}},
          {(dir_ / "a_file").string() + " " + out, 1, {"a_file", "not a SavedModel directory"}},
          {(dir_ / "not_a_model").string() + " " + out, 1, {"not_a_model"}},
          {(dir_ / "truncated").string() + " " + out, 1, {"saved_model.pb"}},
          {(dir_ / "no_variables").string() + " " + out, 1, {"no_variables", "no variables"}},
          {model + " " + model, 1, {"is, lies inside or holds the input"}},
          {model + " " + model + "/sub", 1, {"is, lies inside or holds the input"}},
          {model + " " + dir_.string() + " --overwrite", 1, {"is, lies inside or holds the input"}},
          {model + " " + (dir_ / "a_file").string(), 1, {"a_file", "a file is in the way"}},
          {model + " " + out + " --seed -1", 1, {"--seed", "'-1'"}},
          {model + " " + out + " --seed 1x", 1, {"--seed", "'1x'"}},
          {model + " " + out + " --seed 18446744073709551616", 1, {"--seed"}},
          {model, 2, {"usage: tftrt randomize-weights IN OUT"}},
          {model + " " + out + " --precision FP16", 2, {"unknown option --precision"}},
      },
      out, model_);
  // Nothing was left behind: no output, no temporary directory, the model intact.
  EXPECT_EQ(SortedNamesIn(dir_), (std::vector<std::string>{"a_file", "model", "no_variables",
                                                           "not_a_model", "truncated"}));
}

TEST_F(RandomizeWeightsCommandTest, HelpDocumentsTheRule) {
  std::string output;
  ASSERT_EQ(RunTool("randomize-weights --help", &output), 0);
  for (const std::string word : {"--seed N", "--overwrite", "sqrt(3 / fan_in)", "[0.5, 1.5]",
                                 "variance", "gamma", "unchanged", "byte-identical"}) {
    EXPECT_NE(output.find(word), std::string::npos) << word << "\n" << output;
  }
  output.clear();
  ASSERT_EQ(RunTool("--help", &output), 0);
  EXPECT_NE(output.find("randomize-weights"), std::string::npos) << output;
}

}  // namespace
}  // namespace tftrt
