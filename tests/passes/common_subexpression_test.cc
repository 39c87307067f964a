#include <gtest/gtest.h>

#include "passes/pass_test_util.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

using testing::AddArg;
using testing::AddConstNode;
using testing::AddFloatOp;
using testing::AddRet;
using testing::CountOp;
using testing::RunGraph;
using testing::RunPass;

TEST(CommonSubexpression, MergesEqualNodesAndConstants) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3});
  Node* two = AddConstNode(graph, "two", Tensor::Scalar<float>(2));
  Node* two_again = AddConstNode(graph, "two_again", Tensor::Scalar<float>(2));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{x, 0}, {two, 0}});
  Node* mul_again = AddFloatOp(graph, "mul_again", "Mul", {{x, 0}, {two_again, 0}});
  Node* add = AddFloatOp(graph, "add", "AddV2", {{mul, 0}, {mul_again, 0}});
  Node* waits = AddFloatOp(graph, "waits", "Relu", {{x, 0}});
  waits->control_inputs = {mul_again};
  AddRet(graph, "sum", {add, 0});
  AddRet(graph, "product", {mul_again, 0});
  AddRet(graph, "relu", {waits, 0});
  const Tensor input = testing::Ramp({3});
  auto before = RunGraph(graph, {input});
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  ASSERT_TRUE(RunPass("common_subexpression", graph).ok());

  EXPECT_EQ(CountOp(graph, "Const"), 1);
  EXPECT_EQ(CountOp(graph, "Mul"), 1);
  EXPECT_EQ(add->inputs[0], add->inputs[1]);
  EXPECT_EQ(graph.rets()[1].tensor, add->inputs[0]);
  EXPECT_EQ(waits->control_inputs, std::vector<Node*>{add->inputs[0].node});
  auto after = RunGraph(graph, {input});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(testing::AllTensorsMatch(*after, *before, 0));
}

TEST(CommonSubexpression, KeepsNodesThatDiffer) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  // Same bytes (all zero), different dtypes; same dtype, different values.
  Node* zero_int = AddConstNode(graph, "zero_int", Tensor::Scalar<int32_t>(0));
  Node* zero_float = AddConstNode(graph, "zero_float", Tensor::Scalar<float>(0));
  Node* one_int = AddConstNode(graph, "one_int", Tensor::Scalar<int32_t>(1));
  // Different attributes.
  Node* sum = AddFloatOp(graph, "sum", "Sum", {{x, 0}, {zero_int, 0}},
                         {{"keep_dims", BoolAttr(false)}, {"Tidx", TypeAttr(DataType::kInt32)}});
  Node* sum_keep =
      AddFloatOp(graph, "sum_keep", "Sum", {{x, 0}, {zero_int, 0}},
                 {{"keep_dims", BoolAttr(true)}, {"Tidx", TypeAttr(DataType::kInt32)}});
  // Different control inputs.
  Node* relu = AddFloatOp(graph, "relu", "Relu", {{x, 0}});
  Node* relu_waiting = AddFloatOp(graph, "relu_waiting", "Relu", {{x, 0}});
  relu_waiting->control_inputs = {sum};
  // Stateful: two reads of one variable are two reads.
  Node* handle = graph.AddNode("v", "VarHandleOp", {{"dtype", TypeAttr(DataType::kFloat)}});
  handle->constant = Tensor::Scalar<float>(1);
  Node* read = graph.AddNode("read", "ReadVariableOp", {{"dtype", TypeAttr(DataType::kFloat)}},
                             {{handle, 0}});
  Node* read_again = graph.AddNode("read_again", "ReadVariableOp",
                                   {{"dtype", TypeAttr(DataType::kFloat)}}, {{handle, 0}});
  for (Node* node : {zero_float, one_int, sum, sum_keep, relu, relu_waiting, read, read_again}) {
    AddRet(graph, node->name, {node, 0});
  }
  const int nodes = graph.num_nodes();

  ASSERT_TRUE(RunPass("common_subexpression", graph).ok());

  EXPECT_EQ(graph.num_nodes(), nodes);
}

}  // namespace
}  // namespace tftrt
