// Runs every single-op case that TensorFlow wrote (tests/op_cases/) through the native
// kernel registry and compares with TensorFlow's outputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/npy.h"
#include "graph/graph.h"
#include "proto/node_def.pb.h"
#include "runtime/kernel.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

constexpr double kFloatTolerance = 1e-5;

std::string CasesDir() {
  return testing::DirFromEnv("TFTRT_OP_CASES_DIR",
                             std::string(TFTRT_SOURCE_DIR) + "/.fixtures/op_cases");
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  if (!fs::is_directory(CasesDir())) return names;
  for (const auto& entry : fs::directory_iterator(CasesDir())) {
    if (fs::exists(entry.path() / "node.pb")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Reads DIR/0.npy, DIR/1.npy, ... in order.
std::vector<Tensor> ReadNumbered(const fs::path& dir) {
  std::vector<Tensor> tensors;
  for (int i = 0; fs::exists(dir / (std::to_string(i) + ".npy")); ++i) {
    auto tensor = ReadNpyFile((dir / (std::to_string(i) + ".npy")).string());
    EXPECT_TRUE(tensor.ok()) << tensor.status().ToString();
    if (tensor.ok()) tensors.push_back(*tensor);
  }
  return tensors;
}

class OpConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(OpConformance, MatchesTensorFlow) {
  const fs::path dir = fs::path(CasesDir()) / GetParam();
  std::ifstream in(dir / "node.pb", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  tensorflow::NodeDef def;
  ASSERT_TRUE(def.ParseFromString(bytes.str()));

  Node node;
  node.name = def.name();
  node.op = def.op();
  node.attrs = AttrMap(def.attr().begin(), def.attr().end());
  KernelFn kernel = KernelRegistry::Global().Find(node.op);
  ASSERT_NE(kernel, nullptr) << "no kernel for op " << node.op;

  OpKernelContext ctx(node, ReadNumbered(dir / "inputs"), /*functions=*/nullptr);
  Status status = kernel(ctx);
  if (fs::exists(dir / "error.txt")) {
    std::ifstream error(dir / "error.txt");
    std::string tf_error;
    std::getline(error, tf_error);
    EXPECT_FALSE(status.ok()) << "TensorFlow failed (" << tf_error << ") but tftrt did not";
    return;
  }
  ASSERT_TRUE(status.ok()) << status.ToString();
  const std::vector<Tensor> expected = ReadNumbered(dir / "outputs");
  ASSERT_GE(ctx.outputs().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(testing::TensorsMatch(ctx.outputs()[i], expected[i], kFloatTolerance))
        << "output " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, OpConformance, ::testing::ValuesIn(CaseNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OpConformance);

TEST(OpConformanceSetup, CasesWereGenerated) {
  EXPECT_FALSE(CaseNames().empty())
      << "no op cases in " << CasesDir()
      << ": run tests/op_cases/make_op_cases.py --out <dir> and set TFTRT_OP_CASES_DIR";
}

}  // namespace
}  // namespace tftrt
