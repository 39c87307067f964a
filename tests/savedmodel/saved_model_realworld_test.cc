// Reads every SavedModel that real TensorFlow releases wrote (shared/realworld): each loads,
// lists its signatures, every variable reads with a good checksum, and every variable object
// has a checkpoint key.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "common/env.h"
#include "savedmodel/crc32c.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

std::string RealworldDir() {
  const char* shared = std::getenv("TFTRT_SHARED_DIR");
  const std::string base =
      shared != nullptr ? shared : std::string(TFTRT_SOURCE_DIR) + "/../shared";
  return JoinPath(base, "realworld");
}

// The realworld models, or a skip if the shared directory is not there.
#define REQUIRE_REALWORLD(dir)                                                      \
  const std::string dir = RealworldDir();                                           \
  if (!Env::Default()->IsDirectory(dir)) {                                          \
    GTEST_SKIP() << "no real-world SavedModels at '" << dir                         \
                 << "' (set TFTRT_SHARED_DIR to the directory holding realworld/)"; \
  }

const char* const kTf2Models[] = {"half_plus_two_tf2_14", "mnist_keras_tf2_10",
                                  "captured_constants_tf2_4", "regression_module_tf2_5"};

TEST(RealworldSavedModelTest, EveryTf2ModelLoadsAndItsVariablesRead) {
  REQUIRE_REALWORLD(root);
  for (const char* name : kTf2Models) {
    SCOPED_TRACE(name);
    const std::string dir = JoinPath(root, name);
    auto bundle_or = ReadSavedModel(Env::Default(), dir);
    ASSERT_TRUE(bundle_or.ok()) << bundle_or.status().ToString();
    const SavedModelBundle& bundle = *bundle_or;
    EXPECT_TRUE(bundle.meta_graph.has_object_graph_def());
    ASSERT_NE(bundle.variables, nullptr);
    ASSERT_TRUE(bundle.object_graph.has_value());

    std::cout << name << " (TF " << bundle.meta_graph.meta_info_def().tensorflow_version()
              << "): signatures";
    for (const auto& [key, signature] : bundle.meta_graph.signature_def()) {
      std::cout << " " << key << "(" << signature.inputs_size() << "->" << signature.outputs_size()
                << ")";
    }
    std::cout << "\n";
    EXPECT_GT(bundle.meta_graph.signature_def_size(), 0);

    // Every tensor reads and its checksum matches.
    int64_t total_bytes = 0;
    for (const BundleEntryInfo& info : bundle.variables->List()) {
      EXPECT_FALSE(info.sliced) << info.key;
      auto tensor = bundle.variables->Read(info.key);
      ASSERT_TRUE(tensor.ok()) << tensor.status().ToString();
      EXPECT_EQ(tensor->shape(), info.shape) << info.key;
      total_bytes += info.size_bytes;
    }
    std::cout << "  " << bundle.variables->List().size() << " checkpoint tensors, " << total_bytes
              << " bytes\n";
    EXPECT_TRUE(bundle.variables->VerifyAll().ok());

    // Every variable object maps to a checkpoint key that exists, with its dtype and shape.
    auto keys_or = VariableCheckpointKeys(bundle);
    ASSERT_TRUE(keys_or.ok()) << keys_or.status().ToString();
    const auto& saved = bundle.meta_graph.object_graph_def();
    int variables = 0;
    for (int id = 0; id < saved.nodes_size(); ++id) {
      if (!saved.nodes(id).has_variable()) continue;
      ++variables;
      const auto& variable = saved.nodes(id).variable();
      auto key = keys_or->find(id);
      ASSERT_NE(key, keys_or->end())
          << "variable node " << id << " '" << variable.name() << "' has no checkpoint key";
      auto entry = bundle.variables->GetEntry(key->second);
      ASSERT_TRUE(entry.ok()) << entry.status().ToString();
      EXPECT_EQ((*entry)->dtype(), variable.dtype()) << key->second;
      EXPECT_EQ(ShapeFromProto((*entry)->shape()).value(), ShapeFromProto(variable.shape()).value())
          << key->second;
    }
    std::cout << "  " << variables << " variable objects, all with checkpoint keys\n";
  }
}

