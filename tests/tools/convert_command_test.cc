// `tftrt convert` and `tftrt summary` as a user runs them: Build() input sets from
// --build-input groups and --build-inputs-dir (.npz archives and directories of .npy),
// engines saved and used by `tftrt run`, and bad parameters reported with the exit codes of
// the other commands (1: error, 2: bad usage).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/npy.h"
#include "engine/engine_cache_file.h"
#include "testing/fixtures.h"
#include "testing/tool_runner.h"
#include "tools/command_test_util.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;
using testing::RunTool;

class ConvertCommandTest : public testing::CommandTest {
 protected:
  ConvertCommandTest() : CommandTest("tftrt_convert_command") {}

  void SetUp() override {
    model_ = Fixture("cnn");
    if (model_.empty()) GTEST_SKIP() << testing::FixturesDir() << "/cnn/model is absent";
    CommandTest::SetUp();
  }

  // Writes a [batch,32,32,3] image to `path`.
  static void WriteImage(const fs::path& path, int64_t batch) {
    fs::create_directories(path.parent_path());
    Tensor image(DataType::kFloat, {batch, 32, 32, 3});
    for (int64_t i = 0; i < image.NumElements(); ++i) image.flat<float>()[i] = (i % 13) / 13.0f;
    ASSERT_TRUE(WriteNpyFile(path.string(), image).ok());
  }

  // The number of engines saved for the converted model in `out`.
  static size_t SavedEngines(const fs::path& out) {
    size_t engines = 0;
    for (const auto& file : fs::directory_iterator(out / "assets")) {
      auto blobs = ParseEngineCacheFile(testing::ReadFile(file.path()));
      EXPECT_TRUE(blobs.ok()) << blobs.status().ToString();
      if (blobs.ok()) engines += blobs->size();
    }
    return engines;
  }

  std::string model_;
};

TEST_F(ConvertCommandTest, BuildInputGroupsAndDirectoryGiveOneEngineEach) {
  WriteImage(dir_ / "a.npy", 3);
  WriteImage(dir_ / "b.npy", 4);
  WriteImage(dir_ / "sets" / "0" / "image.npy", 5);
  // numpy's archives of the fixture's cases (batches 1 and 2) are sets too.
  const fs::path cases = fs::path(model_).parent_path() / "cases" / "serving_default";
  fs::copy_file(cases / "0" / "inputs.npz", dir_ / "sets" / "1.npz");
  fs::copy_file(cases / "1" / "inputs.npz", dir_ / "sets" / "2.npz");
  const fs::path out = dir_ / "converted";
  std::string output;
  ASSERT_EQ(RunTool("convert " + model_ + " " + out.string() +
                        " --maximum-cached-engines 8 --precision fp16" +
                        " --build-input image=" + (dir_ / "a.npy").string() +
                        " --build-input image=" + (dir_ / "b.npy").string() +
                        " --build-inputs-dir " + (dir_ / "sets").string(),
                    &output),
            0)
      << output;
  EXPECT_NE(output.find("Total number of TensorRT engines: 1"), std::string::npos) << output;
  EXPECT_EQ(SavedEngines(out), 5u);

  output.clear();
  ASSERT_EQ(RunTool("summary " + out.string(), &output), 0) << output;
  EXPECT_NE(output.find("% of OPs Converted"), std::string::npos) << output;
  EXPECT_NE(output.find("- Conv2D: 2x"), std::string::npos) << output;
  // Shapes as the signature and TF's trace know them: batch unknown.
  EXPECT_NE(output.find("[[?,32,32,3]]"), std::string::npos) << output;
  EXPECT_NE(output.find("[[?,10]]"), std::string::npos) << output;

  // Saved engines run: no warning about building or falling back.
  for (const std::string& inputs : {" --input image=" + (dir_ / "b.npy").string(),
                                    " --inputs " + (cases / "1").string() + "/inputs.npz"}) {
    output.clear();
    fs::remove_all(dir_ / "outputs");
    ASSERT_EQ(
        RunTool("run " + out.string() + inputs + " --output-dir " + (dir_ / "outputs").string(),
                &output),
        0)
        << output;
    EXPECT_TRUE(fs::exists(dir_ / "outputs" / "probs.npy"));
    EXPECT_EQ(output.find("warning"), std::string::npos) << output;
  }
}

