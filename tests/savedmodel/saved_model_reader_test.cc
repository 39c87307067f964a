#include "savedmodel/saved_model_reader.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "common/mem_env.h"
#include "saved_model_test_util.h"
#include "savedmodel/weightless.h"

namespace tftrt {
namespace {

using google::protobuf::util::MessageDifferencer;

class SavedModelReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    contents_ = testing::SmallModel();
    ASSERT_TRUE(WriteSavedModel(&env_, "m", contents_).ok());
  }
  MemEnv env_;
  SavedModelContents contents_;
};

TEST_F(SavedModelReaderTest, ReadsTheModel) {
  auto bundle = ReadSavedModel(&env_, "m");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->export_dir, "m");
  EXPECT_EQ(bundle->saved_model_path, "m/saved_model.pb");
  EXPECT_TRUE(MessageDifferencer::Equals(bundle->meta_graph, contents_.saved_model.meta_graphs(0)));
  ASSERT_NE(bundle->variables, nullptr);
  EXPECT_EQ(bundle->variables->Read("b/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0], 2.0f);
  ASSERT_TRUE(bundle->object_graph.has_value());
  EXPECT_EQ(bundle->object_graph->nodes_size(), 3);
  EXPECT_FALSE(bundle->fingerprint.has_value());

  auto keys = VariableCheckpointKeys(*bundle);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, (std::map<int, std::string>{{1, "w/.ATTRIBUTES/VARIABLE_VALUE"},
                                               {2, "b/.ATTRIBUTES/VARIABLE_VALUE"}}));
}

TEST_F(SavedModelReaderTest, NotADirectory) {
  auto missing = ReadSavedModel(&env_, "nowhere");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'nowhere' does not exist"), std::string::npos);

  auto file = ReadSavedModel(&env_, "m/saved_model.pb");
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("is a file"), std::string::npos);

  ASSERT_TRUE(env_.CreateDir("empty").ok());
  auto empty = ReadSavedModel(&env_, "empty");
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound);
  EXPECT_NE(empty.status().message().find("'empty' is not a SavedModel directory"),
            std::string::npos);
}

