#include "savedmodel/saved_model_writer.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/mem_env.h"
#include "saved_model_test_util.h"
#include "savedmodel/saved_model_reader.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using google::protobuf::util::MessageDifferencer;

using testing::SameBytes;

// Everything a SavedModel directory holds, read back through the reader, for comparisons.
SavedModelContents ReadBack(Env* env, const std::string& dir) {
  SavedModelContents contents;
  auto bundle = ReadSavedModel(env, dir);
  EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
  if (!bundle.ok()) return contents;
  contents.saved_model.set_saved_model_schema_version(1);
  *contents.saved_model.add_meta_graphs() = bundle->meta_graph;
  if (bundle->variables) {
    auto list = bundle->variables->List();
    // Data-file order, which is the order the tensors were written in.
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.offset < b.offset; });
    for (const auto& info : list) {
      contents.variables.emplace_back(info.key, bundle->variables->Read(info.key).value());
    }
  }
  return contents;
}

void ExpectSameContents(const SavedModelContents& a, const SavedModelContents& b) {
  EXPECT_TRUE(MessageDifferencer::Equals(a.saved_model, b.saved_model));
  ASSERT_EQ(a.variables.size(), b.variables.size());
  for (size_t i = 0; i < a.variables.size(); ++i) {
    EXPECT_EQ(a.variables[i].first, b.variables[i].first);
    EXPECT_TRUE(SameBytes(a.variables[i].second, b.variables[i].second)) << a.variables[i].first;
  }
}

TEST(SavedModelWriterTest, RoundTripInMemory) {
  MemEnv env;
  const SavedModelContents contents = testing::SmallModel();
  ASSERT_TRUE(WriteSavedModel(&env, "out/models/m", contents).ok());
  ExpectSameContents(ReadBack(&env, "out/models/m"), contents);
  EXPECT_EQ(env.ReadFileToString("out/models/m/assets/vocab.txt").value(), "a\nb\n");
  EXPECT_EQ(env.ReadFileToString("out/models/m/assets.extra/warmup").value(), "warm");
  // Nothing but the model is left behind.
  EXPECT_EQ(env.GetChildren("out/models").value(), std::vector<std::string>{"m"});
  EXPECT_EQ(env.GetChildren("out/models/m").value(),
            (std::vector<std::string>{"assets", "assets.extra", "saved_model.pb", "variables"}));
}

TEST(SavedModelWriterTest, DeterministicBytes) {
  MemEnv env;
  const SavedModelContents contents = testing::SmallModel();
  ASSERT_TRUE(WriteSavedModel(&env, "a", contents).ok());
  ASSERT_TRUE(WriteSavedModel(&env, "b", contents).ok());
  for (const char* file :
       {"saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001"}) {
    EXPECT_EQ(env.ReadFileToString(JoinPath("a", file)).value(),
              env.ReadFileToString(JoinPath("b", file)).value())
        << file;
  }
}