TEST_F(ConvertCommandTest, BuildInputsDirWithoutSetsIsAnError) {
  fs::create_directories(dir_ / "empty");
  std::string output;
  EXPECT_EQ(RunTool("convert " + model_ + " " + (dir_ / "converted").string() +
                        " --build-inputs-dir " + (dir_ / "empty").string(),
                    &output),
            1);
  EXPECT_NE(output.find("holds no .npz archive"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir_ / "converted"));
}

// The calibration flags follow the seed's rules; each wrong combination gets its own clear
// error, with nothing written.
TEST_F(ConvertCommandTest, Int8CalibrationFlagsFollowTheSeed) {
  WriteImage(dir_ / "calibration" / "0" / "image.npy", 1);
  WriteImage(dir_ / "mixed" / "0" / "image.npy", 1);
  WriteImage(dir_ / "mixed" / "1" / "image.npy", 2);
  const std::string out = (dir_ / "converted").string();
  const std::string calibration = " --calibration-inputs-dir " + (dir_ / "calibration").string();
  struct Case {
    std::string flags;
    std::string error;
  };
  const Case cases[] = {
      {" --precision INT8", "--calibration-inputs-dir"},
      {" --precision FP16" + calibration, "Should not specify calibration_input_fn"},
      {" --precision INT8 --calibration-inputs-dir " + (dir_ / "mixed").string(),
       "calibration input set 1: input 'image' is float32[2,32,32,3]"},
  };
  for (const Case& c : cases) {
    std::string output;
    EXPECT_EQ(RunTool("convert " + model_ + " " + out + c.flags, &output), 1) << c.flags;
    EXPECT_NE(output.find(c.error), std::string::npos) << c.flags << "\n" << output;
    EXPECT_FALSE(fs::exists(out)) << c.flags;
  }
}

// The seed's example 3 on the command line: INT8 calibrated on the digits_cnn fixture's
// training batches, an engine pre-built for the held-out set, and `tftrt run` of the
// saved model on it with the accuracy of TensorFlow's float model (within a point).
TEST_F(ConvertCommandTest, Int8WithCalibrationInputsDir) {
  const std::string digits = Fixture("digits_cnn");
  if (digits.empty()) GTEST_SKIP() << "the digits_cnn fixture is absent";
  const fs::path int8 = fs::path(digits).parent_path() / "int8";
  const fs::path heldout = int8 / "heldout" / "image.npy";
  const fs::path out = dir_ / "converted";
  std::string output;
  ASSERT_EQ(
      RunTool("convert " + digits + " " + out.string() +
                  " --precision INT8 --device cpu --maximum-cached-engines 2"
                  " --calibration-inputs-dir " +
                  (int8 / "calibration").string() + " --build-input image=" + heldout.string(),
              &output),
      0)
      << output;
  EXPECT_EQ(SavedEngines(out), 2u) << "the calibration shape and the held-out one";

  output.clear();
  ASSERT_EQ(RunTool("run " + out.string() + " --device cpu --input image=" + heldout.string() +
                        " --output-dir " + (dir_ / "outputs").string() + " --verbose",
                    &output),
            0)
      << output;
  EXPECT_EQ(output.find("warning"), std::string::npos) << "the saved engine runs: " << output;
  auto probs = ReadNpyFile((dir_ / "outputs" / "probs.npy").string());
  auto labels = ReadNpyFile((int8 / "heldout" / "labels.npy").string());
  ASSERT_TRUE(probs.ok() && labels.ok());
  int correct = 0;
  for (int64_t i = 0; i < probs->dim(0); ++i) {
    const float* row = probs->flat<float>() + i * 10;
    correct += std::max_element(row, row + 10) - row == labels->ElementAsInt64(i);
  }
  const double accuracy = static_cast<double>(correct) / probs->dim(0);
  const std::string tf = testing::ReadFile(int8 / "tf_accuracy.json");
  const double tf_accuracy = std::stod(tf.substr(tf.find(':') + 1));
  EXPECT_GE(accuracy, tf_accuracy - 0.01) << "INT8 " << accuracy << ", TF " << tf_accuracy;
}

