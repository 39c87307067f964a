// If / Case / While kernels, with the model's functions played by lambdas.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "runtime/engine_cache.h"
#include "runtime/kernel_test_util.h"
#include "runtime/tensor_list.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::MovedInputs;
using testing::RunKernel;
using testing::TensorsMatch;

using Function = std::function<StatusOr<std::vector<Tensor>>(std::vector<Tensor>)>;

// A FunctionRunner whose functions are lambdas; counts the calls to each.
class FakeFunctions : public FunctionRunner {
 public:
  void Add(const std::string& name, Function function) { functions_[name] = std::move(function); }
  int calls(const std::string& name) const {
    auto it = calls_.find(name);
    return it == calls_.end() ? 0 : it->second;
  }

  StatusOr<std::vector<Tensor>> Run(const std::string& name, std::vector<Tensor> args) override {
    auto it = functions_.find(name);
    if (it == functions_.end()) return Status::NotFound("no function " + name);
    ++calls_[name];
    return it->second(std::move(args));
  }
  const Graph* FindFunction(const std::string&) const override { return nullptr; }
  EngineCaches& engine_caches() override { return *engine_caches_; }

 private:
  std::map<std::string, Function> functions_;
  std::shared_ptr<EngineCaches> engine_caches_ = std::make_shared<EngineCaches>();
  std::map<std::string, int> calls_;
};

Tensor Int32(int32_t value) { return Tensor::Scalar<int32_t>(value); }

AttrMap IfAttrs() { return {{"then_branch", FuncAttr("then")}, {"else_branch", FuncAttr("else")}}; }

// Functions "then" and "else" that return their first argument tagged with a constant.
FakeFunctions Branches() {
  FakeFunctions functions;
  functions.Add("then", [](std::vector<Tensor> args) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{Int32(1), args.empty() ? Tensor() : args[0]};
  });
  functions.Add("else", [](std::vector<Tensor> args) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{Int32(2), args.empty() ? Tensor() : args[0]};
  });
  return functions;
}

// Which branch If takes for `predicate`: 1 (then) or 2 (else); -1 on error.
int BranchTaken(const Tensor& predicate) {
  FakeFunctions functions = Branches();
  auto outputs = RunKernel("If", IfAttrs(), {predicate, Int32(7)}, &functions);
  if (!outputs.ok()) return -1;
  return (*outputs)[0].flat<int32_t>()[0];
}

TEST(ControlFlowOpsTest, IfRunsTheBranchThePredicateChooses) {
  FakeFunctions functions = Branches();
  Tensor arg = Int32(7);
  auto outputs = RunKernel("StatelessIf", IfAttrs(), {Tensor::Scalar<bool>(true), arg}, &functions);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  ASSERT_EQ(outputs->size(), 2u);
  EXPECT_TRUE(TensorsMatch((*outputs)[0], Int32(1), 0));
  EXPECT_TRUE((*outputs)[1].SharesBufferWith(arg));  // args are passed, not copied
  EXPECT_EQ(functions.calls("then"), 1);
  EXPECT_EQ(functions.calls("else"), 0);
}

TEST(ControlFlowOpsTest, PredicatesAreTruthyAsInTensorFlow) {
  EXPECT_EQ(BranchTaken(Tensor::Scalar<bool>(true)), 1);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<bool>(false)), 2);
  EXPECT_EQ(BranchTaken(Int32(0)), 2);
  EXPECT_EQ(BranchTaken(Int32(-3)), 1);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<int64_t>(1LL << 40)), 1);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<float>(0.0f)), 2);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<float>(-0.0f)), 2);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<float>(0.5f)), 1);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<float>(std::numeric_limits<float>::quiet_NaN())), 1);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<double>(1e-300)), 1);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<std::string>("")), 2);
  EXPECT_EQ(BranchTaken(Tensor::Scalar<std::string>("x")), 1);
  // Not a scalar: true iff it has elements, whatever their values.
  EXPECT_EQ(BranchTaken(Tensor(DataType::kBool, {2})), 1);
  EXPECT_EQ(BranchTaken(Tensor(DataType::kBool, {0})), 2);
  EXPECT_EQ(BranchTaken(Tensor(DataType::kFloat, {1, 0})), 2);
  // No truth value.
  EXPECT_EQ(BranchTaken(Tensor(DataType::kVariant, {})), -1);
}

TEST(ControlFlowOpsTest, IfChecksResultsAgainstTout) {
  FakeFunctions functions = Branches();
  AttrMap attrs = IfAttrs();
  attrs["Tout"] = TypeListAttr({DataType::kInt32, DataType::kInt32});
  EXPECT_TRUE(RunKernel("If", attrs, {Tensor::Scalar<bool>(true), Int32(7)}, &functions).ok());

  attrs["Tout"] = TypeListAttr({DataType::kInt32});
  auto wrong_count = RunKernel("If", attrs, {Tensor::Scalar<bool>(true), Int32(7)}, &functions);
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_NE(wrong_count.status().message().find("returned 2 values"), std::string::npos);

  attrs["Tout"] = TypeListAttr({DataType::kInt32, DataType::kFloat});
  auto wrong_type = RunKernel("If", attrs, {Tensor::Scalar<bool>(true), Int32(7)}, &functions);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("expects float32"), std::string::npos);
}

