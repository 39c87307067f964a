// Bad input gets a clear error that names what is wrong — never a crash or a hang: broken
// SavedModel files, missing tags and signatures, wrong inputs, unsupported ops; through
// Model (the library) and through the tftrt program (non-zero exit, message on stderr).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/env.h"
#include "proto/saved_model.pb.h"
#include "testing/tool_runner.h"
#include "tftrt/model.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

const fs::path kExample = fs::path(TFTRT_SOURCE_DIR) / "examples" / "small_cnn";

// A private copy of the bundled example model, deleted at the end of the test.
class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tftrt_bad_input_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::copy(kExample, dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Dir() const { return dir_.string(); }
  fs::path DataShard() const { return dir_ / "variables" / "variables.data-00000-of-00001"; }
  fs::path Index() const { return dir_ / "variables" / "variables.index"; }

  static std::string ReadAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  static void WriteAll(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  // Loads the copy; the test expects failure with `code` and every one of `words`.
  void ExpectLoadError(StatusCode code, const std::vector<std::string>& words,
                       const std::string& signature = "serving_default",
                       const std::set<std::string>& tags = {"serve"}) {
    auto model = Model::Load(Dir(), signature, tags);
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.status().code(), code) << model.status().ToString();
    for (const std::string& word : words) {
      EXPECT_NE(model.status().message().find(word), std::string::npos)
          << "'" << word << "' not in: " << model.status().ToString();
    }
  }

  static Tensor Image() { return Tensor(DataType::kFloat, {1, 28, 28, 1}); }

  fs::path dir_;
};

TEST_F(BadInputTest, DirectoryIsNotASavedModel) {
  fs::remove(dir_ / "saved_model.pb");
  ExpectLoadError(StatusCode::kNotFound, {Dir(), "SavedModel"});
}

TEST_F(BadInputTest, MissingDirectory) {
  fs::remove_all(dir_);
  auto model = Model::Load(Dir());
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find(Dir()), std::string::npos) << model.status().ToString();
}

TEST_F(BadInputTest, TruncatedSavedModelProto) {
  const std::string bytes = ReadAll(dir_ / "saved_model.pb");
  WriteAll(dir_ / "saved_model.pb", bytes.substr(0, bytes.size() / 2));
  auto model = Model::Load(Dir());
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("saved_model.pb"), std::string::npos)
      << model.status().ToString();
}

TEST_F(BadInputTest, CorruptedSavedModelProto) {
  std::string bytes = ReadAll(dir_ / "saved_model.pb");
  for (size_t i = 0; i < bytes.size(); i += 97) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  WriteAll(dir_ / "saved_model.pb", bytes);
  auto model = Model::Load(Dir());  // any error is fine; a crash is not
  EXPECT_FALSE(model.ok());
}

TEST_F(BadInputTest, CorruptedValueInDataShard) {
  std::string bytes = ReadAll(DataShard());
  bytes[bytes.size() / 3] = static_cast<char>(bytes[bytes.size() / 3] ^ 0x01);
  WriteAll(DataShard(), bytes);
  ExpectLoadError(StatusCode::kDataLoss, {"variables.data", "checksum"});
}

TEST_F(BadInputTest, MissingDataShard) {
  fs::remove(DataShard());
  ExpectLoadError(StatusCode::kDataLoss, {"variables.data-00000-of-00001"});
}

TEST_F(BadInputTest, TruncatedIndex) {
  const std::string bytes = ReadAll(Index());
  WriteAll(Index(), bytes.substr(0, bytes.size() - 20));
  ExpectLoadError(StatusCode::kDataLoss, {"variables.index"});
}

TEST_F(BadInputTest, MissingTag) {
  ExpectLoadError(StatusCode::kNotFound, {"gpu", "serve"}, "serving_default", {"serve", "gpu"});
}

TEST_F(BadInputTest, MissingSignatureKey) {
  ExpectLoadError(StatusCode::kInvalidArgument, {"no_such_key", "serving_default"}, "no_such_key");
}

TEST_F(BadInputTest, UnsupportedOp) {
  tensorflow::SavedModel saved_model;
  ASSERT_TRUE(saved_model.ParseFromString(ReadAll(dir_ / "saved_model.pb")));
  bool renamed = false;
  for (auto& function : *saved_model.mutable_meta_graphs(0)
                             ->mutable_graph_def()
                             ->mutable_library()
                             ->mutable_function()) {
    for (auto& node : *function.mutable_node_def()) {
      if (node.op() == "Relu" && !renamed) {
        node.set_op("TotallyNewOp");
        renamed = true;
      }
    }
  }
  ASSERT_TRUE(renamed);
  WriteAll(dir_ / "saved_model.pb", saved_model.SerializeAsString());
  ExpectLoadError(StatusCode::kUnimplemented, {"TotallyNewOp", "Relu"});
}

class BadRunInputTest : public BadInputTest {
 protected:
  void SetUp() override {
    BadInputTest::SetUp();
    auto model = Model::Load(Dir());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = std::move(model).value();
  }
  void ExpectRunError(const std::map<std::string, Tensor>& inputs,
                      const std::vector<std::string>& words) {
    auto outputs = model_->Run(inputs);
    ASSERT_FALSE(outputs.ok());
    EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
    for (const std::string& word : words) {
      EXPECT_NE(outputs.status().message().find(word), std::string::npos)
          << "'" << word << "' not in: " << outputs.status().ToString();
    }
  }
  std::unique_ptr<Model> model_;
};

TEST_F(BadRunInputTest, Runs) { EXPECT_TRUE(model_->Run({{"image", Image()}}).ok()); }

TEST_F(BadRunInputTest, WrongDtype) {
  ExpectRunError({{"image", Tensor(DataType::kInt32, {1, 28, 28, 1})}}, {"image", "int32"});
}

TEST_F(BadRunInputTest, WrongShape) {
  ExpectRunError({{"image", Tensor(DataType::kFloat, {1, 27, 28, 1})}}, {"image", "[1,27,28,1]"});
}

TEST_F(BadRunInputTest, UnknownInputName) {
  ExpectRunError({{"image", Image()}, {"imagee", Image()}}, {"imagee", "image"});
}

TEST_F(BadRunInputTest, MissingInput) { ExpectRunError({}, {"missing input 'image'"}); }

using testing::RunTool;

// The program reports errors on stderr with a non-zero exit status.
TEST_F(BadInputTest, ToolReportsBadSavedModel) {
  fs::remove(DataShard());
  std::string output;
  EXPECT_EQ(
      RunTool("run " + Dir() + " --input image=/nonexistent.npy --output-dir " + Dir() + "/out",
              &output),
      1);
  EXPECT_NE(output.find("/nonexistent.npy"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("inspect " + Dir() + "/nope", &output), 1);
  EXPECT_NE(output.find("nope"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(RunTool("run " + Dir() + " --bogus", &output), 2);
  EXPECT_NE(output.find("--bogus"), std::string::npos) << output;
}

}  // namespace
}  // namespace tftrt
