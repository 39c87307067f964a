// Bad input gets a clear error that names what is wrong — never a crash or a hang: broken
// SavedModel files, missing tags and signatures, wrong inputs, unsupported ops; through
// Model (the library) and through the tftrt program (non-zero exit, message on stderr).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "common/env.h"
#include "common/npy.h"
#include "proto/saved_model.pb.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "savedmodel/tensor_bundle_writer.h"
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

// Protobuf's own complaint about a corrupt saved_model.pb (here: a string field of invalid
// UTF-8) comes out as a tftrt warning before tftrt's error, never as a raw
// "[libprotobuf ERROR ...]" line: in the library and in the program.
TEST_F(BadInputTest, ProtobufLogsAreTftrtWarnings) {
  std::string bytes = ReadAll(dir_ / "saved_model.pb");
  const size_t name = bytes.find("serving_default");
  ASSERT_NE(name, std::string::npos);
  bytes[name] = '\xff';
  WriteAll(dir_ / "saved_model.pb", bytes);

  ::testing::internal::CaptureStderr();
  auto model = Model::Load(Dir());
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("saved_model.pb"), std::string::npos)
      << model.status().ToString();
  EXPECT_EQ(log.find("libprotobuf"), std::string::npos) << log;
  EXPECT_NE(log.find("tftrt warning: protobuf: String field '"), std::string::npos) << log;

  std::string output;
  EXPECT_EQ(testing::RunTool("inspect " + Dir(), &output), 1) << output;
  EXPECT_EQ(output.find("libprotobuf"), std::string::npos) << output;
  EXPECT_NE(output.find("tftrt warning: protobuf: String field '"), std::string::npos) << output;
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

// An index with valid checksums that gives variables another shape (the same bytes as
// rank 40): refused at load, naming the variable, instead of computing outputs of shapes
// the signature does not declare.
TEST_F(BadInputTest, CheckpointShapeOtherThanTheGraphDeclares) {
  const std::string prefix = (dir_ / "variables" / "variables").string();
  std::vector<std::pair<std::string, Tensor>> tensors;
  {
    auto reader = TensorBundleReader::Open(Env::Default(), prefix);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    for (const BundleEntryInfo& entry : (*reader)->List()) {
      auto tensor = (*reader)->Read(entry.key);
      ASSERT_TRUE(tensor.ok()) << tensor.status().ToString();
      if (tensor->rank() == 1) {  // the biases and normalization parameters
        Shape rank40(39, 1);
        rank40.push_back(tensor->shape()[0]);
        tensor = tensor->Reshaped(rank40);
        ASSERT_TRUE(tensor.ok()) << tensor.status().ToString();
      }
      tensors.emplace_back(entry.key, *tensor);
    }
  }
  ASSERT_TRUE(WriteTensorBundle(Env::Default(), prefix, tensors).ok());
  ExpectLoadError(StatusCode::kDataLoss, {"variable '", "(VarHandleOp) is declared float32[",
                                          "but its value in the checkpoint is float32[1,1,1,"});
}

// Outputs are checked against the signature's declaration, as inputs are.
TEST_F(BadInputTest, OutputOtherThanTheSignatureDeclares) {
  tensorflow::SavedModel saved_model;
  ASSERT_TRUE(saved_model.ParseFromString(ReadAll(dir_ / "saved_model.pb")));
  auto& outputs = *(*saved_model.mutable_meta_graphs(0)->mutable_signature_def())["serving_default"]
                       .mutable_outputs();
  ASSERT_TRUE(outputs.contains("probs"));
  const tensorflow::TensorInfo original = outputs["probs"];
  const struct {
    std::function<void(tensorflow::TensorInfo&)> declare;
    std::string declared;
  } cases[] = {
      {[](tensorflow::TensorInfo& info) {
         info.mutable_tensor_shape()->mutable_dim(1)->set_size(9);
       },
       "float32[1,9]"},
      {[](tensorflow::TensorInfo& info) { info.mutable_tensor_shape()->add_dim()->set_size(-1); },
       "float32[1,10,?]"},
      {[](tensorflow::TensorInfo& info) { info.set_dtype(tensorflow::DT_INT32); }, "int32[1,10]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.declared);
    outputs["probs"] = original;
    c.declare(outputs["probs"]);
    WriteAll(dir_ / "saved_model.pb", saved_model.SerializeAsString());
    auto model = Model::Load(Dir());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    auto result = (*model)->Run({{"image", Image()}});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(result.status().message().find("output 'probs' is declared " + c.declared +
                                             " by the signature, but the model computed "
                                             "float32[1,10]"),
              std::string::npos)
        << result.status().ToString();
  }
  // Unknown dims and unknown rank match anything.
  for (int unknown_rank = 0; unknown_rank < 2; ++unknown_rank) {
    outputs["probs"] = original;
    if (unknown_rank) {
      outputs["probs"].mutable_tensor_shape()->Clear();
      outputs["probs"].mutable_tensor_shape()->set_unknown_rank(true);
    } else {
      outputs["probs"].mutable_tensor_shape()->mutable_dim(0)->set_size(-1);
    }
    WriteAll(dir_ / "saved_model.pb", saved_model.SerializeAsString());
    auto model = Model::Load(Dir());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    auto result = (*model)->Run({{"image", Image()}});
    EXPECT_TRUE(result.ok()) << result.status().ToString();
  }
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

// As TensorFlow's signature functions, tftrt does not refuse an input of another shape
// than declared: an op that cannot take it fails, and the error says how the input differs.
TEST_F(BadRunInputTest, WrongShape) {
  auto outputs = model_->Run({{"image", Tensor(DataType::kFloat, {1, 27, 28, 1})}});
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(outputs.status().message().find("input 'image' is float32[1,27,28,1], the signature "
                                            "declares [1,28,28,1]"),
            std::string::npos)
      << outputs.status().ToString();
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

// An input given twice, by --input twice or by --input and --inputs, is refused naming it
// and both options: keeping one silently could run the model on the wrong input.
TEST_F(BadInputTest, ToolRefusesAnInputGivenTwice) {
  fs::create_directories(dir_ / "set");
  const std::string a = (dir_ / "a.npy").string(), set = (dir_ / "set").string();
  ASSERT_TRUE(WriteNpyFile(a, Image()).ok());
  ASSERT_TRUE(WriteNpyFile(set + "/image.npy", Image()).ok());
  const std::string run = "run " + Dir() + " --output-dir " + Dir() + "/out ";
  const std::pair<std::string, std::string> cases[] = {
      {"--input image=" + a + " --input image=" + a,
       "input 'image' is given twice: by --input image=" + a + " and by --input image=" + a},
      {"--inputs " + set + " --input image=" + a,
       "input 'image' is given twice: by --inputs " + set + " and by --input image=" + a},
      {"--inputs " + set + " --inputs " + set,
       "input 'image' is given twice: by --inputs " + set + " and by --inputs " + set},
  };
  for (const auto& [args, message] : cases) {
    std::string output;
    EXPECT_EQ(RunTool(run + args, &output), 1) << output;
    EXPECT_NE(output.find(message), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(dir_ / "out"));
  }
  std::string output;
  EXPECT_EQ(RunTool(run + "--inputs " + set, &output), 0) << output;
}

}  // namespace
}  // namespace tftrt
