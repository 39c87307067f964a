// docs/ops.md is generated from the registries (`tftrt ops --markdown`): this test fails
// when a kernel or converter changed and the file in the source tree was not regenerated.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "testing/tool_runner.h"

namespace tftrt {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first line where `a` and `b` differ (1-based), for the failure message.
int FirstDifferentLine(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(x, line_a));
    const bool more_b = static_cast<bool>(std::getline(y, line_b));
    if (more_a != more_b || line_a != line_b) return line;
    if (!more_a) return 0;
  }
}

TEST(OpsDocTest, DocsOpsMdIsUpToDate) {
  std::string generated;
  ASSERT_EQ(testing::RunTool("ops --markdown", &generated), 0) << generated;
  const std::filesystem::path doc = std::filesystem::path(TFTRT_SOURCE_DIR) / "docs" / "ops.md";
  const std::string written = ReadFile(doc);
  // Not EXPECT_EQ: the failure says where they differ instead of printing both texts.
  EXPECT_TRUE(generated == written) << doc.string() << " is stale (first difference at line "
                                    << FirstDifferentLine(generated, written)
                                    << "): regenerate it with `build/tftrt ops --markdown > "
                                       "docs/ops.md`";
}

}  // namespace
}  // namespace tftrt
