// Damages real TF SavedModels byte by byte (in a MemEnv copy) and checks that tftrt reports
// an error, never crashes, and never returns a tensor whose checksum did not match.
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "common/mem_env.h"
#include "savedmodel/saved_model_reader.h"

namespace tftrt {
namespace {

std::string RealworldDir() {
  const char* shared = std::getenv("TFTRT_SHARED_DIR");
  return JoinPath(shared != nullptr ? shared : std::string(TFTRT_SOURCE_DIR) + "/../shared",
                  "realworld");
}

// Copies the directory tree `from` (on disk) to `to` in `env`.
void CopyToMemEnv(const std::string& from, MemEnv* env, const std::string& to) {
  ASSERT_TRUE(env->CreateDir(to).ok());
  // Held in a variable: a range-for over value() of a temporary StatusOr would dangle.
  const std::vector<std::string> children = Env::Default()->GetChildren(from).value();
  for (const std::string& name : children) {
    const std::string path = JoinPath(from, name);
    if (Env::Default()->IsDirectory(path)) {
      CopyToMemEnv(path, env, JoinPath(to, name));
    } else {
      ASSERT_TRUE(
          env->WriteStringToFile(JoinPath(to, name), Env::Default()->ReadFileToString(path).value())
              .ok());
    }
  }
}

// Loads the model, reads every tensor and maps every variable; the first error, if any.
Status LoadEverything(Env* env, const std::string& dir) {
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle, ReadSavedModel(env, dir));
  if (bundle.variables) TFTRT_RETURN_IF_ERROR(bundle.variables->VerifyAll());
  auto keys = VariableCheckpointKeys(bundle);
  return keys.ok() ? Status::Ok() : keys.status();
}

// Opens the variables bundle and reads every tensor (faster than LoadEverything, for the
// tests that damage only variables/).
Status LoadVariables(Env* env, const std::string& dir) {
  TFTRT_ASSIGN_OR_RETURN(auto reader, TensorBundleReader::Open(env, dir + "/variables/variables"));
  return reader->VerifyAll();
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = JoinPath(RealworldDir(), "half_plus_two_tf2_14");
    if (!Env::Default()->IsDirectory(dir)) {
      GTEST_SKIP() << "no real-world SavedModels at '" << RealworldDir() << "'";
    }
    CopyToMemEnv(dir, &env_, "m");
    ASSERT_TRUE(LoadEverything(&env_, "m").ok());
  }
  // Runs `damage` on a fresh copy of `file`, loads, restores the file; the load's status.
  template <typename Damage>
  Status LoadDamaged(const std::string& file, Damage damage) {
    const std::string original = env_.ReadFileToString(file).value();
    damage();
    Status status = file.find("/variables/") != std::string::npos ? LoadVariables(&env_, "m")
                                                                  : LoadEverything(&env_, "m");
    EXPECT_TRUE(env_.WriteStringToFile(file, original).ok());
    return status;
  }

  MemEnv env_;
  // Corrupt protos make protobuf log (as tftrt warnings) each invalid UTF-8 string it
  // meets; the test checks the Status instead.
  google::protobuf::LogSilencer quiet_;
};

TEST_F(CorruptionTest, EveryFlippedDataByteIsCaught) {
  const std::string data = "m/variables/variables.data-00000-of-00001";
  const uint64_t size = env_.GetFileSize(data).value();
  for (uint64_t i = 0; i < size; ++i) {
    Status status = LoadDamaged(data, [&] { ASSERT_TRUE(env_.CorruptByte(data, i).ok()); });
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << "byte " << i;
    EXPECT_NE(status.message().find("variables.data-00000-of-00001"), std::string::npos);
  }
}

TEST_F(CorruptionTest, EveryTruncationIsCaught) {
  for (const std::string file : {"m/variables/variables.data-00000-of-00001",
                                 "m/variables/variables.index", "m/saved_model.pb"}) {
    const uint64_t size = env_.GetFileSize(file).value();
    const uint64_t step = std::max<uint64_t>(1, size / 500);
    for (uint64_t length = 0; length < size; length += step) {
      Status status = LoadDamaged(file, [&] { ASSERT_TRUE(env_.Truncate(file, length).ok()); });
      EXPECT_FALSE(status.ok()) << file << " truncated to " << length;
      EXPECT_NE(status.message().find(file), std::string::npos) << status.ToString();
    }
  }
}

TEST_F(CorruptionTest, FlippedIndexBytesNeverCrash) {
  const std::string index = "m/variables/variables.index";
  const uint64_t size = env_.GetFileSize(index).value();
  int errors = 0;
  for (uint64_t i = 0; i < size; ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      Status status =
          LoadDamaged(index, [&] { ASSERT_TRUE(env_.CorruptByte(index, i, mask).ok()); });
      errors += !status.ok();
    }
  }
  // Not checked, as in TensorFlow and LevelDB: the metaindex block (13 bytes) and its handle
  // in the footer (3 bytes), which name only filter blocks TF never writes, and the footer's
  // zero padding (34 bytes). Everything else is.
  EXPECT_GE(errors, static_cast<int>(3 * (size - 13 - 3 - 34)));
}

TEST_F(CorruptionTest, FlippedSavedModelBytesNeverCrash) {
  const std::string pb = "m/saved_model.pb";
  const uint64_t size = env_.GetFileSize(pb).value();
  std::mt19937 random(42);
  for (int trial = 0; trial < 400; ++trial) {
    const uint64_t offset = random() % size;
    LoadDamaged(pb, [&] {
      ASSERT_TRUE(env_.CorruptByte(pb, offset, static_cast<uint8_t>(1 + random() % 255)).ok());
    }).IgnoreError();
  }
}

TEST_F(CorruptionTest, ScrambledObjectGraphsNeverCrash) {
  auto bundle = ReadSavedModel(&env_, "m");
  ASSERT_TRUE(bundle.ok());
  std::mt19937 random(7);
  const auto saved = bundle->meta_graph.object_graph_def();
  const auto trackable = *bundle->object_graph;
  for (int trial = 0; trial < 500; ++trial) {
    auto* sog = bundle->meta_graph.mutable_object_graph_def();
    auto* tog = &*bundle->object_graph;
    *sog = saved;
    *tog = trackable;
    for (int edits = 0; edits < 3; ++edits) {
      auto* graph_nodes = random() % 2 ? sog->mutable_nodes() : nullptr;
      const int id =
          static_cast<int>(random() % (graph_nodes ? sog->nodes_size() : tog->nodes_size()));
      auto* children = graph_nodes ? sog->mutable_nodes(id)->mutable_children()
                                   : tog->mutable_nodes(id)->mutable_children();
      if (children->empty()) continue;
      auto* child = children->Mutable(static_cast<int>(random() % children->size()));
      const int n = graph_nodes ? sog->nodes_size() : tog->nodes_size();
      switch (random() % 3) {
        case 0:
          child->set_node_id(static_cast<int>(random() % (n + 10)) - 5);
          break;
        case 1:
          child->set_local_name("x");
          break;
        case 2:
          child->set_node_id(0);
          break;  // a cycle back to the root
      }
    }
    VariableCheckpointKeys(*bundle).status().IgnoreError();
  }
}

}  // namespace
}  // namespace tftrt