// INT8 with an error limit: --int8-max-error keeps layers in FP16 (the printed summary
// says which and the error they give), and `tftrt summary --evaluation-inputs-dir`
// measures the saved model's layers again.
TEST_F(ConvertCommandTest, Int8ErrorLimitAndAccuracyReport) {
  const std::string digits = Fixture("digits_cnn");
  if (digits.empty()) GTEST_SKIP() << "the digits_cnn fixture is absent";
  const fs::path int8 = fs::path(digits).parent_path() / "int8";
  const fs::path evaluation = dir_ / "evaluation";
  fs::create_directories(evaluation / "0");
  fs::copy_file(int8 / "heldout" / "image.npy", evaluation / "0" / "image.npy");
  const std::string convert = "convert " + digits + " " + (dir_ / "converted").string() +
                              " --precision INT8 --device cpu --calibration-inputs-dir " +
                              (int8 / "calibration").string();
  std::string output;
  EXPECT_EQ(RunTool(convert + " --int8-max-error 0.01", &output), 1) << output;
  EXPECT_NE(output.find("--int8-max-error needs --evaluation-inputs-dir"), std::string::npos)
      << output;

  output.clear();
  ASSERT_EQ(
      RunTool(convert + " --int8-max-error 0.01 --evaluation-inputs-dir " + evaluation.string(),
              &output),
      0)
      << output;
  EXPECT_NE(output.find("kept in FP16"), std::string::npos) << output;
  const size_t at = output.rfind("output error against FP32 ");  // the summary, not the log
  ASSERT_NE(at, std::string::npos) << output;
  EXPECT_LE(std::stod(output.substr(at + 26)), 0.01) << output;

  output.clear();
  ASSERT_EQ(RunTool("summary " + (dir_ / "converted").string() +
                        " --device cpu --evaluation-inputs-dir " + evaluation.string(),
                    &output),
            0)
      << output;
  EXPECT_NE(output.find("kept in FP16"), std::string::npos) << output;
  EXPECT_NE(output.find(" sensitivity "), std::string::npos) << output;
}

TEST_F(ConvertCommandTest, RefusesANonEmptyOutputUnlessOverwrite) {
  const fs::path out = dir_ / "converted";
  std::string output;
  ASSERT_EQ(RunTool("convert " + model_ + " " + out.string(), &output), 0) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_ + " " + out.string(), &output), 1);
  EXPECT_NE(output.find(out.string()), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_ + " " + out.string() + " --overwrite", &output), 0)
      << output;
}

// The converted model keeps the TensorFlow version of its source (whose ops it uses), and
// `tftrt inspect` prints it.
TEST_F(ConvertCommandTest, InspectShowsTheSourcesTensorFlowVersion) {
  std::string source;
  ASSERT_EQ(RunTool("inspect " + model_, &source), 0) << source;
  const size_t at = source.find(", TensorFlow 2.");
  ASSERT_NE(at, std::string::npos) << source;
  const std::string version = source.substr(at, source.find('\n', at) - at);
  const fs::path out = dir_ / "converted";
  std::string output;
  ASSERT_EQ(RunTool("convert " + model_ + " " + out.string(), &output), 0) << output;
  output.clear();
  ASSERT_EQ(RunTool("inspect " + out.string(), &output), 0) << output;
  EXPECT_NE(output.find(version + "\n"), std::string::npos) << output;
}

TEST_F(ConvertCommandTest, BadParametersAreErrors) {
  const std::string out = (dir_ / "converted").string();
  std::string output;
  EXPECT_EQ(RunTool("convert " + model_ + " " + out + " --precision FP64", &output), 1);
  EXPECT_NE(output.find("precision mode 'FP64'"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_ + " " + out + " --minimum-segment-size 0", &output), 1);
  EXPECT_NE(output.find("minimum segment size"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_ + " " + out + " --minimum-segment-size three", &output), 1);
  EXPECT_NE(output.find("--minimum-segment-size"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_ + " " + out + " --build-input image", &output), 1);
  EXPECT_NE(output.find("NAME=FILE.npy"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_ + " " + out + " --disable-pass nonsense", &output), 1);
  EXPECT_NE(output.find("nonsense"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("convert " + model_, &output), 2);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace tftrt
