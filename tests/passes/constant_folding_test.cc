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

// Runs `graph` on `args` before and after constant folding; expects equal results.
void ExpectFoldingKeepsResults(Graph& graph, const std::vector<Tensor>& args) {
  auto before = RunGraph(graph, args);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  Status folded = RunPass("constant_folding", graph);
  ASSERT_TRUE(folded.ok()) << folded.ToString();
  auto after = RunGraph(graph, args);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(testing::AllTensorsMatch(*after, *before, 0));
}

TEST(ConstantFolding, FoldsChainsToAFixedPoint) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {3});
  Node* c1 = AddConstNode(graph, "c1", Tensor::FromVector<float>({1, 2, 3}));
  Node* c2 = AddConstNode(graph, "c2", Tensor::Scalar<float>(2));
  Node* mul = AddFloatOp(graph, "mul", "Mul", {{c1, 0}, {c2, 0}});
  Node* neg = AddFloatOp(graph, "neg", "Neg", {{mul, 0}});
  Node* add = AddFloatOp(graph, "add", "AddV2", {{x, 0}, {neg, 0}});
  AddRet(graph, "y", {add, 0});

  ExpectFoldingKeepsResults(graph, {testing::Ramp({3})});

  EXPECT_EQ(graph.num_nodes(), 3);  // x, the folded neg, add
  ASSERT_EQ(neg->op, "Const");      // folded in place: name and uses kept
  EXPECT_EQ(add->inputs[1], (Output{neg, 0}));
  EXPECT_TRUE(testing::TensorsMatch(neg->constant, Tensor::FromVector<float>({-2, -4, -6}), 0));
  EXPECT_TRUE(neg->inputs.empty());
}

TEST(ConstantFolding, FreezesReadOnlyVariables) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {1, 2});
  Node* handle =
      graph.AddNode("kernel", "VarHandleOp",
                    {{"dtype", TypeAttr(DataType::kFloat)}, {"shared_name", StringAttr("kernel")}});
  handle->constant = Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2});
  Node* read = graph.AddNode("read", "ReadVariableOp", {{"dtype", TypeAttr(DataType::kFloat)}},
                             {{handle, 0}});
  Node* matmul = AddFloatOp(graph, "matmul", "MatMul", {{x, 0}, {read, 0}});
  AddRet(graph, "y", {matmul, 0});

  ExpectFoldingKeepsResults(graph, {testing::Ramp({1, 2})});

  EXPECT_EQ(CountOp(graph, "VarHandleOp"), 0);
  EXPECT_EQ(CountOp(graph, "ReadVariableOp"), 0);
  ASSERT_EQ(matmul->inputs[1].node->op, "Const");
  EXPECT_TRUE(testing::TensorsMatch(matmul->inputs[1].node->constant,
                                    Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2}), 0));
}

TEST(ConstantFolding, KeepsVariablesThatCanBeWritten) {
  Graph graph("g");
  AddArg(graph, "x", DataType::kFloat, {});
  AttrMap handle_attrs = {{"dtype", TypeAttr(DataType::kFloat)},
                          {"shared_name", StringAttr("counter")}};
  // Two handles to one variable (same shared_name): one assigns, the other reads.
  Node* writer = graph.AddNode("writer", "VarHandleOp", handle_attrs);
  Node* reader = graph.AddNode("reader", "VarHandleOp", handle_attrs);
  writer->constant = reader->constant = Tensor::Scalar<float>(1);
  Node* value = AddConstNode(graph, "value", Tensor::Scalar<float>(5));
  Node* assign = graph.AddNode("assign", "AssignVariableOp",
                               {{"dtype", TypeAttr(DataType::kFloat)}}, {{writer, 0}, {value, 0}});
  graph.control_rets().push_back(assign);
  Node* read = graph.AddNode("read", "ReadVariableOp", {{"dtype", TypeAttr(DataType::kFloat)}},
                             {{reader, 0}});
  AddRet(graph, "y", {read, 0});

  ASSERT_TRUE(RunPass("constant_folding", graph).ok());

  EXPECT_EQ(read->op, "ReadVariableOp");
  EXPECT_EQ(CountOp(graph, "VarHandleOp"), 2);
}

TEST(ConstantFolding, LeavesStatefulUnknownAndFailingNodes) {
  Graph graph("g");
  Node* dims = AddConstNode(graph, "dims", Tensor::FromVector<int32_t>({2}));
  // Empty is stateful in its OpDef (its contents are undefined).
  Node* empty =
      graph.AddNode("empty", "Empty", {{"dtype", TypeAttr(DataType::kFloat)}}, {{dims, 0}});
  Node* unknown = AddFloatOp(graph, "unknown", "MyCustomOp", {{dims, 0}});
  // Reshape of 2 elements into [3] fails: that error belongs to run time.
  Node* bad_shape = AddConstNode(graph, "bad_shape", Tensor::FromVector<int32_t>({3}));
  Node* reshape = graph.AddNode("reshape", "Reshape", {}, {{dims, 0}, {bad_shape, 0}});
  AddRet(graph, "empty", {empty, 0});
  AddRet(graph, "unknown", {unknown, 0});
  AddRet(graph, "reshape", {reshape, 0}, DataType::kInt32);

  Status status = RunPass("constant_folding", graph);
  ASSERT_TRUE(status.ok()) << status.ToString();

  EXPECT_EQ(empty->op, "Empty");
  EXPECT_EQ(unknown->op, "MyCustomOp");
  EXPECT_EQ(reshape->op, "Reshape");
}

