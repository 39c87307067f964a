#include "passes/pass_manager.h"

#include <gtest/gtest.h>

#include <set>

#include "passes/pass_test_util.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::CountOp;

// x + Neg(Identity(2)): every pass but fold_batch_norm has work.
void BuildGraph(Graph& graph) {
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  Node* two = AddConstNode(graph, "two", Tensor::Scalar<float>(2));
  Node* identity = AddFloatOp(graph, "identity", "Identity", {{two, 0}});
  Node* neg = AddFloatOp(graph, "neg", "Neg", {{identity, 0}});
  Node* add = AddFloatOp(graph, "add", "AddV2", {{x, 0}, {neg, 0}});
  Node* add_again = AddFloatOp(graph, "add_again", "AddV2", {{x, 0}, {neg, 0}});
  AddRet(graph, "a", {add, 0});
  AddRet(graph, "b", {add_again, 0});
}

TEST(PassTable, NamesAreUniqueAndFindable) {
  std::set<std::string> names;
  for (const PassInfo& pass : Passes()) {
    EXPECT_TRUE(names.insert(pass.name).second) << pass.name;
    EXPECT_GT(std::string(pass.summary).size(), 10u) << pass.name;
    EXPECT_EQ(FindPass(pass.name), &pass);
  }
  EXPECT_EQ(names, (std::set<std::string>{"prune_identity", "constant_folding", "fold_batch_norm",
                                          "common_subexpression"}));
  EXPECT_EQ(FindPass("no_such_pass"), nullptr);
}

TEST(PassManager, RunsEveryPassAndReportsNodeCounts) {
  Graph graph("g");
  BuildGraph(graph);
  auto runs = RunPasses(graph, {});
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), Passes().size());
  int nodes = 6;
  for (size_t i = 0; i < runs->size(); ++i) {
    const PassRun& run = (*runs)[i];
    EXPECT_EQ(run.name, Passes()[i].name);
    EXPECT_TRUE(run.ran);
    EXPECT_GE(run.milliseconds, 0);
    EXPECT_EQ(run.nodes_before, nodes) << run.name;
    nodes = run.nodes_after;
  }
  EXPECT_EQ((*runs)[0].nodes_after, 5);  // the Identity went
  EXPECT_EQ(graph.num_nodes(), 3);       // x, the folded neg, one add
  EXPECT_EQ(graph.rets()[0].tensor, graph.rets()[1].tensor);
}

TEST(PassManager, SkipsDisabledPasses) {
  Graph graph("g");
  BuildGraph(graph);
  auto runs = RunPasses(graph, {.disabled = {"constant_folding", "common_subexpression"}});
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  for (const PassRun& run : *runs) {
    const bool disabled = run.name == "constant_folding" || run.name == "common_subexpression";
    EXPECT_EQ(run.ran, !disabled) << run.name;
    if (disabled) {
      EXPECT_EQ(run.nodes_after, run.nodes_before) << run.name;
    }
  }
  EXPECT_EQ(CountOp(graph, "Neg"), 1);
  EXPECT_EQ(CountOp(graph, "AddV2"), 2);
  EXPECT_EQ(CountOp(graph, "Identity"), 0);
}

TEST(PassManager, UnknownPassNameIsAnInvalidArgumentListingTheValidOnes) {
  Graph graph("g");
  BuildGraph(graph);
  auto runs = RunPasses(graph, {.disabled = {"constant_folding", "cse"}});
  ASSERT_FALSE(runs.ok());
  EXPECT_EQ(runs.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = runs.status().message();
  EXPECT_NE(message.find("'cse'"), std::string::npos) << message;
  for (const PassInfo& pass : Passes()) {
    EXPECT_NE(message.find(pass.name), std::string::npos) << message;
  }
  EXPECT_EQ(graph.num_nodes(), 6);  // nothing ran
}

TEST(PassManager, ErrorsNameThePass) {
  Graph graph("g");
  BuildGraph(graph);
  const std::vector<PassInfo> failing = {
      {"fails", "returns an error", [](Graph&) { return Status::Internal("broken"); }}};
  auto failed = RunPasses(graph, {}, failing);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kInternal);
  EXPECT_NE(failed.status().message().find("in pass 'fails'"), std::string::npos)
      << failed.status().ToString();

  // A pass that leaves a dangling edge is caught by the verifier.
  const std::vector<PassInfo> breaking = {{"breaks", "removes a node still in use", [](Graph& g) {
                                             g.RemoveNode(g.FindNode("neg"));
                                             return Status::Ok();
                                           }}};
  auto broken = RunPasses(graph, {}, breaking);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("dangling"), std::string::npos)
      << broken.status().ToString();
  EXPECT_NE(broken.status().message().find("in pass 'breaks'"), std::string::npos)
      << broken.status().ToString();
}

}  // namespace
}  // namespace tftrt