TEST(ControlFlowOpsTest, IfReportsBranchErrorsAndMissingFunctions) {
  FakeFunctions functions;
  functions.Add("then", [](std::vector<Tensor>) -> StatusOr<std::vector<Tensor>> {
    return Status::InvalidArgument("boom");
  });
  auto failed = RunKernel("If", IfAttrs(), {Tensor::Scalar<bool>(true)}, &functions);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("boom"), std::string::npos);
  EXPECT_NE(failed.status().message().find("'then'"), std::string::npos);

  auto no_runner = RunKernel("If", IfAttrs(), {Tensor::Scalar<bool>(true)}, nullptr);
  ASSERT_FALSE(no_runner.ok());
  EXPECT_EQ(no_runner.status().code(), StatusCode::kFailedPrecondition);

  auto no_attr = RunKernel("If", {}, {Tensor::Scalar<bool>(true)}, &functions);
  EXPECT_FALSE(no_attr.ok());
}

TEST(ControlFlowOpsTest, CaseRunsTheIndexedBranchOrTheLast) {
  FakeFunctions functions;
  for (int i = 0; i < 3; ++i) {
    functions.Add("branch" + std::to_string(i),
                  [i](std::vector<Tensor>) -> StatusOr<std::vector<Tensor>> {
                    return std::vector<Tensor>{Int32(i)};
                  });
  }
  tensorflow::AttrValue branches;
  for (int i = 0; i < 3; ++i)
    branches.mutable_list()->add_func()->set_name("branch" + std::to_string(i));
  auto run = [&](int32_t index) {
    auto outputs = RunKernel("StatelessCase", {{"branches", branches}}, {Int32(index)}, &functions);
    return outputs.ok() ? (*outputs)[0].flat<int32_t>()[0] : -100;
  };
  EXPECT_EQ(run(0), 0);
  EXPECT_EQ(run(1), 1);
  EXPECT_EQ(run(2), 2);
  EXPECT_EQ(run(3), 2);  // out of range: the default (last) branch, as TF
  EXPECT_EQ(run(-1), 2);
  EXPECT_FALSE(
      RunKernel("Case", {{"branches", branches}}, {Tensor::Scalar<bool>(true)}, &functions).ok());
}

// cond: i < limit; body: (i + 1, total + i).
FakeFunctions CountingLoop(int32_t limit) {
  FakeFunctions functions;
  functions.Add("cond", [limit](std::vector<Tensor> vars) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{Tensor::Scalar<bool>(vars[0].flat<int32_t>()[0] < limit)};
  });
  functions.Add("body", [](std::vector<Tensor> vars) -> StatusOr<std::vector<Tensor>> {
    const int32_t i = vars[0].flat<int32_t>()[0];
    return std::vector<Tensor>{Int32(i + 1),
                               Tensor::Scalar<int64_t>(vars[1].flat<int64_t>()[0] + i)};
  });
  return functions;
}

AttrMap WhileAttrs() { return {{"cond", FuncAttr("cond")}, {"body", FuncAttr("body")}}; }

TEST(ControlFlowOpsTest, WhileRunsBodyUntilCondIsFalse) {
  FakeFunctions functions = CountingLoop(10);
  auto outputs =
      RunKernel("While", WhileAttrs(), {Int32(0), Tensor::Scalar<int64_t>(0)}, &functions);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  EXPECT_TRUE(TensorsMatch((*outputs)[0], Int32(10), 0));
  EXPECT_TRUE(TensorsMatch((*outputs)[1], Tensor::Scalar<int64_t>(45), 0));
  EXPECT_EQ(functions.calls("cond"), 11);
  EXPECT_EQ(functions.calls("body"), 10);
}

TEST(ControlFlowOpsTest, WhileWithAFalseConditionReturnsItsInputs) {
  FakeFunctions functions = CountingLoop(0);
  Tensor start = Int32(5);
  auto outputs =
      RunKernel("StatelessWhile", WhileAttrs(), {start, Tensor::Scalar<int64_t>(3)}, &functions);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  EXPECT_TRUE((*outputs)[0].SharesBufferWith(start));
  EXPECT_EQ(functions.calls("body"), 0);
}

TEST(ControlFlowOpsTest, WhileRunsManyIterationsWithoutRecursing) {
  FakeFunctions functions = CountingLoop(100000);
  auto outputs =
      RunKernel("While", WhileAttrs(), {Int32(0), Tensor::Scalar<int64_t>(0)}, &functions);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();
  EXPECT_TRUE(TensorsMatch((*outputs)[1], Tensor::Scalar<int64_t>(99999LL * 100000 / 2), 0));
}

