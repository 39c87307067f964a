#include "engine/layer_norm_folding.h"

#include <optional>
#include <vector>

#include "engine/network_view.h"
#include "engine/remove_layers.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

bool IsAdd(const EngineLayer& layer) { return layer.op() == "AddV2" || layer.op() == "Add"; }

class LayerNormMatcher {
 public:
  explicit LayerNormMatcher(const EngineNetwork& network) : view_(network) {}

  struct Match {
    int x = -1;
    EngineOperand gamma, beta;
    float epsilon = 0.0f;
    std::vector<int> folded;  // the other ten layers
  };

  // The pattern (layer_norm_folding.h) ending at layer `index`, the final add; nullopt when
  // it is not one.
  std::optional<Match> At(int index) const {
    const EngineLayer& out = view_.layer(index);
    if (!IsAdd(out) || out.input_size() != 2 || out.output_size() != 1 ||
        !out.input(0).has_tensor() || !out.input(1).has_tensor()) {
      return std::nullopt;
    }
    for (int side = 0; side < 2; ++side) {
      std::optional<Match> match = WithScaledInputOn(out, side);
      if (match.has_value()) return match;
    }
    return std::nullopt;
  }

 private:
  // The layer that writes `tensor` when it has op `op` (an add for "Add") and exactly
  // `readers` readers, all inside the pattern; -1 otherwise.
  int Inner(int tensor, const char* op, int readers = 1) const {
    if (view_.Readers(tensor) != readers) return -1;
    const int producer = view_.Producer(tensor);
    if (producer < 0) return -1;
    const EngineLayer& layer = view_.layer(producer);
    const bool matches = std::string(op) == "Add" ? IsAdd(layer) : layer.op() == op;
    return matches && layer.output_size() == 1 ? producer : -1;
  }
  int Inner(const EngineOperand& operand, const char* op, int readers = 1) const {
    return operand.has_tensor() ? Inner(operand.tensor(), op, readers) : -1;
  }

  // Whether layer `index` is Mean(x, [last axis], keep_dims=true) of tensor `x`.
  bool IsLastAxisMean(int index, int x) const {
    const EngineLayer& mean = view_.layer(index);
    if (mean.input_size() != 2 || !mean.input(0).has_tensor() || mean.input(0).tensor() != x ||
        !mean.input(1).has_weight()) {
      return false;
    }
    auto keep = mean.attr().find("keep_dims");
    if (keep == mean.attr().end() || !keep->second.b()) return false;
    StatusOr<Tensor> axes = TensorFromProto(mean.input(1).weight());
    if (!axes.ok() || axes->NumElements() != 1) return false;
    const int64_t axis =
        axes->dtype() == DataType::kInt64 ? axes->flat<int64_t>()[0] : axes->flat<int32_t>()[0];
    const int64_t rank = static_cast<int64_t>(view_.Dims(x).size());
    return rank > 0 && (axis == -1 || axis == rank - 1);
  }

  // out = Add(x * s, (-m) * s + beta) with x * s on input `side` of `out`.
  std::optional<Match> WithScaledInputOn(const EngineLayer& out, int side) const {
    const int scaled_x = Inner(out.input(side), "Mul");
    const int shifted = Inner(out.input(1 - side), "Add");
    if (scaled_x < 0 || shifted < 0) return std::nullopt;
    const EngineLayer& add = view_.layer(shifted);
    const int beta_side = 1 - TensorInputOfBinary(add);
    if (beta_side > 1) return std::nullopt;  // TensorInputOfBinary gave -1
    const int mean_scaled = Inner(add.input(1 - beta_side), "Mul");
    if (mean_scaled < 0) return std::nullopt;
    for (int order = 0; order < 2; ++order) {
      std::optional<Match> match =
          WithMeanScaled(view_.layer(mean_scaled), order, view_.layer(scaled_x));
      if (!match.has_value()) continue;
      match->beta = add.input(beta_side);
      const std::optional<Tensor> beta = LastDimVectorWeight(match->beta);
      const std::vector<int64_t> dims = view_.Dims(match->x);
      if (!beta.has_value() || dims.empty() || beta->NumElements() != dims.back()) continue;
      match->folded.insert(match->folded.end(),
                           {view_.Producer(out.input(side).tensor()), shifted, mean_scaled});
      return match;
    }
    return std::nullopt;
  }

