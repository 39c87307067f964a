#include "engine/qkv_packing.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/attention_folding.h"
#include "engine/network_view.h"
#include "engine/remove_layers.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

bool IsProductOp(const std::string& op) {
  return op == "MatMul" || op == "BatchMatMul" || op == "BatchMatMulV2" || op == "BatchMatMulV3";
}

bool IsBiasAdd(const EngineEpilogueStep& step) {
  return (step.op() == "BiasAdd" || step.op() == "Add" || step.op() == "AddV2") &&
         step.has_operand() && step.operand().has_weight();
}

// x . w (+ bias): an untransposed product of a tensor by a weight, with at most a bias.
bool IsProjection(const EngineLayer& layer) {
  return IsProductOp(layer.op()) && layer.input_size() == 2 && layer.input(0).has_tensor() &&
         layer.input(1).has_weight() && !layer.matmul().transpose_a() &&
         !layer.matmul().transpose_b() && layer.output_size() == 1 &&
         (layer.epilogue_size() == 0 ||
          (layer.epilogue_size() == 1 && IsBiasAdd(layer.epilogue(0))));
}

// One of q, k, v: the projection, the Reshape after it, their weight and bias (as float32).
struct Projection {
  int product = -1, reshape = -1;
  Tensor weight;               // [e, n * h]
  std::optional<Tensor> bias;  // n * h values
};

class QkvMatcher {
 public:
  explicit QkvMatcher(const EngineNetwork& network) : view_(network) {}

  // q, k, v of the attention layer `index` when they are packable projections (qkv_packing.h).
  std::optional<std::array<Projection, 3>> At(int index) const {
    const EngineLayer& attention = view_.layer(index);
    if (attention.op() != kAttentionOp ||
        (attention.input_size() != 3 && attention.input_size() != 4)) {
      return std::nullopt;
    }
    std::array<Projection, 3> qkv;
    for (int i = 0; i < 3; ++i) {
      if (!attention.input(i).has_tensor()) return std::nullopt;
      std::optional<Projection> projection = ProjectionOf(attention.input(i).tensor());
      if (!projection.has_value()) return std::nullopt;
      qkv[i] = std::move(*projection);
    }
    const EngineLayer& q = view_.layer(qkv[0].product);
    const std::vector<int64_t> dims = view_.Dims(attention.input(0).tensor());
    if (dims.size() != 4) return std::nullopt;
    // q, k and v are distinct: each is read once (by the attention), as is each projection.
    for (int i = 0; i < 3; ++i) {
      const EngineLayer& product = view_.layer(qkv[i].product);
      const int reshaped = attention.input(i).tensor();
      if (product.input(0).tensor() != q.input(0).tensor() ||
          product.precision() != q.precision() || view_.Dims(reshaped) != dims ||
          qkv[i].weight.shape() != qkv[0].weight.shape() ||
          qkv[i].weight.shape() != Shape{qkv[0].weight.dim(0), dims[2] * dims[3]} ||
          qkv[i].bias.has_value() != qkv[0].bias.has_value() ||
          (qkv[i].bias.has_value() && qkv[i].bias->NumElements() != dims[2] * dims[3])) {
        return std::nullopt;
      }
    }
    return qkv;
  }

 private:
  // The projection whose Reshape writes `tensor`, each read only once.
  std::optional<Projection> ProjectionOf(int tensor) const {
    Projection p;
    p.reshape = Single(tensor, "Reshape");
    if (p.reshape < 0) return std::nullopt;
    const EngineLayer& reshape = view_.layer(p.reshape);
    if (reshape.epilogue_size() != 0 || reshape.input_size() != 2 ||
        !reshape.input(0).has_tensor() || !reshape.input(1).has_weight()) {
      return std::nullopt;
    }
    p.product = Single(reshape.input(0).tensor(), "");
    if (p.product < 0 || !IsProjection(view_.layer(p.product))) return std::nullopt;
    const EngineLayer& product = view_.layer(p.product);
    std::optional<Tensor> weight = FloatWeight(product.input(1));
    if (!weight.has_value() || weight->rank() != 2) return std::nullopt;
    p.weight = std::move(*weight);
    if (product.epilogue_size() == 1) {
      p.bias = FloatWeight(product.epilogue(0).operand());
      if (!p.bias.has_value()) return std::nullopt;
    }
    return p;
  }

  // The layer that writes `tensor` (with op `op`, any when empty) as its only output, when
  // the tensor has exactly one reader; -1 otherwise.
  int Single(int tensor, const char* op) const {
    if (view_.Readers(tensor) != 1) return -1;
    const int producer = view_.Producer(tensor, op);
    return producer >= 0 && view_.layer(producer).output_size() == 1 ? producer : -1;
  }

  NetworkView view_;
};

