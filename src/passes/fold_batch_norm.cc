// fold_batch_norm: folds an inference batch norm into the convolution or matmul before it.
//
// conv(x, W) [+ b] followed by a per-channel scale s and shift t becomes
// conv(x, W * s) + (b * s + t): the weights are scaled per output channel and the shift
// becomes a BiasAdd (or joins the existing one). The norm is either FusedBatchNorm /V2 /V3
// with is_training=false and constant parameters (s = scale / sqrt(variance + epsilon),
// t = offset - mean * s), or the Mul by a constant and Add / Sub of a constant that
// Keras 3 emits for BatchNormalization (each folds on its own, so a Mul then an Add
// folds in two steps). Conv2D (filter [h,w,in,out]), DepthwiseConv2dNative (filter
// [h,w,in,multiplier]: output channel in*multiplier + m) and MatMul (weights [in,out], or
// [out,in] with transpose_b) with constant float weights qualify when nothing else reads
// their output (nor the BiasAdd's): those values change. The channel axis follows
// data_format; a norm over another axis, or by a constant that varies along another
// axis, does not fold. Arithmetic is in double, rounded once to float.
#include <cmath>
#include <optional>
#include <set>

#include "graph/attrs.h"
#include "passes/graph_edits.h"

namespace tftrt {
namespace {

// A convolution or matmul with constant weights, optionally followed by a BiasAdd of a
// constant, that a per-channel scale and shift of its output can fold into.
struct FoldTarget {
  Node* producer = nullptr;  // Conv2D, DepthwiseConv2dNative or MatMul
  Node* bias_add = nullptr;  // or null
  int rank = 0;              // of the output
  int channel_axis = 0;      // of the output
  int64_t channels = 0;
  // The weights read as [outer, channels, channel_stride] have output channels in the
  // middle: channel_stride is the in-dimension for MatMul with transpose_b, else 1.
  int64_t channel_stride = 1;

