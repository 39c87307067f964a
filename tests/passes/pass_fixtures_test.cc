// The passes on every fixture SavedModel that TensorFlow wrote (tests/fixtures/): each
// signature is imported, run on the native executor before and after RunPasses, and both
// runs must reproduce TensorFlow's recorded outputs (float32 within 1e-5 relative, other
// dtypes exactly). Prints the node counts per pass, and checks that the batch norms of
// the CNN fixtures are folded away.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "graph/graph_copy.h"
#include "graph/load_signature.h"
#include "passes/pass_manager.h"
#include "runtime/executor.h"
#include "runtime/table_initializer.h"
#include "testing/fixtures.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

constexpr double kFloatTolerance = 1e-5;

using testing::FixtureSignature;
using testing::ReadNpyDir;

// Runs `graph` on the inputs of `case_dir` and compares with its recorded outputs.
void ExpectRecordedOutputs(const Graph& graph, Executor& executor, const fs::path& case_dir) {
  const std::map<std::string, Tensor> inputs = ReadNpyDir(case_dir / "inputs");
  std::vector<Tensor> args;
  for (const GraphArg& arg : graph.args()) {
    auto it = inputs.find(arg.name);
    ASSERT_NE(it, inputs.end()) << "no input '" << arg.name << "'";
    args.push_back(it->second);
  }
  auto results = executor.Run(std::move(args));
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  const std::map<std::string, Tensor> expected = ReadNpyDir(case_dir / "outputs");
  ASSERT_EQ(expected.size(), graph.rets().size());
  for (size_t i = 0; i < graph.rets().size(); ++i) {
    const std::string& name = graph.rets()[i].name;
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << "no recorded output '" << name << "'";
    EXPECT_TRUE(testing::TensorsMatch((*results)[i], it->second, kFloatTolerance))
        << "output " << name << " of " << case_dir;
  }
}

bool IsConvOrMatMul(const Node& node) {
  return node.op == "Conv2D" || node.op == "DepthwiseConv2dNative" || node.op == "MatMul";
}

// Batch-norm arithmetic left after a convolution: a fused norm, or a Mul / Add / Sub of a
// constant right after a conv or matmul (or its BiasAdd).
std::vector<std::string> UnfoldedNorms(const Graph& graph) {
  std::vector<std::string> unfolded;
  for (const Node* node : graph.nodes()) {
    if (node->op.starts_with("FusedBatchNorm")) unfolded.push_back(node->Describe());
    if (node->op != "Mul" && node->op != "Add" && node->op != "AddV2" && node->op != "Sub") {
      continue;
    }
    bool has_constant = false, after_conv = false;
    for (const Output& input : node->inputs) {
      const Node* source = input.node;
      has_constant |= source->op == "Const";
      if (source->op == "BiasAdd" && !source->inputs.empty()) source = source->inputs[0].node;
      after_conv |= IsConvOrMatMul(*source);
    }
    if (has_constant && after_conv) unfolded.push_back(node->Describe());
  }
  return unfolded;
}

class PassFixture : public ::testing::TestWithParam<FixtureSignature> {};

TEST_P(PassFixture, PassesKeepTensorFlowsOutputs) {
  const FixtureSignature& c = GetParam();
  if (std::getenv("TFTRT_SANITIZER_RUN") != nullptr && c.fixture == "resnet50") {
    GTEST_SKIP() << "ResNet50 is run by the Release pass only (too slow under sanitizers)";
  }
  if (c.model_dir.empty() || !fs::exists(c.model_dir)) {
    GTEST_SKIP() << "the model of fixture " << c.fixture << " (" << c.model_dir << ") is absent";
  }
  auto imported = LoadSignature(Env::Default(), c.model_dir, c.signature, {"serve"});
  if (!imported.ok() && imported.status().code() == StatusCode::kUnimplemented) {
    GTEST_SKIP() << c.fixture << " cannot be imported: " << imported.status().ToString();
  }
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  // Lookup tables are filled by the model's init op, as Model::Load and the converter do.
  const Status tables = AttachInitializedTables(Env::Default(), c.model_dir, {"serve"}, imported->graph.get());
  ASSERT_TRUE(tables.ok()) << tables.ToString();

  std::shared_ptr<Graph> optimized = CopyGraph(*imported->graph);
  auto runs = RunPasses(*optimized, {});
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  std::string report = c.fixture + "/" + c.signature + ":";
  for (const PassRun& run : *runs) {
    char line[160];
    std::snprintf(line, sizeof(line), "\n  %-22s %5d -> %5d nodes  %8.2f ms", run.name.c_str(),
                  run.nodes_before, run.nodes_after, run.milliseconds);
    report += line;
  }
  std::printf("%s\n", report.c_str());

  Executor before(imported->graph, imported->functions);
  Executor after(optimized, imported->functions);
  ASSERT_TRUE(after.Prepare().ok());
  for (const fs::path& case_dir : c.case_dirs) {
    SCOPED_TRACE(case_dir.string());
    ExpectRecordedOutputs(*imported->graph, before, case_dir);
    ExpectRecordedOutputs(*optimized, after, case_dir);
  }
  if (c.fixture == "cnn" || c.fixture == "mobilenet_block" || c.fixture == "resnet50") {
    const std::vector<std::string> unfolded = UnfoldedNorms(*optimized);
    EXPECT_TRUE(unfolded.empty()) << "batch norm left: " << unfolded.front();
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PassFixture,
                         ::testing::ValuesIn(testing::AllFixtureSignatures()),
                         [](const auto& info) { return info.param.Name(); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PassFixture);

TEST(PassFixtureSetup, FixturesArePresent) {
  if (testing::AllFixtureSignatures().empty()) {
    GTEST_SKIP() << "no fixtures in " << testing::FixturesDir()
                 << " (run tests/fixtures/make_fixtures.py --out <dir>, set TFTRT_FIXTURES_DIR): "
                    "the pass fixture tests are skipped";
  }
}

}  // namespace
}  // namespace tftrt
