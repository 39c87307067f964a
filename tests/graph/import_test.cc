// Import of malformed or hostile MetaGraphDefs: a clear error, never a crash or a hang.
#include "graph/import.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

namespace tftrt {
namespace {

// A signature 'serving_default' taking x (the Placeholder "x") and returning y (the tensor
// `output`) of a graph made of `nodes` and `library` (text-format NodeDefs and
// FunctionDefLibrary fields).
tensorflow::MetaGraphDef MetaGraph(const std::string& nodes, const std::string& output,
                                   const std::string& library = "") {
  const std::string text = R"(
    graph_def {
      node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
      )" + nodes + R"(
      library { )" + library +
                           R"( }
    }
    signature_def {
      key: "serving_default"
      value {
        inputs { key: "x" value { name: "x:0" dtype: DT_FLOAT } }
        outputs { key: "y" value { name: ")" +
                           output + R"(" dtype: DT_FLOAT } }
      }
    }
    object_graph_def { nodes { user_object {} } })";
  tensorflow::MetaGraphDef meta_graph;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &meta_graph)) << text;
  return meta_graph;
}

StatusOr<ImportedSignature> Import(const tensorflow::MetaGraphDef& meta_graph) {
  return ImportSignature(meta_graph, "serving_default", [](int id) -> StatusOr<Tensor> {
    return Status::NotFound("no variable " + std::to_string(id));
  });
}

TEST(ImportTest, ImportsAGraph) {
  auto imported = Import(MetaGraph(
      R"(node { name: "y" op: "Identity" input: "x" attr { key: "T" value { type: DT_FLOAT } } })",
      "y:0"));
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->graph->rets().size(), 1u);
}

// Found while writing fuzz/saved_model_fuzzer: the trace back from the outputs cut "x:foo:0" at its
// first colon, the lookup after it at its last, and found no node "x:foo" (an uncaught
// std::out_of_range).
TEST(ImportTest, InputWithTwoColonsIsAnError) {
  auto imported = Import(MetaGraph(
      R"(node { name: "y" op: "Identity" input: "x:foo:0"
                attr { key: "T" value { type: DT_FLOAT } } })",
      "y:0"));
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().code(), StatusCode::kNotFound) << imported.status().ToString();
  EXPECT_NE(imported.status().message().find("'x:foo'"), std::string::npos)
      << imported.status().ToString();
}

// A function that calls itself is an error found at once, not after inlining it until a
// limit (each inlining scanned the whole graph: minutes for a 200-byte model).
TEST(ImportTest, RecursiveFunctionIsAnError) {
  auto imported = Import(MetaGraph(R"(node { name: "call" op: "f" })", "call:0", R"(
      function {
        signature { name: "f" output_arg { name: "out" type: DT_FLOAT } }
        node_def {
          name: "c" op: "Const"
          attr { key: "dtype" value { type: DT_FLOAT } }
          attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 1 } } }
        }
        node_def { name: "again" op: "f" }
        ret { key: "out" value: "c:output:0" }
      })"));
  ASSERT_FALSE(imported.ok());
  EXPECT_NE(imported.status().message().find("recursive"), std::string::npos)
      << imported.status().ToString();
}

// Calls that fan out (f0 calls f1 twice, f1 calls f2 twice, ... 2^17 calls in 1.5 KB)
// inlined each into a scan of the whole graph: over 5 minutes. Now a bounded amount of work,
// then an error.
TEST(ImportTest, CallsThatFanOutAreAnError) {
  constexpr int kLevels = 17;
  std::string library;
  for (int i = 0; i < kLevels; ++i) {
    std::string calls;
    if (i + 1 < kLevels) {
      const std::string callee = "f" + std::to_string(i + 1);
      calls = R"(node_def { name: "a" op: ")" + callee + R"(" }
                 node_def { name: "b" op: ")" +
              callee + R"(" })";
    }
    library += R"(
      function {
        signature { name: "f)" +
               std::to_string(i) + R"(" output_arg { name: "out" type: DT_FLOAT } }
        node_def {
          name: "c" op: "Const"
          attr { key: "dtype" value { type: DT_FLOAT } }
          attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 1 } } }
        }
        )" + calls +
               R"(
        ret { key: "out" value: "c:output:0" }
      })";
  }
  auto imported = Import(MetaGraph(R"(node { name: "call" op: "f0" })", "call:0", library));
  ASSERT_FALSE(imported.ok());
  EXPECT_NE(imported.status().message().find("fan out too much"), std::string::npos)
      << imported.status().ToString();
}

// An output list's length is an attribute value: two lists of 2^31 - 1 outputs before the
// one named overflowed the flat output index (int).
TEST(ImportTest, HugeOutputListLengthsAreAnError) {
  tensorflow::MetaGraphDef meta_graph = MetaGraph(R"(node { name: "call" op: "f" })", "call:0", R"(
      function {
        signature { name: "f" output_arg { name: "out" type: DT_FLOAT } }
        node_def { name: "lists" op: "Lists" attr { key: "N" value { i: 2147483647 } } }
        ret { key: "out" value: "lists:c:0" }
      })");
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(
      op {
        name: "Lists"
        output_arg { name: "a" type: DT_FLOAT number_attr: "N" }
        output_arg { name: "b" type: DT_FLOAT number_attr: "N" }
        output_arg { name: "c" type: DT_FLOAT }
        attr { name: "N" type: "int" }
      })",
      meta_graph.mutable_meta_info_def()->mutable_stripped_op_list()));
  auto imported = Import(meta_graph);
  ASSERT_FALSE(imported.ok());
  EXPECT_NE(imported.status().message().find("bad length 2147483647 for output 'b'"),
            std::string::npos)
      << imported.status().ToString();
}
}  // namespace
}  // namespace tftrt
