#include "engine/attention_folding.h"

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "engine/network_view.h"
#include "engine/remove_layers.h"
#include "kernels/cpu/attention.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// `equation` with its labels renamed a, b, c, ... in order of first appearance, so that
// equations that differ only in their letters compare equal; "" for one with an ellipsis.
std::string Canonical(const std::string& equation) {
  if (equation.find('.') != std::string::npos) return "";
  std::string names, canonical;
  for (char c : equation) {
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      canonical += c;
      continue;
    }
    size_t index = names.find(c);
    if (index == std::string::npos) {
      index = names.size();
      names += c;
    }
    canonical += static_cast<char>('a' + index);
  }
  return canonical;
}

// The scores einsum of one attention axis, [b, n, t, s] from q [b, t, n, h] and k [b, s, n, h]:
// Keras 3 writes "BTNH,BSNH->BNTS" on (query, key), Keras 2 "aecd,abcd->acbe" on (key, query).
constexpr char kScoresFromQueryKey[] = "abcd,aecd->acbe";
constexpr char kScoresFromKeyQuery[] = "abcd,aecd->aceb";
// The output einsum, [b, t, n, h] from the probabilities [b, n, t, s] and v [b, s, n, h]:
// "BNTS,BSNH->BTNH" (Keras 3), "acbe,aecd->abcd" (Keras 2).
constexpr char kOutput[] = "abcd,adbe->acbe";

bool IsEinsum(const EngineLayer& layer) {
  return layer.op() == "Einsum" && layer.input_size() == 2 && layer.input(0).has_tensor() &&
         layer.input(1).has_tensor();
}

// Whether a weight operand is boolean and all true.
bool IsAllTrueWeight(const EngineOperand& operand) {
  if (!operand.has_weight()) return false;
  StatusOr<Tensor> value = TensorFromProto(operand.weight());
  if (!value.ok() || value->dtype() != DataType::kBool) return false;
  for (int64_t i = 0; i < value->NumElements(); ++i) {
    if (!value->flat<bool>()[i]) return false;
  }
  return true;
}

class AttentionMatcher {
 public:
  explicit AttentionMatcher(const EngineNetwork& network) : view_(network) {}

  struct Match {
    int q = -1, k = -1, v = -1;
    int mask = -1;  // a tensor; -1: none
    float scale = 1.0f;
    float mask_value = 0.0f;
    std::vector<int> folded;  // the other layers
  };

  // The pattern (attention_folding.h) ending at layer `index`, the output Einsum; nullopt
  // when it is not one.
  std::optional<Match> At(int index) const {
    const EngineLayer& out = view_.layer(index);
    if (!IsEinsum(out) || Canonical(out.matmul().equation()) != kOutput) return std::nullopt;
    const int softmax = Inner(out.input(0).tensor(), "Softmax");
    if (softmax < 0 || !view_.layer(softmax).input(0).has_tensor()) return std::nullopt;
    Match match;
    match.v = out.input(1).tensor();
    match.folded.push_back(softmax);
    int scores = view_.layer(softmax).input(0).tensor();
    if (const int select = Inner(scores, "SelectV2"); select >= 0) {
      if (!TakeSelect(select, &match, &scores)) return std::nullopt;
    }
    if (const int mul = Inner(scores, "Mul"); mul >= 0) {
      const EngineLayer& layer = view_.layer(mul);
      const int side = TensorInputOfBinary(layer);
      const std::optional<float> scale =
          side < 0 ? std::nullopt : ScalarWeight(layer.input(1 - side));
      if (!scale.has_value()) return std::nullopt;
      match.scale = *scale;
      match.folded.push_back(mul);
      scores = layer.input(side).tensor();
    }
    const int dot = Inner(scores, "Einsum");
    if (dot < 0 || !IsEinsum(view_.layer(dot))) return std::nullopt;
    const EngineLayer& product = view_.layer(dot);
    const std::string equation = Canonical(product.matmul().equation());
    if (equation != kScoresFromQueryKey && equation != kScoresFromKeyQuery) return std::nullopt;
    const bool query_first = equation == kScoresFromQueryKey;
    match.q = product.input(query_first ? 0 : 1).tensor();
    match.k = product.input(query_first ? 1 : 0).tensor();
    match.folded.push_back(dot);
    if (!ShapesFold(match)) return std::nullopt;
    return match;
  }

