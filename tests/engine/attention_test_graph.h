// Keras 3's MultiHeadAttention as it writes its attention in a TF graph, for the tests of
// attention folding and QKV packing (engine/attention_folding.h, engine/qkv_packing.h) on the
// cpu and cuda backends, and what those tests share.
#ifndef TFTRT_TESTS_ENGINE_ATTENTION_TEST_GRAPH_H_
#define TFTRT_TESTS_ENGINE_ATTENTION_TEST_GRAPH_H_

#include <cmath>
#include <string>
#include <vector>

#include "backends/cpu/cpu_backend.h"
#include "engine/engine_test_util.h"

namespace tftrt::testing {

struct AttentionCase {
  int64_t batch = 2, queries = 5, keys = 6, heads = 3, head_dim = 8;
  Shape mask_shape;  // empty: no mask; Keras: the attention mask [b, 1, s], expanded
  bool softmax_returned_too = false;
  bool keras2_equations = false;  // Keras 2's einsums ("aecd,abcd->acbe" on (k, q), ...)
  // Self-attention with its projections (REQUIRES queries == keys): q, k and v are made from
  // one arg x [b, s, projected_from] as Keras' EinsumDense writes them in a TF graph
  // (BatchMatMulV2 by [e, n * h], Reshape to [b, s, n, h], AddV2 of a [n, h] bias); 0: q, k
  // and v are args.
  int64_t projected_from = 0;
};

// One EinsumDense projection of x to [b, s, n, h] (see AttentionCase::projected_from).
inline Node* AddProjection(const AttentionCase& c, Graph& graph, Node* x, const std::string& name,
                           uint32_t seed) {
  const int64_t width = c.heads * c.head_dim;
  Node* w = AddConstNode(graph, name + "_w", RandomTensor({c.projected_from, width}, seed));
  Node* product = AddFloatOp(graph, name + "_matmul", "BatchMatMulV2", {{x, 0}, {w, 0}},
                             {{"adj_x", BoolAttr(false)}, {"adj_y", BoolAttr(false)}});
  Node* shape =
      AddConstNode(graph, name + "_shape",
                   Tensor::FromVector<int32_t>(
                       {static_cast<int32_t>(c.batch), static_cast<int32_t>(c.queries),
                        static_cast<int32_t>(c.heads), static_cast<int32_t>(c.head_dim)}));
  Node* reshaped = AddFloatOp(graph, name + "_reshape", "Reshape", {{product, 0}, {shape, 0}},
                              {{"Tshape", TypeAttr(DataType::kInt32)}});
  Node* bias = AddConstNode(graph, name + "_bias", RandomTensor({c.heads, c.head_dim}, seed + 1));
  return AddFloatOp(graph, name + "_add", "AddV2", {{reshaped, 0}, {bias, 0}});
}

// The attention ops on args q [b, t, n, h], k and v [b, s, n, h] and a boolean mask, as
// TF 2.20 / Keras 3 write them:
//     Softmax(SelectV2(LogicalAnd(Fill(true), mask), Einsum(q, k) * scale, lowest)) . v
inline void AddAttention(const AttentionCase& c, Graph& graph) {
  Node *q, *k, *v;
  if (c.projected_from > 0) {
    Node* x = AddArg(graph, "x", DataType::kFloat, {c.batch, c.queries, c.projected_from});
    q = AddProjection(c, graph, x, "query", 81);
    k = AddProjection(c, graph, x, "key", 83);
    v = AddProjection(c, graph, x, "value", 85);
  } else {
    q = AddArg(graph, "q", DataType::kFloat, {c.batch, c.queries, c.heads, c.head_dim});
    k = AddArg(graph, "k", DataType::kFloat, {c.batch, c.keys, c.heads, c.head_dim});
    v = AddArg(graph, "v", DataType::kFloat, {c.batch, c.keys, c.heads, c.head_dim});
  }
  auto einsum = [&](const char* name, const char* equation, Node* a, Node* b) {
    return AddFloatOp(graph, name, "Einsum", {{a, 0}, {b, 0}},
                      {{"equation", StringAttr(equation)}, {"N", IntAttr(2)}});
  };
  Node* scores = c.keras2_equations ? einsum("einsum", "aecd,abcd->acbe", k, q)
                                    : einsum("einsum", "BTNH,BSNH->BNTS", q, k);
  Node* scale = AddConstNode(graph, "scale", Tensor::Scalar<float>(0.35355338f));
  Node* masked = AddFloatOp(graph, "mul", "Mul", {{scores, 0}, {scale, 0}});
  if (!c.mask_shape.empty()) {
    Node* mask = AddArg(graph, "mask", DataType::kBool, c.mask_shape);
    Node* dims = AddConstNode(graph, "dims",
                              Tensor::FromVector<int32_t>(
                                  {static_cast<int32_t>(c.batch), static_cast<int32_t>(c.heads),
                                   static_cast<int32_t>(c.queries), static_cast<int32_t>(c.keys)}));
    Node* yes = AddConstNode(graph, "true", Tensor::Scalar<bool>(true));
    Node* ones = graph.AddNode(
        "ones_like", "Fill",
        {{"T", TypeAttr(DataType::kBool)}, {"index_type", TypeAttr(DataType::kInt32)}},
        {{dims, 0}, {yes, 0}});
    Node* both = graph.AddNode("and", "LogicalAnd", {}, {{ones, 0}, {mask, 0}});
    Node* lowest = AddConstNode(graph, "lowest", Tensor::Scalar<float>(-2.372671e+38f));
    masked = AddFloatOp(graph, "select", "SelectV2", {{both, 0}, {masked, 0}, {lowest, 0}});
  }
  Node* probabilities = AddFloatOp(graph, "softmax", "Softmax", {{masked, 0}});
  Node* out = c.keras2_equations ? einsum("einsum_1", "acbe,aecd->abcd", probabilities, v)
                                 : einsum("einsum_1", "BNTS,BSNH->BTNH", probabilities, v);
  AddRet(graph, "out", {out, 0});
  if (c.softmax_returned_too) AddRet(graph, "probabilities", {probabilities, 0});
}

// The network compiled and run on the cpu backend.
inline StatusOr<std::vector<Tensor>> RunOnCpu(EngineNetwork network,
                                              const std::vector<Tensor>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                         CpuEngineBackend().Compile(std::move(network)));
  return engine->Run(inputs);
}