TEST(RealworldSavedModelTest, HalfPlusTwoValuesAndSnappyIndex) {
  REQUIRE_REALWORLD(root);
  const std::string dir = JoinPath(root, "half_plus_two_tf2_14");
  // The reference says the index's only data block is Snappy-compressed (block type 1).
  auto index = Env::Default()->ReadFileToString(dir + "/variables/variables.index");
  ASSERT_TRUE(index.ok());
  ASSERT_EQ(index->size(), 239u);
  EXPECT_EQ(static_cast<uint8_t>((*index)[153]), 1) << "data block is not Snappy";

  auto bundle = ReadSavedModel(Env::Default(), dir);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  const auto& variables = *bundle->variables;
  EXPECT_EQ(variables.header().num_shards(), 1);
  EXPECT_EQ(variables.Read("a/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0], 0.5f);
  EXPECT_EQ(variables.Read("b/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0], 2.0f);
  EXPECT_EQ(variables.Read("c/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0], 3.0f);
  // Entry bytes from the reference: crc32c of 'a' is 0x1f273806 (masked).
  EXPECT_EQ((*variables.GetEntry("a/.ATTRIBUTES/VARIABLE_VALUE"))->crc32c(), 0x1f273806u);

  auto keys = VariableCheckpointKeys(*bundle);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  std::set<std::string> values;
  for (const auto& [id, key] : *keys) values.insert(key);
  EXPECT_EQ(values,
            (std::set<std::string>{"a/.ATTRIBUTES/VARIABLE_VALUE", "b/.ATTRIBUTES/VARIABLE_VALUE",
                                   "c/.ATTRIBUTES/VARIABLE_VALUE"}));
  EXPECT_TRUE(bundle->fingerprint.has_value());
  EXPECT_EQ(bundle->fingerprint->version().producer(), 1);
  EXPECT_EQ(bundle->meta_graph.signature_def_size(), 6 + 1);  // + __saved_model_init_op
  EXPECT_TRUE(bundle->meta_graph.signature_def().count("serving_default"));
  EXPECT_EQ(bundle->meta_graph.asset_file_def_size(), 1);
}

TEST(RealworldSavedModelTest, MnistHasOptimizerSlots) {
  REQUIRE_REALWORLD(root);
  auto bundle = ReadSavedModel(Env::Default(), JoinPath(root, "mnist_keras_tf2_10"));
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  auto keys = VariableCheckpointKeys(*bundle);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  int slots = 0;
  for (const auto& [id, key] : *keys) slots += key.find("/.OPTIMIZER_SLOT/") != std::string::npos;
  EXPECT_GT(slots, 0);
  const auto& signature = bundle->meta_graph.signature_def().at("serving_default");
  ASSERT_EQ(signature.inputs_size(), 1);
  auto shape = PartialShapeFromProto(signature.inputs().begin()->second.tensor_shape());
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(shape->dims, (Shape{-1, 28, 28, 1}));
}

TEST(RealworldSavedModelTest, CapturedConstantsDecode) {
  REQUIRE_REALWORLD(root);
  auto bundle = ReadSavedModel(Env::Default(), JoinPath(root, "captured_constants_tf2_4"));
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  int consts = 0;
  for (const auto& node : bundle->meta_graph.graph_def().node()) {
    if (node.op() != "Const") continue;
    auto value = TensorFromProto(node.attr().at("value").tensor());
    ASSERT_TRUE(value.ok()) << node.name() << ": " << value.status().ToString();
    ++consts;
  }
  EXPECT_GE(consts, 3);
}

TEST(RealworldSavedModelTest, Tf1ModelLoadsOrGivesAClearError) {
  REQUIRE_REALWORLD(root);
  const std::string dir = JoinPath(root, "half_plus_two_tf1");
  auto bundle = ReadSavedModel(Env::Default(), dir);
  if (!bundle.ok()) {
    std::cout << "TF1 model: " << bundle.status().ToString() << "\n";
    EXPECT_NE(bundle.status().message().find(dir), std::string::npos);
    return;
  }
  EXPECT_FALSE(bundle->meta_graph.has_object_graph_def());
  ASSERT_NE(bundle->variables, nullptr);
  EXPECT_TRUE(bundle->variables->VerifyAll().ok());
  for (const auto& info : bundle->variables->List()) {
    std::cout << "TF1 variable " << info.key << " " << info.dtype_name << ShapeToString(info.shape)
              << " = " << bundle->variables->Read(info.key)->ValuesString() << "\n";
  }
  auto keys = VariableCheckpointKeys(*bundle);
  EXPECT_EQ(keys.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tftrt
