// Converters for matrix products: MatMul, BatchMatMul (all versions) and Einsum. Both
// operands may be tensors (attention multiplies activations).
//
// Shapes come from the functions the native kernels use: MakeBatchMatMulShape
// (kernels/cpu/gemm.h) and PlanEinsum (kernels/cpu/einsum.h).
#include "engine/ops/shape_helpers.h"
#include "graph/attrs.h"
#include "kernels/cpu/einsum.h"
#include "kernels/cpu/gemm.h"

namespace tftrt {
namespace {

// MatMul: a [m, k] (or [k, m] when transpose_a) times b [k, n] (or [n, k]).
StatusOr<ShapeList> MatMulShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 0, 2, "a"));
  TFTRT_RETURN_IF_ERROR(CheckInputRank(node, inputs, 1, 2, "b"));
  TFTRT_ASSIGN_OR_RETURN(bool transpose_a, GetBoolAttrOr(node, "transpose_a", false));
  TFTRT_ASSIGN_OR_RETURN(bool transpose_b, GetBoolAttrOr(node, "transpose_b", false));
  const Shape& a = inputs[0].shape;
  const Shape& b = inputs[1].shape;
  const int64_t k = a[transpose_a ? 0 : 1];
  if (b[transpose_b ? 1 : 0] != k) {
    return NodeShapeError(node, "matrix size-incompatible: a " + ShapeToString(a) +
                                    (transpose_a ? " (transposed)" : "") + ", b " +
                                    ShapeToString(b) + (transpose_b ? " (transposed)" : ""));
  }
  return ShapeList{{a[transpose_a ? 1 : 0], b[transpose_b ? 0 : 1]}};
}

StatusOr<ShapeList> BatchMatMulOutput(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  TFTRT_ASSIGN_OR_RETURN(bool adj_x, GetBoolAttrOr(node, "adj_x", false));
  TFTRT_ASSIGN_OR_RETURN(bool adj_y, GetBoolAttrOr(node, "adj_y", false));
  const bool broadcast = node.op != "BatchMatMul";  // V2 and V3 broadcast batch dimensions
  auto shape = MakeBatchMatMulShape(inputs[0].shape, inputs[1].shape, adj_x, adj_y, broadcast);
  if (!shape.ok()) return WithNode(node, shape.status());
  return ShapeList{BatchMatMulOutputShape(*shape)};
}

StatusOr<ShapeList> EinsumShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 1));
  TFTRT_ASSIGN_OR_RETURN(std::string equation, GetStringAttr(node, "equation"));
  std::vector<Shape> shapes;
  for (const LayerInput& input : inputs) shapes.push_back(input.shape);
  auto plan = PlanEinsum(equation, shapes);
  if (!plan.ok()) return WithNode(node, plan.status());
  return ShapeList{plan->output_shape};
}

// _TftrtAttention(q, k, v[, mask]): out has q's shape (engine/attention_folding.h); packed,
// _TftrtAttention(qkv[, mask]) with qkv [b, s, 3, n, h]: out is [b, s, n, h]
// (engine/qkv_packing.h).
StatusOr<ShapeList> AttentionShape(const Node& node, const std::vector<LayerInput>& inputs) {
  if (!inputs.empty() && inputs.size() <= 2 && inputs[0].shape.size() == 5 &&
      inputs[0].shape[2] == 3) {
    const Shape& qkv = inputs[0].shape;
    return ShapeList{Shape{qkv[0], qkv[1], qkv[3], qkv[4]}};
  }
  if (inputs.size() != 3 && inputs.size() != 4) {
    return WithNode(node, Status::InvalidArgument("expects q, k, v and an optional mask, got " +
                                                  std::to_string(inputs.size()) + " inputs"));
  }
  return ShapeList{inputs[0].shape};
}

Status LowerMatMul(const Node& node, const std::vector<LayerInput>& inputs, EngineLayer* layer) {
  // The shape function's checks first: a lowered layer always fits its inputs.
  const bool is_einsum = node.op == "Einsum";
  const bool is_matmul = node.op == "MatMul";
  TFTRT_RETURN_IF_ERROR(is_einsum   ? EinsumShape(node, inputs).status()
                        : is_matmul ? MatMulShape(node, inputs).status()
                                    : BatchMatMulOutput(node, inputs).status());
  MatMulParams* params = layer->mutable_matmul();
  if (is_einsum) {
    TFTRT_ASSIGN_OR_RETURN(std::string equation, GetStringAttr(node, "equation"));
    params->set_equation(equation);
  } else {
    const char* a = is_matmul ? "transpose_a" : "adj_x";
    const char* b = is_matmul ? "transpose_b" : "adj_y";
    TFTRT_ASSIGN_OR_RETURN(bool transpose_a, GetBoolAttrOr(node, a, false));
    TFTRT_ASSIGN_OR_RETURN(bool transpose_b, GetBoolAttrOr(node, b, false));
    params->set_transpose_a(transpose_a);
    params->set_transpose_b(transpose_b);
  }
  return Status::Ok();
}

}  // namespace

void RegisterMatMulConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  auto add = [&table](const char* op, ShapeFunction shape) {
    table.Register({.op = op,
                    .dtypes = kFloat,
                    .kind = LAYER_KIND_MATMUL,
                    .shape = shape,
                    .lower = &LowerMatMul});
  };
  add("MatMul", &MatMulShape);
  for (const char* op : {"BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"}) {
    add(op, &BatchMatMulOutput);
  }
  add("Einsum", &EinsumShape);
  // Engine-only: what engine/attention_folding.h makes of Keras' MultiHeadAttention.
  table.Register({.op = "_TftrtAttention",
                  .dtypes = kFloat,
                  .kind = LAYER_KIND_MATMUL,
                  .shape = &AttentionShape});
}

}  // namespace tftrt