inline int CountOps(const EngineNetwork& network, const std::string& op) {
  int count = 0;
  for (const EngineLayer& layer : network.layer()) count += layer.op() == op;
  return count;
}

inline BuildOptions BuildOptionsFor(Precision precision, bool fuse) {
  BuildOptions options;
  options.precision = precision;
  options.fuse = fuse;
  return options;
}

// q, k, v uniform in [-1, 1) (times `spread`), and the mask: batch 0 sees every key but the
// last, every other batch none (every score masked: a uniform average of v).
inline std::vector<Tensor> AttentionInputs(const AttentionCase& c, float spread = 1.0f) {
  std::vector<Tensor> inputs;
  if (c.projected_from > 0) {
    // The projections' sums of projected_from products have about sqrt(e / 3) times x's
    // spread: scaled back so that the scores keep the spread asked for.
    const float x_spread = spread * std::sqrt(3.0f / static_cast<float>(c.projected_from));
    inputs.push_back(RandomTensor({c.batch, c.queries, c.projected_from}, 70, -x_spread, x_spread));
  } else {
    inputs = {RandomTensor({c.batch, c.queries, c.heads, c.head_dim}, 71, -spread, spread),
              RandomTensor({c.batch, c.keys, c.heads, c.head_dim}, 72, -spread, spread),
              RandomTensor({c.batch, c.keys, c.heads, c.head_dim}, 73)};
  }
  if (!c.mask_shape.empty()) {
    Tensor mask(DataType::kBool, c.mask_shape);
    const int64_t per_batch = mask.NumElements() / c.mask_shape[0];
    const int64_t keys = c.mask_shape.back();
    for (int64_t i = 0; i < mask.NumElements(); ++i) {
      mask.flat<bool>()[i] = i < per_batch && (keys == 1 || (i % keys) != keys - 1);
    }
    inputs.push_back(std::move(mask));
  }
  return inputs;
}

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_ENGINE_ATTENTION_TEST_GRAPH_H_