TEST(ConstantFolding, LeavesHugeOutputsUnfolded) {
  Graph graph("g");
  Node* big_dims = AddConstNode(graph, "big_dims", Tensor::FromVector<int32_t>({2048, 2048}));
  Node* small_dims = AddConstNode(graph, "small_dims", Tensor::FromVector<int32_t>({4, 4}));
  Node* value = AddConstNode(graph, "value", Tensor::Scalar<float>(1.5f));
  Node* big = graph.AddNode("big", "Fill", {}, {{big_dims, 0}, {value, 0}});  // 16 MiB
  Node* small = graph.AddNode("small", "Fill", {}, {{small_dims, 0}, {value, 0}});
  AddRet(graph, "big", {big, 0});
  AddRet(graph, "small", {small, 0});

  ASSERT_TRUE(RunPass("constant_folding", graph).ok());

  EXPECT_EQ(big->op, "Fill");
  EXPECT_EQ(small->op, "Const");
}

TEST(ConstantFolding, FoldsEachUsedOutputOfMultiOutputNodes) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  Node* rows = AddConstNode(graph, "rows", Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {3, 2}));
  Node* unpack = AddFloatOp(graph, "unpack", "Unpack", {{rows, 0}},
                            {{"num", IntAttr(3)}, {"axis", IntAttr(0)}});
  Node* first = AddFloatOp(graph, "first", "Mul", {{x, 0}, {unpack, 1}});
  Node* second = AddFloatOp(graph, "second", "Sub", {{x, 0}, {unpack, 2}});
  AddRet(graph, "first", {first, 0});
  AddRet(graph, "second", {second, 0});
  AddRet(graph, "third", {unpack, 2});

  ExpectFoldingKeepsResults(graph, {testing::Ramp({2})});

  EXPECT_EQ(CountOp(graph, "Unpack"), 0);
  EXPECT_EQ(CountOp(graph, "Const"), 2);  // outputs 1 and 2
  EXPECT_EQ(first->inputs[1], (Output{unpack, 0}));
  EXPECT_EQ(second->inputs[1], graph.rets()[2].tensor);
  EXPECT_NE(second->inputs[1].node, unpack);
}

TEST(ConstantFolding, KeepsControlDependenciesExceptOnConstants) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2});
  Node* effect = AddFloatOp(graph, "effect", "Abs", {{x, 0}});
  graph.control_rets().push_back(effect);
  Node* other = AddConstNode(graph, "other", Tensor::Scalar<float>(0));
  // A constant that waits for `effect`, read by a Neg that waits for a constant.
  Node* c = AddConstNode(graph, "c", Tensor::FromVector<float>({1, -1}));
  c->control_inputs = {effect};
  Node* neg = AddFloatOp(graph, "neg", "Neg", {{c, 0}});
  neg->control_inputs = {other};
  Node* add = AddFloatOp(graph, "add", "AddV2", {{x, 0}, {neg, 0}});
  AddRet(graph, "y", {add, 0});

  ExpectFoldingKeepsResults(graph, {testing::Ramp({2})});

  ASSERT_EQ(neg->op, "Const");
  EXPECT_EQ(neg->control_inputs, std::vector<Node*>{effect});
  EXPECT_EQ(graph.FindNode("other"), nullptr);
}

TEST(ConstantFolding, FoldsShapesThatArgsDeclare) {
  Graph graph("g");
  Node* x = AddArg(graph, "x", DataType::kFloat, {2, 3});
  Node* batch = AddArg(graph, "batch", DataType::kFloat, {-1, 3});
  Node* shape =
      graph.AddNode("shape", "Shape", {{"out_type", TypeAttr(DataType::kInt64)}}, {{x, 0}});
  Node* size = graph.AddNode("size", "Size", {{"out_type", TypeAttr(DataType::kInt32)}}, {{x, 0}});
  Node* rank = graph.AddNode("rank", "Rank", {}, {{batch, 0}});
  Node* batch_shape = graph.AddNode("batch_shape", "Shape",
                                    {{"out_type", TypeAttr(DataType::kInt32)}}, {{batch, 0}});
  AddRet(graph, "shape", {shape, 0}, DataType::kInt64);
  AddRet(graph, "size", {size, 0}, DataType::kInt32);
  AddRet(graph, "rank", {rank, 0}, DataType::kInt32);
  AddRet(graph, "batch_shape", {batch_shape, 0}, DataType::kInt32);

  ExpectFoldingKeepsResults(graph, {testing::Ramp({2, 3}), testing::Ramp({4, 3})});

  ASSERT_EQ(shape->op, "Const");
  EXPECT_TRUE(testing::TensorsMatch(shape->constant, Tensor::FromVector<int64_t>({2, 3}), 0));
  ASSERT_EQ(size->op, "Const");
  EXPECT_TRUE(testing::TensorsMatch(size->constant, Tensor::Scalar<int32_t>(6), 0));
  ASSERT_EQ(rank->op, "Const");
  EXPECT_TRUE(testing::TensorsMatch(rank->constant, Tensor::Scalar<int32_t>(2), 0));
  EXPECT_EQ(batch_shape->op, "Shape");  // the batch size is not known
}

}  // namespace
}  // namespace tftrt