 private:
  // The layer that writes `tensor` with op `op` when the tensor has exactly one reader (so
  // it is read only inside the pattern); -1 otherwise.
  int Inner(int tensor, const char* op) const {
    if (view_.Readers(tensor) != 1) return -1;
    const int producer = view_.Producer(tensor, op);
    return producer >= 0 && view_.layer(producer).output_size() == 1 ? producer : -1;
  }

  // SelectV2(mask, scores, mask_value): the mask, the scores tensor and the layers folded
  // with it (an all-true LogicalAnd operand, the Fill that made it).
  bool TakeSelect(int select, Match* match, int* scores) const {
    const EngineLayer& layer = view_.layer(select);
    if (layer.input_size() != 3 || !layer.input(0).has_tensor() || !layer.input(1).has_tensor()) {
      return false;
    }
    const std::optional<float> value = ScalarWeight(layer.input(2));
    if (!value.has_value()) return false;
    match->mask_value = *value;
    match->mask = layer.input(0).tensor();
    match->folded.push_back(select);
    *scores = layer.input(1).tensor();
    SkipAllTrueAnd(match);
    return true;
  }

  // mask = LogicalAnd(all true, m) -> m: Keras ands the attention mask with ones_like(scores).
  void SkipAllTrueAnd(Match* match) const {
    const int logical_and = Inner(match->mask, "LogicalAnd");
    if (logical_and < 0) return;
    const EngineLayer& layer = view_.layer(logical_and);
    if (layer.input_size() != 2) return;
    for (int side = 0; side < 2; ++side) {
      const EngineOperand& other = layer.input(1 - side);
      if (!other.has_tensor()) continue;
      const EngineOperand& ones = layer.input(side);
      if (IsAllTrueWeight(ones)) {
        match->folded.push_back(logical_and);
        match->mask = other.tensor();
        return;
      }
      const int fill = ones.has_tensor() ? Inner(ones.tensor(), "Fill") : -1;
      if (fill >= 0 && view_.layer(fill).input_size() == 2 &&
          IsAllTrueWeight(view_.layer(fill).input(1))) {
        match->folded.insert(match->folded.end(), {logical_and, fill});
        match->mask = other.tensor();
        return;
      }
    }
  }

  // q [b, t, n, h], k and v [b, s, n, h], h % 8 == 0 and h <= kMaxAttentionHeadDim; the mask
  // broadcasts to [b, n, t, s] with 1 along the heads.
  bool ShapesFold(const Match& match) const {
    const std::vector<int64_t> q = view_.Dims(match.q), k = view_.Dims(match.k),
                               v = view_.Dims(match.v);
    if (q.size() != 4 || k.size() != 4 || k != v || q[0] != k[0] || q[2] != k[2] || q[3] != k[3] ||
        q[3] % 8 != 0 || q[3] > kMaxAttentionHeadDim) {
      return false;
    }
    if (match.mask < 0) return true;
    std::optional<std::array<int64_t, 4>> strides =
        AttentionMaskStrides(view_.Dims(match.mask), {q[0], q[2], q[1], k[1]});
    return strides.has_value() && (*strides)[1] == 0;  // one value for every head
  }

  NetworkView view_;
};

}  // namespace

int FoldAttentions(EngineNetwork* network) {
  std::vector<bool> removed(network->layer_size(), false);
  std::vector<std::pair<int, AttentionMatcher::Match>> rewrites;  // (the output Einsum, match)
  {
    // Matches never overlap (their intermediates are read only inside), so one view serves
    // them all; the rewrites come after the matching.
    const AttentionMatcher matcher(*network);
    for (int i = 0; i < network->layer_size(); ++i) {
      std::optional<AttentionMatcher::Match> match = matcher.At(i);
      if (!match.has_value()) continue;
      for (int layer : match->folded) removed[layer] = true;
      rewrites.emplace_back(i, std::move(*match));
    }
  }
  for (auto& [index, match] : rewrites) {
    EngineLayer* layer = network->mutable_layer(index);
    layer->set_op(kAttentionOp);
    layer->set_kind(LAYER_KIND_MATMUL);
    layer->clear_matmul();
    layer->clear_input();
    for (int tensor : {match.q, match.k, match.v, match.mask}) {
      if (tensor >= 0) layer->add_input()->set_tensor(tensor);
    }
    (*layer->mutable_attr())["scale"].set_f(match.scale);
    if (match.mask >= 0) (*layer->mutable_attr())["mask_value"].set_f(match.mask_value);
    for (int f : match.folded) layer->add_fused_node(network->layer(f).name());
  }
  RemoveLayers(removed, network);
  return static_cast<int>(rewrites.size());
}

}  // namespace tftrt
