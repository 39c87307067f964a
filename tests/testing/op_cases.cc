#include "testing/op_cases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/npy.h"
#include "proto/node_def.pb.h"
#include "testing/tensor_compare.h"

namespace tftrt::testing {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

std::string OpCasesDir() {
  return DirFromEnv("TFTRT_OP_CASES_DIR", std::string(TFTRT_SOURCE_DIR) + "/.fixtures/op_cases");
}

std::vector<std::string> OpCaseNames() {
  std::vector<std::string> names;
  if (!fs::is_directory(OpCasesDir())) return names;
  for (const auto& entry : fs::directory_iterator(OpCasesDir())) {
    if (fs::exists(entry.path() / "node.pb")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<OpCase> ReadOpCase(const std::string& name) {
  const fs::path dir = fs::path(OpCasesDir()) / name;
  std::ifstream in(dir / "node.pb", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  tensorflow::NodeDef def;
  if (!def.ParseFromString(bytes.str())) {
    ADD_FAILURE() << (dir / "node.pb") << " does not parse";
    return std::nullopt;
  }
  OpCase op_case;
  op_case.name = name;
  op_case.node.name = def.name();
  op_case.node.op = def.op();
  op_case.node.attrs = AttrMap(def.attr().begin(), def.attr().end());
  op_case.inputs = ReadNumbered(dir / "inputs");
  if (fs::exists(dir / "error.txt")) {
    std::ifstream error(dir / "error.txt");
    std::string message;
    std::getline(error, message);
    op_case.error = message;
  } else {
    op_case.outputs = ReadNumbered(dir / "outputs");
  }
  return op_case;
}

std::string OpCaseTestName(const std::string& name) {
  std::string test_name = name;
  for (char& c : test_name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return test_name;
}

}  // namespace tftrt::testing
