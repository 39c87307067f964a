#include <gtest/gtest.h>

#include <algorithm>

#include "passes/pass_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddFloatOp;
using testing::AddRet;
using testing::CountOp;
using testing::RunGraph;
using testing::RunPass;

bool Contains(const std::vector<Node*>& nodes, const Node* node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

TEST(PruneIdentity, BypassesForwardingNodesAndKeepsResults) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  Node* identity = AddFloatOp(graph, "identity", "Identity", {{x, 0}});
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{identity, 0}});
  Node* snapshot = AddFloatOp(graph, "snapshot", "Snapshot", {{relu, 0}});
  Node* stop = AddFloatOp(graph, "stop", "StopGradient", {{snapshot, 0}});
  Node* both = graph.AddNode("both", "IdentityN", {}, {{x, 0}, {relu, 0}});
  Node* neg = AddFloatOp(graph, "neg", "Neg", {{both, 1}});
  AddRet(graph, "y", {stop, 0});
  AddRet(graph, "z", {neg, 0});
  AddRet(graph, "w", {both, 0});
  const Tensor input = testing::Ramp({2, 3});
  auto before = RunGraph(graph, {input});
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  ASSERT_TRUE(RunPass("prune_identity", graph).ok());

  EXPECT_EQ(graph.num_nodes(), 3);  // x, relu, neg
  EXPECT_EQ(graph.rets()[0].tensor, (Output{relu, 0}));
  EXPECT_EQ(graph.rets()[1].tensor, (Output{neg, 0}));
  EXPECT_EQ(graph.rets()[2].tensor, (Output{x, 0}));
  EXPECT_EQ(relu->inputs[0], (Output{x, 0}));
  EXPECT_EQ(neg->inputs[0], (Output{relu, 0}));
  auto after = RunGraph(graph, {input});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(testing::AllTensorsMatch(*after, *before, 0));
}

TEST(PruneIdentity, KeepsTheWaitsOfRemovedNodes) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  Node* a = AddFloatOp(graph, "a", "Neg", {{x, 0}});
  Node* b = AddFloatOp(graph, "b", "Abs", {{x, 0}});
  // Identity(x) waiting for a, read by a Relu and waited for by a Sigmoid.
  Node* identity = AddFloatOp(graph, "identity", "Identity", {{x, 0}});
  identity->control_inputs = {a};
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{identity, 0}});
  Node* sigmoid = AddFloatOp(graph, "sigmoid", "Sigmoid", {{x, 0}});
  sigmoid->control_inputs = {identity};
  // A NoOp that waits for a and b, waited for by a Tanh and by the function.
  Node* no_op = graph.AddNode("no_op", "NoOp");
  no_op->control_inputs = {a, b};
  Node* tanh = AddFloatOp(graph, "tanh", "Tanh", {{x, 0}});
  tanh->control_inputs = {no_op};
  graph.control_rets().push_back(no_op);
  // A ret fed by an Identity that waits for c, which nothing else needs.
  Node* c = AddFloatOp(graph, "c", "Exp", {{x, 0}});
  Node* out = AddFloatOp(graph, "out", "Identity", {{sigmoid, 0}});
  out->control_inputs = {c};
  AddRet(graph, "relu", {relu, 0});
  AddRet(graph, "tanh", {tanh, 0});
  AddRet(graph, "sigmoid", {out, 0});

  ASSERT_TRUE(RunPass("prune_identity", graph).ok());

  EXPECT_EQ(CountOp(graph, "Identity") + CountOp(graph, "NoOp"), 0);
  EXPECT_EQ(relu->inputs[0], (Output{x, 0}));
  EXPECT_EQ(relu->control_inputs, std::vector<Node*>{a});
  // Waiting for identity = waiting for its input and its control inputs.
  EXPECT_TRUE(Contains(sigmoid->control_inputs, a));
  EXPECT_TRUE(Contains(sigmoid->control_inputs, x));
  EXPECT_EQ(tanh->control_inputs, (std::vector<Node*>{a, b}));
  // The NoOp's control ret became a and b, which the rets need anyway; c must still run.
  EXPECT_EQ(graph.control_rets(), std::vector<Node*>{c});
  EXPECT_EQ(graph.rets()[2].tensor, (Output{sigmoid, 0}));
}

TEST(PruneIdentity, RemovesUnneededNodesButKeepsArgsAndControlRets) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  AddArg(graph, "unused", DataType::kFloat, {2});
  Node* dead = AddFloatOp(graph, "dead", "Exp", {{x, 0}});
  AddFloatOp(graph, "dead_too", "Log", {{dead, 0}});
  Node* effect = AddFloatOp(graph, "effect", "Abs", {{x, 0}});
  graph.control_rets().push_back(effect);
  // A control edge on a constant orders nothing.
  Node* constant = testing::AddConstNode(graph, "c", Tensor::Scalar<float>(1));
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  relu->control_inputs = {constant};
  AddRet(graph, "y", {relu, 0});

  ASSERT_TRUE(RunPass("prune_identity", graph).ok());

  EXPECT_EQ(graph.num_nodes(), 4);  // x, unused, effect, relu
  EXPECT_EQ(graph.FindNode("dead"), nullptr);
  EXPECT_EQ(graph.FindNode("c"), nullptr);
  EXPECT_NE(graph.FindNode("unused"), nullptr);
  EXPECT_NE(graph.FindNode("effect"), nullptr);
  EXPECT_TRUE(relu->control_inputs.empty());
}

TEST(PruneIdentity, RejectsAnIdentityReadPastItsInputs) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  Node* identity = AddFloatOp(graph, "identity", "Identity", {{x, 0}});
  AddRet(graph, "y", {identity, 1});
  Status status = RunPass("prune_identity", graph);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'identity'"), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace tftrt