TEST(ControlFlowOpsTest, WhileRejectsBodiesThatChangeTheLoopVariables) {
  FakeFunctions functions = CountingLoop(3);
  functions.Add("body", [](std::vector<Tensor> vars) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{vars[0]};
  });
  auto dropped =
      RunKernel("While", WhileAttrs(), {Int32(0), Tensor::Scalar<int64_t>(0)}, &functions);
  ASSERT_FALSE(dropped.ok());
  EXPECT_NE(dropped.status().message().find("returned 1 loop variables; expected 2"),
            std::string::npos);

  functions.Add("body", [](std::vector<Tensor> vars) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{Tensor::Scalar<float>(1), vars[1]};
  });
  auto retyped =
      RunKernel("While", WhileAttrs(), {Int32(0), Tensor::Scalar<int64_t>(0)}, &functions);
  ASSERT_FALSE(retyped.ok());
  EXPECT_NE(retyped.status().message().find("as float32"), std::string::npos);

  functions.Add("cond", [](std::vector<Tensor>) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{Tensor::Scalar<bool>(true), Tensor::Scalar<bool>(true)};
  });
  auto two_predicates =
      RunKernel("While", WhileAttrs(), {Int32(0), Tensor::Scalar<int64_t>(0)}, &functions);
  ASSERT_FALSE(two_predicates.ok());
  EXPECT_NE(two_predicates.status().message().find("expected one predicate"), std::string::npos);
}

// What a Keras RNN compiles to: a While whose body reads step t of an input list and
// writes step t of an output list.
TEST(ControlFlowOpsTest, WhileLoopOverTensorLists) {
  constexpr int kSteps = 50;
  Tensor inputs(DataType::kFloat, {kSteps, 2});
  for (int i = 0; i < kSteps * 2; ++i) inputs.flat<float>()[i] = static_cast<float>(i);
  AttrMap float_list = {{"element_dtype", TypeAttr(DataType::kFloat)},
                        {"shape_type", TypeAttr(DataType::kInt32)}};
  auto input_list =
      RunKernel("TensorListFromTensor", float_list, {inputs, Tensor::FromVector<int32_t>({2})});
  auto output_list =
      RunKernel("TensorListReserve", float_list, {Tensor::FromVector<int32_t>({2}), Int32(kSteps)});
  ASSERT_TRUE(input_list.ok() && output_list.ok());

  FakeFunctions functions;
  functions.Add("cond", [](std::vector<Tensor> vars) -> StatusOr<std::vector<Tensor>> {
    return std::vector<Tensor>{Tensor::Scalar<bool>(vars[0].flat<int32_t>()[0] < kSteps)};
  });
  std::vector<const TensorList*> output_lists_seen;
  functions.Add("body", [&](std::vector<Tensor> vars) -> StatusOr<std::vector<Tensor>> {
    const int32_t t = vars[0].flat<int32_t>()[0];
    AttrMap attrs = {{"element_dtype", TypeAttr(DataType::kFloat)}};
    TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> x,
                           RunKernel("TensorListGetItem", attrs,
                                     {vars[1], Int32(t), Tensor::FromVector<int32_t>({2})}));
    Tensor y(DataType::kFloat, {2});
    for (int i = 0; i < 2; ++i) y.flat<float>()[i] = 2 * x[0].flat<float>()[i];
    TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> written,
                           RunKernel("TensorListSetItem", attrs,
                                     MovedInputs(std::move(vars[2]), Int32(t), std::move(y))));
    output_lists_seen.push_back(*GetList(written[0]));
    return std::vector<Tensor>{Int32(t + 1), std::move(vars[1]), std::move(written[0])};
  });
  auto outputs =
      RunKernel("While", WhileAttrs(), {Int32(0), (*input_list)[0], (*output_list)[0]}, &functions);
  ASSERT_TRUE(outputs.ok()) << outputs.status().ToString();

  auto stacked =
      RunKernel("TensorListStack",
                {{"element_dtype", TypeAttr(DataType::kFloat)}, {"num_elements", IntAttr(kSteps)}},
                {(*outputs)[2], Int32(-1)});
  ASSERT_TRUE(stacked.ok()) << stacked.status().ToString();
  Tensor expected(DataType::kFloat, {kSteps, 2});
  for (int i = 0; i < kSteps * 2; ++i) expected.flat<float>()[i] = 2.0f * static_cast<float>(i);
  EXPECT_TRUE(TensorsMatch((*stacked)[0], expected, 0));

  // The first write copies the list that the caller still holds; every later write
  // updates that copy in place.
  for (size_t i = 1; i < output_lists_seen.size(); ++i) {
    EXPECT_EQ(output_lists_seen[i], output_lists_seen[0]) << "iteration " << i;
  }
}

}  // namespace
}  // namespace tftrt
