// Building small graphs by hand and running them on the native executor, for the pass
// tests: a pass must leave a graph that computes what it computed before.
#ifndef TFTRT_TESTS_PASSES_PASS_TEST_UTIL_H_
#define TFTRT_TESTS_PASSES_PASS_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "graph/graph.h"
#include "graph/verifier.h"
#include "passes/pass_table.h"
#include "runtime/executor.h"

namespace tftrt::testing {

// Adds an _Arg node as the graph's next arg.
inline Node* AddArg(Graph& graph, const std::string& name, DataType dtype, Shape shape) {
  const int index = static_cast<int>(graph.args().size());
  Node* node = graph.AddNode(name, "_Arg", {{"index", IntAttr(index)}, {"T", TypeAttr(dtype)}});
  graph.args().push_back({name, node, dtype, PartialShape{false, std::move(shape)}});
  return node;
}

inline Node* AddConstNode(Graph& graph, const std::string& name, Tensor value) {
  Node* node = graph.AddNode(name, "Const", {{"dtype", TypeAttr(value.dtype())}});
  node->constant = std::move(value);
  return node;
}

inline void AddRet(Graph& graph, const std::string& name, Output output,
                   DataType dtype = DataType::kFloat) {
  graph.rets().push_back({name, output, dtype, PartialShape()});
}

// A float op node with attribute T = float besides `attrs`.
inline Node* AddFloatOp(Graph& graph, const std::string& name, const std::string& op,
                        std::vector<Output> inputs, AttrMap attrs = {}) {
  attrs["T"] = TypeAttr(DataType::kFloat);
  return graph.AddNode(name, op, std::move(attrs), std::move(inputs));
}

// Runs `graph` on a fresh executor (plans are cached per graph, and passes change it).
inline StatusOr<std::vector<Tensor>> RunGraph(const Graph& graph, std::vector<Tensor> args) {
  Executor executor(std::shared_ptr<const Graph>(&graph, [](const Graph*) {}), nullptr);
  return executor.Run(std::move(args));
}

// Runs the pass named `name` from the pass table, then the verifier.
inline Status RunPass(const std::string& name, Graph& graph) {
  const PassInfo* pass = FindPass(name);
  if (pass == nullptr) return Status::NotFound("no pass '" + name + "'");
  TFTRT_RETURN_IF_ERROR(pass->run(graph));
  return VerifyGraph(graph);
}

inline int CountOp(const Graph& graph, const std::string& op) {
  int count = 0;
  for (const Node* node : graph.nodes()) count += node->op == op ? 1 : 0;
  return count;
}

// Deterministic values in [-1, 1), varied enough to catch a wrong channel order.
inline Tensor Ramp(Shape shape, float scale = 1.0f) {
  Tensor tensor(DataType::kFloat, std::move(shape));
  float* data = tensor.flat<float>();
  for (int64_t i = 0; i < tensor.NumElements(); ++i) {
    data[i] = scale * (static_cast<float>((i * 37 + 11) % 101) / 50.5f - 1.0f);
  }
  return tensor;
}

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_PASSES_PASS_TEST_UTIL_H_