  Node* result() const { return bias_add != nullptr ? bias_add : producer; }
};

// A match: `norm`'s output is the target's output scaled by `scale` (when not empty),
// then shifted by `shift` (when not empty).
struct Fold {
  Node* norm = nullptr;
  FoldTarget target;
  std::vector<double> scale;
  std::vector<double> shift;
  std::vector<Node*> parameters;  // the constants `scale` and `shift` come from
};

bool IsFloatConst(const Node& node) {
  return node.op == "Const" && node.constant.dtype() == DataType::kFloat;
}

bool HasFloatT(const Node& node) {
  auto dtype = GetTypeAttr(node, "T");
  return dtype.ok() && *dtype == DataType::kFloat;
}

// The channel axis of a rank-4 tensor in `node`'s data_format, or -1 if unsupported.
int ChannelAxis4D(const Node& node) {
  auto format = GetStringAttrOr(node, "data_format", "NHWC");
  if (!format.ok()) return -1;
  if (*format == "NHWC") return 3;
  if (*format == "NCHW") return 1;
  return -1;
}

// `node` as a fold target without a BiasAdd, if its kind and weights qualify.
std::optional<FoldTarget> ProducerTarget(Node* node) {
  if (node->inputs.size() != 2 || !HasFloatT(*node) || !IsFloatConst(*node->inputs[1].node)) {
    return std::nullopt;
  }
  const Tensor& weight_values = node->inputs[1].node->constant;
  if (weight_values.NumElements() == 0) return std::nullopt;
  const Shape& weights = weight_values.shape();
  FoldTarget target;
  target.producer = node;
  if (node->op == "Conv2D" || node->op == "DepthwiseConv2dNative") {
    if (weights.size() != 4) return std::nullopt;
    target.rank = 4;
    target.channel_axis = ChannelAxis4D(*node);
    target.channels = node->op == "Conv2D" ? weights[3] : weights[2] * weights[3];
    if (target.channel_axis < 0) return std::nullopt;
  } else if (node->op == "MatMul") {
    auto transpose_b = GetBoolAttrOr(*node, "transpose_b", false);
    if (weights.size() != 2 || !transpose_b.ok()) return std::nullopt;
    target.rank = 2;
    target.channel_axis = 1;
    target.channels = *transpose_b ? weights[0] : weights[1];
    target.channel_stride = *transpose_b ? weights[1] : 1;
  } else {
    return std::nullopt;
  }
  return target;
}

// The fold target whose output `value` is, when `value` is its only use.
std::optional<FoldTarget> FindTarget(const Graph& graph, Output value) {
  Node* bias_add = nullptr;
  if (value.node->op == "BiasAdd") {
    bias_add = value.node;
    if (value.index != 0 || bias_add->inputs.size() != 2 ||
        !IsFloatConst(*bias_add->inputs[1].node) || NumUses(graph, value) != 1) {
      return std::nullopt;
    }
    value = bias_add->inputs[0];
  }
  if (value.index != 0 || NumUses(graph, value) != 1) return std::nullopt;
  std::optional<FoldTarget> target = ProducerTarget(value.node);
  if (!target || bias_add == nullptr) return target;
  auto format = GetStringAttrOr(*bias_add, "data_format", "NHWC");
  if (!format.ok()) return std::nullopt;
  const int bias_axis = *format == "NCHW" ? 1 : target->rank - 1;
  const Tensor& bias = bias_add->inputs[1].node->constant;
  if (bias_axis != target->channel_axis || bias.rank() != 1 || bias.dim(0) != target->channels) {
    return std::nullopt;
  }
  target->bias_add = bias_add;
  return target;
}

// The per-channel values of a constant that, combined elementwise with the target's
// output, varies only along its channel axis and keeps its shape (a scalar, [C],
// [1,1,1,C], [C,1,1] for NCHW, ...); nullopt for any other constant.
std::optional<std::vector<double>> PerChannel(const Tensor& value, const FoldTarget& target) {
  if (value.dtype() != DataType::kFloat || value.rank() > target.rank) return std::nullopt;
  const int offset = target.rank - value.rank();
  for (int i = 0; i < value.rank(); ++i) {
    const bool channel = offset + i == target.channel_axis;
    if (value.dim(i) != 1 && !(channel && value.dim(i) == target.channels)) return std::nullopt;
  }
  std::vector<double> values(target.channels);
  const float* data = value.flat<float>();
  for (int64_t c = 0; c < target.channels; ++c) values[c] = data[value.NumElements() == 1 ? 0 : c];
  return values;
}

std::optional<Fold> MatchFusedBatchNorm(const Graph& graph, Node* node) {
  static const auto* ops =
      new std::set<std::string>{"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"};
  if (!ops->contains(node->op) || node->inputs.size() != 5 || !HasFloatT(*node)) {
    return std::nullopt;
  }
  auto is_training = GetBoolAttrOr(*node, "is_training", true);
  auto epsilon = GetFloatAttrOr(*node, "epsilon", 1e-4f);
  if (!is_training.ok() || *is_training || !epsilon.ok()) return std::nullopt;
  // Outputs 1.. (batch statistics, reserve spaces) have no folded form.
  for (int output = 1; output < 6; ++output) {
    if (NumUses(graph, {node, output}) != 0) return std::nullopt;
  }
  std::optional<FoldTarget> target = FindTarget(graph, node->inputs[0]);
  if (!target || target->rank != 4 || target->channel_axis != ChannelAxis4D(*node)) {
    return std::nullopt;
  }
  Fold fold{node, *target, {}, {}, {}};
  std::vector<const float*> params;  // scale, offset, mean, variance
  for (int i = 1; i < 5; ++i) {
    Node* param = node->inputs[i].node;
    if (!IsFloatConst(*param) || param->constant.shape() != Shape{target->channels}) {
      return std::nullopt;
    }
    params.push_back(param->constant.flat<float>());
    fold.parameters.push_back(param);
  }
  for (int64_t c = 0; c < target->channels; ++c) {
    const double s = params[0][c] / std::sqrt(static_cast<double>(params[3][c]) + *epsilon);
    fold.scale.push_back(s);
    fold.shift.push_back(params[1][c] - params[2][c] * s);
  }
  return fold;
}

// Mul(value, constant), Add / AddV2 (either order) and Sub(value, constant).
std::optional<Fold> MatchElementwise(const Graph& graph, Node* node) {
  const bool scales = node->op == "Mul";
  const bool subtracts = node->op == "Sub";
  if (!(scales || subtracts || node->op == "Add" || node->op == "AddV2") ||
      node->inputs.size() != 2 || !HasFloatT(*node)) {
    return std::nullopt;
  }
  for (int value_input : {0, 1}) {
    if (subtracts && value_input == 1) break;
    Node* constant = node->inputs[1 - value_input].node;
    if (!IsFloatConst(*constant)) continue;
    std::optional<FoldTarget> target = FindTarget(graph, node->inputs[value_input]);
    if (!target) continue;
    std::optional<std::vector<double>> values = PerChannel(constant->constant, *target);
    if (!values) continue;
    Fold fold{node, *target, {}, {}, {constant}};
    if (subtracts) {
      for (double& v : *values) v = -v;
    }
    (scales ? fold.scale : fold.shift) = std::move(*values);
    return fold;
  }
  return std::nullopt;
}

Tensor FloatVector(const std::vector<double>& values) {
  Tensor tensor(DataType::kFloat, {static_cast<int64_t>(values.size())});
  float* data = tensor.flat<float>();
  for (size_t i = 0; i < values.size(); ++i) data[i] = static_cast<float>(values[i]);
  return tensor;
}

// Points input `index` of `node` at a new constant `value`, which waits for what the
// constant it replaces and the norm's parameters waited for.
void ReplaceConstInput(Graph& graph, Node* node, int index, Tensor value,
                       const std::vector<Node*>& parameters) {
  Node* old = node->inputs[index].node;
  std::vector<Node*> sources = parameters;
  sources.push_back(old);
  Node* replacement =
      AddConst(graph, old->name + "/folded", std::move(value), ControlsThroughConsts(sources));
  node->inputs[index] = {replacement, 0};
}

void ApplyFold(Graph& graph, const Fold& fold) {
  const FoldTarget& target = fold.target;
  if (!fold.scale.empty()) {
    // The weights as [outer, channels, channel_stride]: scale along the middle axis.
    Tensor weights = target.producer->inputs[1].node->constant.Clone();
    float* w = weights.flat<float>();
    const int64_t outer = weights.NumElements() / (target.channels * target.channel_stride);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t c = 0; c < target.channels; ++c) {
        for (int64_t s = 0; s < target.channel_stride; ++s, ++w) {
          *w = static_cast<float>(*w * fold.scale[c]);
        }
      }
    }
    ReplaceConstInput(graph, target.producer, 1, std::move(weights), fold.parameters);
  }
  Node* norm = fold.norm;
  if (target.bias_add == nullptr && !fold.shift.empty()) {
    // The norm itself becomes the BiasAdd, keeping its name and uses.
    Node* bias = AddConst(graph, norm->name + "/bias", FloatVector(fold.shift),
                          ControlsThroughConsts(fold.parameters));
    const bool nchw = target.rank == 4 && target.channel_axis == 1;
    norm->op = "BiasAdd";
    const PartialShape recorded = RecordedOutputShape(*norm, 0);
    norm->attrs = {{"T", TypeAttr(DataType::kFloat)},
                   {"data_format", StringAttr(nchw ? "NCHW" : "NHWC")},
                   {kRecordedShapesAttr, ShapeListAttr({recorded})}};
    norm->inputs = {{target.producer, 0}, {bias, 0}};
    return;
  }
  if (target.bias_add != nullptr) {
    const float* old_bias = target.bias_add->inputs[1].node->constant.flat<float>();
    std::vector<double> bias(old_bias, old_bias + target.channels);
    for (int64_t c = 0; c < target.channels; ++c) {
      if (!fold.scale.empty()) bias[c] *= fold.scale[c];
      if (!fold.shift.empty()) bias[c] += fold.shift[c];
    }
    ReplaceConstInput(graph, target.bias_add, 1, FloatVector(bias), fold.parameters);
  }
  Node* result = target.result();
  graph.ReplaceUses({norm, 0}, {result, 0});
  graph.ReplaceControlUses(norm, result);
  graph.RemoveNode(norm);
}

}  // namespace

// One sweep in topological order folds all: a norm's folds edit only nodes before it
// (its target) and itself, and a Mul's fold gives the Add after it its target.
Status FoldBatchNorm(Graph& graph) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<Node*> order, TopologicalOrder(graph, /*only_needed=*/true));
  for (Node* node : order) {
    // A norm that waits for something would have to hand that wait on; TF puts waits on
    // stateful ops, not on arithmetic, so such norms are left alone.
    if (!node->control_inputs.empty()) continue;
    std::optional<Fold> fold = MatchFusedBatchNorm(graph, node);
    if (!fold) fold = MatchElementwise(graph, node);
    if (fold) ApplyFold(graph, *fold);
  }
  return RemoveUnneededNodes(graph);
}

}  // namespace tftrt