// A weightless model (strip-weights) has a valid bundle of part of its tensors: only its
// manifest tells, and the reader must refuse it whatever the manifest holds.
TEST_F(SavedModelReaderTest, WeightlessModelIsRefused) {
  ASSERT_TRUE(env_.WriteStringToFile(WeightlessManifestPath("m"), "anything").ok());
  auto bundle = ReadSavedModel(&env_, "m");
  EXPECT_EQ(bundle.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(bundle.status().message().find("SavedModel 'm' is weightless"), std::string::npos)
      << bundle.status().ToString();
  EXPECT_NE(bundle.status().message().find("m/variables/weightless.pbtxt"), std::string::npos);
  EXPECT_NE(bundle.status().message().find("run 'tftrt randomize-weights m OUT"),
            std::string::npos);
  ASSERT_TRUE(env_.DeleteFile(WeightlessManifestPath("m")).ok());
  EXPECT_TRUE(ReadSavedModel(&env_, "m").ok());
}

TEST_F(SavedModelReaderTest, TruncatedOrCorruptPb) {
  const uint64_t size = env_.GetFileSize("m/saved_model.pb").value();
  ASSERT_TRUE(env_.Truncate("m/saved_model.pb", size / 2).ok());
  auto truncated = ReadSavedModel(&env_, "m");
  EXPECT_EQ(truncated.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(truncated.status().message().find("failed to parse 'm/saved_model.pb'"),
            std::string::npos)
      << truncated.status().ToString();

  ASSERT_TRUE(env_.WriteStringToFile("m/saved_model.pb", "").ok());
  auto empty = ReadSavedModel(&env_, "m");
  EXPECT_EQ(empty.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(empty.status().message().find("no MetaGraphDef"), std::string::npos);

  ASSERT_TRUE(env_.WriteStringToFile("m/saved_model.pb", "\x12\xff\xff\xff\x0f garbage").ok());
  EXPECT_EQ(ReadSavedModel(&env_, "m").status().code(), StatusCode::kDataLoss);
}

TEST_F(SavedModelReaderTest, MissingTagSetListsTheAvailableOnes) {
  auto bundle = ReadSavedModel(&env_, "m", {"serve", "gpu"});
  EXPECT_EQ(bundle.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bundle.status().message().find("{gpu, serve}"), std::string::npos)
      << bundle.status().ToString();
  EXPECT_NE(bundle.status().message().find("available tag-sets: {serve}"), std::string::npos)
      << bundle.status().ToString();
}

TEST_F(SavedModelReaderTest, PicksTheMetaGraphByTags) {
  SavedModelContents contents = testing::SmallModel();
  auto* train = contents.saved_model.add_meta_graphs();
  train->mutable_meta_info_def()->add_tags("train");
  train->mutable_meta_info_def()->add_tags("serve");
  train->mutable_meta_info_def()->set_meta_graph_version("the training one");
  ASSERT_TRUE(WriteSavedModel(&env_, "two", contents).ok());
  auto bundle = ReadSavedModel(&env_, "two", {"train", "serve"});
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->meta_graph.meta_info_def().meta_graph_version(), "the training one");
  EXPECT_EQ(ReadSavedModel(&env_, "two").value().meta_graph.meta_info_def().tags_size(), 1);
  auto none = ReadSavedModel(&env_, "two", {"tpu"});
  EXPECT_NE(none.status().message().find("{serve}, {serve, train}"), std::string::npos)
      << none.status().ToString();
}

TEST_F(SavedModelReaderTest, TextFormat) {
  WriteSavedModelOptions options;
  options.text_format = true;
  ASSERT_TRUE(WriteSavedModel(&env_, "text", contents_, options).ok());
  EXPECT_TRUE(env_.FileExists("text/saved_model.pbtxt"));
  EXPECT_FALSE(env_.FileExists("text/saved_model.pb"));
  auto bundle = ReadSavedModel(&env_, "text");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->saved_model_path, "text/saved_model.pbtxt");
  EXPECT_TRUE(MessageDifferencer::Equals(bundle->meta_graph, contents_.saved_model.meta_graphs(0)));

  // TF's own text: enum names, Any in expanded form.
  ASSERT_TRUE(env_.WriteStringToFile("text/saved_model.pbtxt", R"pb(
                    saved_model_schema_version: 1
                    meta_graphs {
                      meta_info_def {
                        tags: "serve"
                        any_info {
                          [type.googleapis.com/tensorflow.TensorShapeProto] { dim { size: 3 } }
                        }
                      }
                      graph_def {
                        node {
                          name: "x"
                          op: "Placeholder"
                          attr {
                            key: "dtype"
                            value { type: DT_HALF }
                          }
                          experimental_type {
                            type_id: TFT_PRODUCT
                            args { type_id: TFT_TENSOR }
                          }
                        }
                      }
                      saver_def { version: V2 }
                    })pb")
                  .ok());
  bundle = ReadSavedModel(&env_, "text");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->meta_graph.graph_def().node(0).attr().at("dtype").type(), tensorflow::DT_HALF);
  tensorflow::TensorShapeProto shape;
  ASSERT_TRUE(bundle->meta_graph.meta_info_def().any_info().UnpackTo(&shape));
  EXPECT_EQ(shape.dim(0).size(), 3);

  ASSERT_TRUE(env_.WriteStringToFile("text/saved_model.pbtxt", "meta_graphs { bogus: 1 }").ok());
  auto bad = ReadSavedModel(&env_, "text");
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.status().message().find("'text/saved_model.pbtxt'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("line 1"), std::string::npos) << bad.status().ToString();
}

TEST_F(SavedModelReaderTest, ChunkedIsUnimplemented) {
  ASSERT_TRUE(env_.CreateDir("chunked").ok());
  ASSERT_TRUE(env_.WriteStringToFile("chunked/saved_model.cpb", "riegeli").ok());
  auto bundle = ReadSavedModel(&env_, "chunked");
  EXPECT_EQ(bundle.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(bundle.status().message().find("chunked SavedModel"), std::string::npos);
}

TEST_F(SavedModelReaderTest, NoVariablesDirectory) {
  SavedModelContents contents = testing::SmallModel();
  contents.variables.clear();
  contents.saved_model.mutable_meta_graphs(0)
      ->mutable_object_graph_def()
      ->mutable_nodes()
      ->RemoveLast();
  ASSERT_TRUE(WriteSavedModel(&env_, "novars", contents).ok());
  auto bundle = ReadSavedModel(&env_, "novars");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->variables, nullptr);
  EXPECT_FALSE(bundle->object_graph.has_value());
  // Variables in the object graph but no checkpoint: a clear error.
  auto keys = VariableCheckpointKeys(*bundle);
  EXPECT_EQ(keys.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(keys.status().message().find("_CHECKPOINTABLE_OBJECT_GRAPH"), std::string::npos);
}

TEST_F(SavedModelReaderTest, BadObjectGraphTensor) {
  SavedModelContents contents = testing::SmallModel();
  contents.variables.back().second = Tensor::Scalar<float>(1);
  ASSERT_TRUE(WriteSavedModel(&env_, "badog", contents).ok());
  auto bundle = ReadSavedModel(&env_, "badog");
  EXPECT_EQ(bundle.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bundle.status().message().find("scalar string"), std::string::npos);

  contents.variables.back().second = Tensor::Scalar<std::string>("\xff\xff not a proto");
  ASSERT_TRUE(WriteSavedModel(&env_, "badog", contents, {.overwrite = true}).ok());
  bundle = ReadSavedModel(&env_, "badog");
  EXPECT_EQ(bundle.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bundle.status().message().find("TrackableObjectGraph"), std::string::npos);
}

TEST_F(SavedModelReaderTest, ObjectGraphsThatDisagree) {
  SavedModelContents contents = testing::SmallModel();
  // The checkpoint names a child the SavedObjectGraph lacks.
  auto* root =
      contents.saved_model.mutable_meta_graphs(0)->mutable_object_graph_def()->mutable_nodes(0);
  root->mutable_children(1)->set_local_name("renamed");
  ASSERT_TRUE(WriteSavedModel(&env_, "mismatch", contents).ok());
  auto bundle = ReadSavedModel(&env_, "mismatch");
  ASSERT_TRUE(bundle.ok());
  auto keys = VariableCheckpointKeys(*bundle);
  EXPECT_EQ(keys.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(keys.status().message().find("'b'"), std::string::npos) << keys.status().ToString();
}

// The checkpoint decides how deep the object graphs are: a chain of 200000 objects (a few
// hundred KiB of proto) must map without recursing once per level (a stack overflow), and
// a node with 100000 children without comparing every pair of names (minutes).
TEST(VariableCheckpointKeysTest, DeepAndWideObjectGraphs) {
  constexpr int kDepth = 200000;
  SavedModelBundle chain;
  chain.object_graph.emplace();
  for (int i = 0; i <= kDepth; ++i) {
    auto* saved = chain.meta_graph.mutable_object_graph_def()->add_nodes();
    auto* trackable = chain.object_graph->add_nodes();
    if (i < kDepth) {
      saved->add_children()->set_node_id(i + 1);
      saved->mutable_children(0)->set_local_name("a");
      trackable->add_children()->set_node_id(i + 1);
      trackable->mutable_children(0)->set_local_name("a");
    } else {
      saved->mutable_variable();
      auto* attribute = trackable->add_attributes();
      attribute->set_name("VARIABLE_VALUE");
      attribute->set_checkpoint_key("deepest");
    }
  }
  auto keys = VariableCheckpointKeys(chain);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, (std::map<int, std::string>{{kDepth, "deepest"}}));

  constexpr int kWidth = 100000;
  SavedModelBundle wide;
  wide.object_graph.emplace();
  auto* saved_root = wide.meta_graph.mutable_object_graph_def()->add_nodes();
  auto* trackable_root = wide.object_graph->add_nodes();
  for (int i = 1; i <= kWidth; ++i) {
    const std::string name = "v" + std::to_string(i);
    auto* saved_child = saved_root->add_children();
    saved_child->set_node_id(i);
    saved_child->set_local_name(name);
    wide.meta_graph.mutable_object_graph_def()->add_nodes()->mutable_variable();
    auto* trackable_child = trackable_root->add_children();
    trackable_child->set_node_id(i);
    trackable_child->set_local_name(name);
    auto* attribute = wide.object_graph->add_nodes()->add_attributes();
    attribute->set_name("VARIABLE_VALUE");
    attribute->set_checkpoint_key(name);
  }
  keys = VariableCheckpointKeys(wide);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->size(), static_cast<size_t>(kWidth));
  EXPECT_EQ(keys->at(kWidth), "v" + std::to_string(kWidth));
}

TEST_F(SavedModelReaderTest, CorruptVariablesNameTheFile) {
  ASSERT_TRUE(env_.CorruptByte("m/variables/variables.data-00000-of-00001", 1).ok());
  auto bundle = ReadSavedModel(&env_, "m");
  ASSERT_TRUE(bundle.ok());  // the object graph lies after the corrupted tensor
  Status status = bundle->variables->VerifyAll();
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("'w/.ATTRIBUTES/VARIABLE_VALUE'"), std::string::npos);
  ASSERT_TRUE(env_.DeleteFile("m/variables/variables.data-00000-of-00001").ok());
  auto missing = ReadSavedModel(&env_, "m");
  EXPECT_EQ(missing.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(missing.status().message().find("variables.data-00000-of-00001"), std::string::npos);
}

}  // namespace
}  // namespace tftrt