TEST(SavedModelWriterTest, RefusesNonEmptyTargetUnlessOverwrite) {
  MemEnv env;
  SavedModelContents contents = testing::SmallModel();
  ASSERT_TRUE(env.CreateDir("m").ok());  // an empty directory may be replaced
  ASSERT_TRUE(WriteSavedModel(&env, "m", contents).ok());

  contents.variables[1].second = Tensor::Scalar<float>(42);
  Status refused = WriteSavedModel(&env, "m", contents);
  EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(refused.message().find("'m'"), std::string::npos);
  EXPECT_EQ(
      ReadSavedModel(&env, "m")->variables->Read("b/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0],
      2.0f);

  ASSERT_TRUE(WriteSavedModel(&env, "m/", contents, {.overwrite = true}).ok());
  EXPECT_EQ(
      ReadSavedModel(&env, "m")->variables->Read("b/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0],
      42.0f);
  EXPECT_EQ(env.GetChildren("").value(), std::vector<std::string>{"m"});

  ASSERT_TRUE(env.WriteStringToFile("file", "x").ok());
  EXPECT_EQ(WriteSavedModel(&env, "file", contents, {.overwrite = true}).code(),
            StatusCode::kFailedPrecondition);
}

TEST(SavedModelWriterTest, FailureLeavesNothingBehind) {
  MemEnv env;
  SavedModelContents contents = testing::SmallModel();
  env.SetFaultHook([](std::string_view op, const std::string& path) {
    if (op == "write" && path.find(".index") != std::string::npos) {
      return Status::Internal("injected: disk full at '" + path + "'");
    }
    return Status::Ok();
  });
  Status status = WriteSavedModel(&env, "out/m", contents);
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("while writing SavedModel 'out/m'"), std::string::npos);
  EXPECT_FALSE(env.FileExists("out/m"));
  EXPECT_TRUE(env.ListAllFiles().empty());
}

TEST(SavedModelWriterTest, FailedOverwriteKeepsTheOldModel) {
  MemEnv env;
  SavedModelContents contents = testing::SmallModel();
  ASSERT_TRUE(WriteSavedModel(&env, "m", contents).ok());
  const auto before = env.ListAllFiles();

  // Fails while writing the new model.
  env.SetFaultHook([](std::string_view op, const std::string& path) {
    return op == "write" && path.find("vocab") != std::string::npos ? Status::Internal("injected")
                                                                    : Status::Ok();
  });
  contents.variables[1].second = Tensor::Scalar<float>(42);
  EXPECT_FALSE(WriteSavedModel(&env, "m", contents, {.overwrite = true}).ok());
  EXPECT_EQ(env.ListAllFiles(), before);

  // Fails at the swap: the atomic exchange, or (where the file system lacks it) the second
  // rename, after which the old model is moved back.
  env.SetFaultHook([](std::string_view op, const std::string& path) {
    return (op == "exchange" || op == "rename") && path.find(".tftrt-tmp-") != std::string::npos
               ? Status::Internal("injected rename failure")
               : Status::Ok();
  });
  EXPECT_FALSE(WriteSavedModel(&env, "m", contents, {.overwrite = true}).ok());
  EXPECT_EQ(env.ListAllFiles(), before);
  env.SetExchangeSupported(false);
  EXPECT_FALSE(WriteSavedModel(&env, "m", contents, {.overwrite = true}).ok());
  EXPECT_EQ(env.ListAllFiles(), before);
  env.SetFaultHook(nullptr);
  EXPECT_EQ(
      ReadSavedModel(&env, "m")->variables->Read("b/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0],
      2.0f);
}

// A save killed mid-write leaves its temporary directory with partial contents; the next
// save of the same output removes it, and only it: not the one of a writer still running,
// of another output, or a name that merely looks alike.
TEST(SavedModelWriterTest, RemovesTemporaryDirectoriesOfDeadWriters) {
  MemEnv env;
  const std::string no_process = std::to_string(INT_MAX);  // above any pid_max
  const std::string stale = "out/.m.tftrt-tmp-" + no_process + "-123-0";
  const std::vector<std::string> kept = {
      "out/.m.tftrt-tmp-" + std::to_string(::getpid()) + "-123-0",  // a live writer
      "out/.other.tftrt-tmp-" + no_process + "-123-0",              // another output
      "out/.m.tftrt-tmp-5.tftrt-tmp-" + no_process + "-1-0",        // of output "m.tftrt-tmp-5"
      "out/.m.tftrt-tmp-" + no_process + "-123",                    // not the full pattern
      "out/m.tftrt-tmp-" + no_process + "-123-0",                   // not hidden
  };
  for (const std::string& dir : kept) {
    ASSERT_TRUE(env.CreateDir(dir).ok());
    ASSERT_TRUE(env.WriteStringToFile(dir + "/saved_model.pb", "partial").ok());
  }
  ASSERT_TRUE(env.CreateDir(stale + "/variables").ok());
  ASSERT_TRUE(env.WriteStringToFile(stale + "/variables/variables.index", "partial").ok());

  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(WriteSavedModel(&env, "out/m", testing::SmallModel()).ok());
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(env.FileExists(stale));
  EXPECT_NE(log.find("removed '" + stale + "', left by an earlier save of 'out/m' (process " +
                     no_process + ", no longer running)"),
            std::string::npos)
      << log;
  for (const std::string& dir : kept) EXPECT_TRUE(env.IsDirectory(dir)) << dir;
  EXPECT_TRUE(env.IsDirectory("out/m"));
}

TEST(SavedModelWriterTest, RejectsBadPaths) {
  MemEnv env;
  for (const char* bad : {"../evil", "/abs", "a/../b", "", "dir/"}) {
    SavedModelContents contents = testing::SmallModel();
    contents.assets = {{bad, "x"}};
    Status status = WriteSavedModel(&env, "m", contents);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_FALSE(env.FileExists("m"));
  }
  SavedModelContents clash = testing::SmallModel();
  clash.extra_files = {{"saved_model.pb", "x"}};
  EXPECT_EQ(WriteSavedModel(&env, "m", clash).code(), StatusCode::kInvalidArgument);
  clash.extra_files = {{"variables/variables.index", "x"}};
  EXPECT_EQ(WriteSavedModel(&env, "m", clash).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(env.ListAllFiles().empty());
}

TEST(SavedModelWriterTest, BadTensorFailsCleanly) {
  MemEnv env;
  SavedModelContents contents = testing::SmallModel();
  contents.variables.emplace_back("handle", Tensor(DataType::kResource, {}));
  Status status = WriteSavedModel(&env, "m", contents);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'handle'"), std::string::npos);
  EXPECT_TRUE(env.ListAllFiles().empty());
}

// Reads each real TF model from disk, writes it with tftrt to a temporary directory on disk,
// and reads it again: identical protos and tensors, and the variables' data file is byte for
// byte the one TensorFlow wrote.
TEST(SavedModelWriterTest, RealworldRoundTrip) {
  const char* shared = std::getenv("TFTRT_SHARED_DIR");
  const std::string root = JoinPath(
      shared != nullptr ? shared : std::string(TFTRT_SOURCE_DIR) + "/../shared", "realworld");
  Env* env = Env::Default();
  if (!env->IsDirectory(root)) GTEST_SKIP() << "no real-world SavedModels at '" << root << "'";
  char pattern[] = "/tmp/tftrt_writer_test_XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string temp = pattern;
  for (const char* name : {"half_plus_two_tf2_14", "mnist_keras_tf2_10", "captured_constants_tf2_4",
                           "regression_module_tf2_5", "half_plus_two_tf1"}) {
    SCOPED_TRACE(name);
    const std::string in = JoinPath(root, name);
    SavedModelContents contents = ReadBack(env, in);
    // The full SavedModel, not only the chosen MetaGraphDef.
    contents.saved_model = ReadSavedModelProto(env, in).value();
    const std::string out = JoinPath(temp, name);
    ASSERT_TRUE(WriteSavedModel(env, out, contents).ok());
    SavedModelContents again = ReadBack(env, out);
    again.saved_model = ReadSavedModelProto(env, out).value();
    ExpectSameContents(again, contents);
    EXPECT_EQ(env->ReadFileToString(out + "/variables/variables.data-00000-of-00001").value(),
              env->ReadFileToString(in + "/variables/variables.data-00000-of-00001").value());
    // The index files are byte-identical too, except the two from tensorflow/serving's
    // testdata, whose data blocks TF compressed with Snappy (tftrt writes them uncompressed).
    const std::string index = env->ReadFileToString(in + "/variables/variables.index").value();
    if (std::string_view(name).substr(0, 13) != "half_plus_two") {
      EXPECT_EQ(env->ReadFileToString(out + "/variables/variables.index").value(), index);
    }
  }
  EXPECT_TRUE(env->DeleteRecursively(temp).ok());
}

}  // namespace
}  // namespace tftrt