  // (-m) * s with -m on input `order` of `mul`; `scaled_x` must be x * s.
  std::optional<Match> WithMeanScaled(const EngineLayer& mul, int order,
                                      const EngineLayer& scaled_x) const {
    const int neg = Inner(mul.input(order), "Neg");
    if (neg < 0 || !mul.input(1 - order).has_tensor()) return std::nullopt;
    const int s_tensor = mul.input(1 - order).tensor();
    const int scale = Inner(s_tensor, "Mul", /*readers=*/2);
    if (scale < 0) return std::nullopt;
    // s = Rsqrt(v + epsilon) * gamma
    const EngineLayer& scale_layer = view_.layer(scale);
    const int gamma_side = 1 - TensorInputOfBinary(scale_layer);
    if (gamma_side > 1) return std::nullopt;
    const int rsqrt = Inner(scale_layer.input(1 - gamma_side), "Rsqrt");
    if (rsqrt < 0) return std::nullopt;
    const int plus_epsilon = Inner(view_.layer(rsqrt).input(0), "Add");
    if (plus_epsilon < 0) return std::nullopt;
    const EngineLayer& add = view_.layer(plus_epsilon);
    const int epsilon_side = 1 - TensorInputOfBinary(add);
    if (epsilon_side > 1) return std::nullopt;
    const std::optional<float> epsilon = ScalarWeight(add.input(epsilon_side));
    const int variance = Inner(add.input(1 - epsilon_side), "Mean");
    if (!epsilon.has_value() || variance < 0) return std::nullopt;
    // v = Mean(SquaredDifference(x, m)), m = Mean(x): m is read by the difference and -m.
    const EngineOperand& m_operand = view_.layer(neg).input(0);
    const int mean = Inner(m_operand, "Mean", /*readers=*/2);
    if (mean < 0 || !view_.layer(mean).input(0).has_tensor()) return std::nullopt;
    const int x = view_.layer(mean).input(0).tensor();
    const int difference = Inner(view_.layer(variance).input(0), "SquaredDifference");
    if (difference < 0 || !IsLastAxisMean(mean, x) ||
        !IsLastAxisMean(variance, view_.layer(variance).input(0).tensor()) ||
        !ReadsBoth(view_.layer(difference), x, m_operand.tensor()) ||
        !ReadsBoth(scaled_x, x, s_tensor)) {
      return std::nullopt;
    }
    Match match;
    match.x = x;
    match.gamma = scale_layer.input(gamma_side);
    const std::optional<Tensor> gamma = LastDimVectorWeight(match.gamma);
    if (!gamma.has_value() || gamma->NumElements() != view_.Dims(x).back()) return std::nullopt;
    match.epsilon = *epsilon;
    match.folded = {neg, scale, rsqrt, plus_epsilon, variance, difference, mean};
    return match;
  }

  // Whether a two-input layer reads tensors a and b, in either order.
  static bool ReadsBoth(const EngineLayer& layer, int a, int b) {
    if (layer.input_size() != 2 || !layer.input(0).has_tensor() || !layer.input(1).has_tensor()) {
      return false;
    }
    const int first = layer.input(0).tensor(), second = layer.input(1).tensor();
    return (first == a && second == b) || (first == b && second == a);
  }

  NetworkView view_;
};

}  // namespace

int FoldLayerNorms(EngineNetwork* network) {
  std::vector<bool> removed(network->layer_size(), false);
  std::vector<std::pair<int, LayerNormMatcher::Match>> rewrites;  // (the final add, its match)
  {
    // Matches never overlap (their intermediates are read only inside), so one view serves
    // them all; the rewrites come after the matching.
    const LayerNormMatcher matcher(*network);
    for (int i = 0; i < network->layer_size(); ++i) {
      std::optional<LayerNormMatcher::Match> match = matcher.At(i);
      if (!match.has_value()) continue;
      for (int layer : match->folded) removed[layer] = true;
      rewrites.emplace_back(i, std::move(*match));
    }
  }
  for (auto& [index, match] : rewrites) {
    EngineLayer* layer = network->mutable_layer(index);
    layer->set_op(kLayerNormOp);
    layer->set_kind(LAYER_KIND_NORMALIZATION);
    layer->clear_input();
    layer->add_input()->set_tensor(match.x);
    *layer->add_input() = std::move(match.gamma);
    *layer->add_input() = std::move(match.beta);
    (*layer->mutable_attr())["epsilon"].set_f(match.epsilon);
    for (int f : match.folded) layer->add_fused_node(network->layer(f).name());
  }
  RemoveLayers(removed, network);
  return static_cast<int>(rewrites.size());
}

}  // namespace tftrt