// [e, n] weights side by side: [e, 3 n].
Tensor ConcatColumns(const std::array<Projection, 3>& qkv) {
  const int64_t rows = qkv[0].weight.dim(0), columns = qkv[0].weight.dim(1);
  Tensor packed(DataType::kFloat, {rows, 3 * columns});
  float* out = packed.flat<float>();
  for (int64_t r = 0; r < rows; ++r) {
    for (const Projection& p : qkv) {
      const float* row = p.weight.flat<float>() + r * columns;
      out = std::copy(row, row + columns, out);
    }
  }
  return packed;
}

Tensor ConcatBiases(const std::array<Projection, 3>& qkv) {
  const int64_t n = qkv[0].bias->NumElements();
  Tensor packed(DataType::kFloat, {3 * n});
  for (int i = 0; i < 3; ++i) {
    std::copy(qkv[i].bias->flat<float>(), qkv[i].bias->flat<float>() + n,
              packed.flat<float>() + i * n);
  }
  return packed;
}

// A Reshape's shape operand [d0, d1, n, h] as [d0, d1, 3, n, h] (its int dtype kept).
Status PackedReshapeShape(EngineOperand* shape) {
  TFTRT_ASSIGN_OR_RETURN(Tensor old, TensorFromProto(shape->weight()));
  if (old.NumElements() != 4 ||
      (old.dtype() != DataType::kInt32 && old.dtype() != DataType::kInt64)) {
    return Status::InvalidArgument("a Reshape to [b, s, n, h] has the shape " + old.DebugString());
  }
  Tensor packed(old.dtype(), {5});
  const std::array<int, 5> from = {0, 1, -1, 2, 3};
  for (int i = 0; i < 5; ++i) {
    if (old.dtype() == DataType::kInt32) {
      packed.flat<int32_t>()[i] = from[i] < 0 ? 3 : old.flat<int32_t>()[from[i]];
    } else {
      packed.flat<int64_t>()[i] = from[i] < 0 ? 3 : old.flat<int64_t>()[from[i]];
    }
  }
  TensorToProto(packed, shape->mutable_weight());
  return Status::Ok();
}

// Rewrites q's projection and Reshape into the packed ones and the attention to read them;
// marks k's and v's layers removed.
Status Pack(const std::array<Projection, 3>& qkv, int attention_index, EngineNetwork* network,
            std::vector<bool>* removed) {
  EngineLayer* product = network->mutable_layer(qkv[0].product);
  EngineLayer* reshape = network->mutable_layer(qkv[0].reshape);
  TFTRT_RETURN_IF_ERROR(PackedReshapeShape(reshape->mutable_input(1)));
  TensorToProto(ConcatColumns(qkv), product->mutable_input(1)->mutable_weight());
  if (qkv[0].bias.has_value()) {
    TensorToProto(ConcatBiases(qkv),
                  product->mutable_epilogue(0)->mutable_operand()->mutable_weight());
  }
  EngineTensor* projected = network->mutable_tensor(product->output(0));
  projected->set_dim(projected->dim_size() - 1, 3 * projected->dim(projected->dim_size() - 1));
  EngineTensor* packed = network->mutable_tensor(reshape->output(0));
  const std::vector<int64_t> dims(packed->dim().begin(), packed->dim().end());
  packed->clear_dim();
  for (int64_t d : {dims[0], dims[1], int64_t{3}, dims[2], dims[3]}) packed->add_dim(d);
  for (int i = 1; i < 3; ++i) {
    const std::pair<int, EngineLayer*> folded[] = {{qkv[i].product, product},
                                                   {qkv[i].reshape, reshape}};
    for (auto [layer, into] : folded) {
      (*removed)[layer] = true;
      into->add_fused_node(network->layer(layer).name());
      for (const std::string& name : network->layer(layer).fused_node()) {
        into->add_fused_node(name);
      }
    }
  }
  EngineLayer* attention = network->mutable_layer(attention_index);
  const std::optional<EngineOperand> mask =
      attention->input_size() == 4 ? std::optional(attention->input(3)) : std::nullopt;
  attention->clear_input();
  attention->add_input()->set_tensor(reshape->output(0));
  if (mask.has_value()) *attention->add_input() = *mask;
  return Status::Ok();
}

}  // namespace

int PackQkvProjections(EngineNetwork* network) {
  std::vector<std::pair<int, std::array<Projection, 3>>> matches;
  {
    // Matches never overlap (every layer in one is read only inside it), so one view
    // serves them all; the rewrites come after the matching.
    const QkvMatcher matcher(*network);
    for (int i = 0; i < network->layer_size(); ++i) {
      if (std::optional<std::array<Projection, 3>> qkv = matcher.At(i)) {
        matches.emplace_back(i, std::move(*qkv));
      }
    }
  }
  std::vector<bool> removed(network->layer_size(), false);
  int packed = 0;
  for (const auto& [attention, qkv] : matches)
    packed += Pack(qkv, attention, network, &removed).ok();
  RemoveLayers(removed, network);
  return packed;
}

}  // namespace tftrt
