#include "engine/gelu_folding.h"

#include <cmath>
#include <optional>
#include <vector>

#include "engine/network_view.h"
#include "engine/remove_layers.h"

namespace tftrt {
namespace {

// How far a matched constant may be from 1/sqrt(2): FP16 engines store it as half
// (0.70703125).
constexpr float kInvSqrt2Tolerance = 1e-3f;

// The tensor x when `layer` is Mul(x, c) or Mul(c, x) with scalar weight c within
// `tolerance` of `value`; -1 otherwise.
int ScaledBy(const EngineLayer& layer, float value, float tolerance) {
  if (layer.op() != "Mul") return -1;
  const int t = TensorInputOfBinary(layer);
  if (t < 0) return -1;
  const std::optional<float> c = ScalarWeight(layer.input(1 - t));
  if (!c.has_value() || std::fabs(*c - value) > tolerance) return -1;
  return layer.input(t).tensor();
}

class GeluMatcher {
 public:
  explicit GeluMatcher(const EngineNetwork& network) : view_(network) {}

  // The layers that compute y = (0.5 * x) * erfc((-x) * 1/sqrt2) when layer `index` is the
  // last Mul, with x; nullopt otherwise.
  struct Match {
    int x = -1;
    std::vector<int> folded;  // the other four layers
  };
  std::optional<Match> At(int index) const {
    const EngineLayer& y = view_.layer(index);
    if (y.op() != "Mul" || y.input_size() != 2 || y.output_size() != 1 ||
        !y.input(0).has_tensor() || !y.input(1).has_tensor()) {
      return std::nullopt;
    }
    for (int erfc_side = 0; erfc_side < 2; ++erfc_side) {
      std::optional<Match> match = WithErfcOn(y, erfc_side);
      if (match.has_value()) return match;
    }
    return std::nullopt;
  }

 private:
  // An intermediate tensor that layer `op` writes and only the pattern reads: its layer.
  int Inner(int tensor, const char* op) const {
    return view_.Readers(tensor) == 1 ? view_.Producer(tensor, op) : -1;
  }

  std::optional<Match> WithErfcOn(const EngineLayer& y, int erfc_side) const {
    const int erfc = Inner(y.input(erfc_side).tensor(), "Erfc");
    const int half = Inner(y.input(1 - erfc_side).tensor(), "Mul");
    if (erfc < 0 || half < 0 || !view_.layer(erfc).input(0).has_tensor()) return std::nullopt;
    const int scaled = Inner(view_.layer(erfc).input(0).tensor(), "Mul");
    if (scaled < 0) return std::nullopt;
    const int negated_tensor =
        ScaledBy(view_.layer(scaled), static_cast<float>(M_SQRT1_2), kInvSqrt2Tolerance);
    const int neg = negated_tensor < 0 ? -1 : Inner(negated_tensor, "Neg");
    if (neg < 0 || !view_.layer(neg).input(0).has_tensor()) return std::nullopt;
    const int x = view_.layer(neg).input(0).tensor();
    if (ScaledBy(view_.layer(half), 0.5f, 0.0f) != x) return std::nullopt;
    return Match{x, {half, neg, scaled, erfc}};
  }

  NetworkView view_;
};

}  // namespace

int FoldGelus(EngineNetwork* network) {
  std::vector<bool> removed(network->layer_size(), false);
  // Matches never overlap (each intermediate has one reader), so one view serves them all;
  // the rewrites come after the matching.
  const GeluMatcher matcher(*network);
  std::vector<std::pair<int, GeluMatcher::Match>> rewrites;  // (the last Mul, its match)
  for (int i = 0; i < network->layer_size(); ++i) {
    std::optional<GeluMatcher::Match> match = matcher.At(i);
    if (!match.has_value()) continue;
    for (int layer : match->folded) removed[layer] = true;
    rewrites.emplace_back(i, std::move(*match));
  }
  for (const auto& [index, match] : rewrites) {
    EngineLayer* layer = network->mutable_layer(index);
    layer->set_op(kGeluOp);
    layer->clear_input();
    layer->add_input()->set_tensor(match.x);
    for (int f : match.folded) layer->add_fused_node(network->layer(f).name());
  }
  RemoveLayers(removed, network);
  return static_cast<int>(rewrites.size());
}

}  // namespace tftrt
