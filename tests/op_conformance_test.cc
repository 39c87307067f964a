// Runs every single-op case that TensorFlow wrote (tests/op_cases/) through the native
// kernel registry and compares with TensorFlow's outputs.
#include <gtest/gtest.h>

#include "runtime/kernel.h"
#include "testing/op_cases.h"
#include "testing/optional_libraries.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

constexpr double kFloatTolerance = 1e-5;

class OpConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(OpConformance, MatchesTensorFlow) {
  std::optional<testing::OpCase> op_case = testing::ReadOpCase(GetParam());
  ASSERT_TRUE(op_case.has_value());
  KernelFn kernel = KernelRegistry::Global().Find(op_case->node.op);
  ASSERT_NE(kernel, nullptr) << "no kernel for op " << op_case->node.op;

  OpKernelContext ctx(op_case->node, op_case->inputs, /*functions=*/nullptr);
  Status status = kernel(ctx);
  if (op_case->error.has_value()) {
    EXPECT_FALSE(status.ok()) << "TensorFlow failed (" << *op_case->error << ") but tftrt did not";
    return;
  }
  if (auto missing = testing::MissingLibrary(status)) GTEST_SKIP() << *missing;
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_GE(ctx.outputs().size(), op_case->outputs.size());
  for (size_t i = 0; i < op_case->outputs.size(); ++i) {
    EXPECT_TRUE(testing::TensorsMatch(ctx.outputs()[i], op_case->outputs[i], kFloatTolerance))
        << "output " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, OpConformance, ::testing::ValuesIn(testing::OpCaseNames()),
                         [](const auto& info) { return testing::OpCaseTestName(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OpConformance);

TEST(OpConformanceSetup, CasesWereGenerated) {
  EXPECT_FALSE(testing::OpCaseNames().empty())
      << "no op cases in " << testing::OpCasesDir()
      << ": run tests/op_cases/make_op_cases.py --out <dir> and set TFTRT_OP_CASES_DIR";
}

}  // namespace
}  // namespace tftrt
