#include "engine/fusion.h"

#include <algorithm>
#include <map>
#include <vector>

#include "engine/ops/op_converter.h"
#include "engine/remove_layers.h"

namespace tftrt {
namespace {

bool IsFloatLayer(const EngineLayer& layer) {
  auto it = layer.attr().find("T");
  return it != layer.attr().end() &&
         (it->second.type() == tensorflow::DT_FLOAT || it->second.type() == tensorflow::DT_HALF);
}

// Whether `layer` may become an epilogue step, and its fusion role.
FusionRole StepRole(const EngineLayer& layer) {
  const OpConverter* converter = ConverterTable::Global().Find(layer.op());
  if (converter == nullptr || layer.output_size() != 1 || !IsFloatLayer(layer)) {
    return FusionRole::kNone;
  }
  if (layer.op() == "BiasAdd") {
    auto it = layer.attr().find("data_format");
    if (it != layer.attr().end() && it->second.s() != "NHWC") return FusionRole::kNone;
  }
  const int arity = converter->fusion == FusionRole::kUnary ? 1 : 2;
  return layer.input_size() == arity ? converter->fusion : FusionRole::kNone;
}

class Fuser {
 public:
  explicit Fuser(EngineNetwork* network) : network_(network) {
    for (int i = 0; i < network->layer_size(); ++i) {
      const EngineLayer& layer = network->layer(i);
      for (const EngineOperand& operand : layer.input()) CountUse(operand);
      for (int tensor : layer.output()) producer_[tensor] = i;
    }
    // A network output must stay a layer output of its own.
    for (const EngineBinding& output : network->output()) uses_[output.tensor()] += 2;
  }

  int Run() {
    std::vector<bool> removed(network_->layer_size(), false);
    int fused = 0;
    for (int i = 0; i < network_->layer_size(); ++i) {
      if (TryFold(i)) {
        removed[i] = true;
        ++fused;
      }
    }
    RemoveLayers(removed, network_);
    return fused;
  }

 private:
  void CountUse(const EngineOperand& operand) {
    if (operand.has_tensor()) ++uses_[operand.tensor()];
  }

  // The layer that folds a step reading `tensor` as its running value, or -1.
  int FoldTarget(int tensor) const {
    auto it = producer_.find(tensor);
    if (it == producer_.end() || uses_.at(tensor) != 1) return -1;
    const EngineLayer& producer = network_->layer(it->second);
    return producer.output_size() == 1 ? it->second : -1;
  }

  // Whether two tensors have one dtype and shape: a step that broadcasts its running value
  // to a larger shape cannot run in place on the producer's output.
  bool SameTensorType(int a, int b) const {
    if (a >= network_->tensor_size() || b >= network_->tensor_size()) return false;
    const EngineTensor& x = network_->tensor(a);
    const EngineTensor& y = network_->tensor(b);
    return x.dtype() == y.dtype() &&
           std::equal(x.dim().begin(), x.dim().end(), y.dim().begin(), y.dim().end());
  }

  // Whether `operand` is available when layer `target` runs.
  bool AvailableAt(const EngineOperand& operand, int target) const {
    if (!operand.has_tensor()) return true;
    auto it = producer_.find(operand.tensor());
    return it == producer_.end() || it->second < target;
  }

  bool TryFold(int index) {
    const EngineLayer& layer = network_->layer(index);
    const FusionRole role = StepRole(layer);
    if (role == FusionRole::kNone) return false;
    for (int main = 0; main < layer.input_size(); ++main) {
      if (!layer.input(main).has_tensor()) continue;
      const int target = FoldTarget(layer.input(main).tensor());
      if (target < 0 || !SameTensorType(layer.input(main).tensor(), layer.output(0))) continue;
      EngineEpilogueStep step;
      if (role == FusionRole::kBinary) {
        const EngineOperand& other = layer.input(1 - main);
        if (!AvailableAt(other, target)) continue;
        *step.mutable_operand() = other;
        step.set_operand_first(main == 1);
      }
      step.set_op(layer.op());
      *step.mutable_attr() = layer.attr();
      if (FoldThroughReshape(target, layer, step)) return true;
      EngineLayer* host = network_->mutable_layer(target);
      *host->add_epilogue() = std::move(step);
      host->add_fused_node(layer.name());
      host->set_output(0, layer.output(0));
      producer_[layer.output(0)] = target;
      return true;
    }
    return false;
  }

  // When `reshape_index` is a Reshape (no epilogue of its own) of the single-use output of a
  // layer that keeps or splits the last dim, and `step` acts on every element alike
  // along that dim (a unary step; a binary one with a scalar weight, or a weight over the
  // dims the last one was split into: TF's Tensordot is MatMul -> Reshape -> BiasAdd, Keras'
  // EinsumDense BatchMatMulV2 -> Reshape [.., heads, head_dim] -> Add(bias [heads,
  // head_dim])), or adds a tensor of the reshape's whole shape (the residual add after
  // Tensordot), folds the step into that layer, before the reshape, with the weight as one
  // vector along the last dim. A whole-shape tensor operand is then read in the running
  // value's shape: an epilogue operand with as many elements as the running value always is
  // (docs/engine-format.md, `epilogue`). The reshape then moves no data (the cuda engine aliases
  // it) and the matmul fuses the bias and the residual.
  bool FoldThroughReshape(int reshape_index, const EngineLayer& layer, EngineEpilogueStep& step) {
    const EngineLayer& reshape = network_->layer(reshape_index);
    if (reshape.op() != "Reshape" || reshape.epilogue_size() > 0 ||
        !reshape.input(0).has_tensor()) {
      return false;
    }
    const int source = reshape.input(0).tensor();
    const int target = FoldTarget(source);
    const int split = SplitOfLastDim(source, reshape.output(0));
    if (target < 0 || split < 0) return false;
    if (step.has_operand()) {
      const EngineOperand& operand = step.operand();
      const bool whole_tensor = operand.has_tensor() && AvailableAt(operand, target) &&
                                SameTensorType(operand.tensor(), reshape.output(0));
      if (!whole_tensor && !FlattenSplitWeight(split, reshape.output(0), step)) return false;
    }
    EngineLayer* host = network_->mutable_layer(target);
    *host->add_epilogue() = std::move(step);
    host->add_fused_node(layer.name());
    network_->mutable_layer(reshape_index)->set_output(0, layer.output(0));
    producer_[layer.output(0)] = reshape_index;
    return true;
  }

  std::vector<int64_t> Dims(int tensor) const {
    if (tensor < 0 || tensor >= network_->tensor_size()) return {};
    const EngineTensor& t = network_->tensor(tensor);
    return {t.dim().begin(), t.dim().end()};
  }

  // When output's dims from some `split` on hold exactly the last dim of `source` (the
  // reshape keeps that dim, or splits it, and regroups only the dims before it), the largest
  // such split; -1 otherwise. An element's place along source's last dim is then its place
  // in output's dims [split, rank).
  int SplitOfLastDim(int source, int output) const {
    const std::vector<int64_t> from = Dims(source), to = Dims(output);
    if (from.empty() || to.empty()) return -1;
    int64_t product = 1;
    for (int split = static_cast<int>(to.size()) - 1; split >= 0; --split) {
      product *= to[split];
      if (product == from.back()) return split;
      if (product > from.back()) return -1;
    }
    return -1;
  }

  // Whether the weight of `step` acts alike on every element along the source's last dim:
  // one value, or (right-aligned to `output`) 1 before `split` and output's dims from it.
  // The latter becomes the vector along the last dim it is, in place.
  bool FlattenSplitWeight(int split, int output, EngineEpilogueStep& step) const {
    if (!step.operand().has_weight()) return false;
    tensorflow::TensorShapeProto* shape =
        step.mutable_operand()->mutable_weight()->mutable_tensor_shape();
    std::vector<int64_t> weight;
    int64_t elements = 1;
    for (const auto& dim : shape->dim()) {
      weight.push_back(dim.size());
      elements *= dim.size();
    }
    if (elements == 1) return true;
    const std::vector<int64_t> to = Dims(output);
    if (weight.size() > to.size() || weight.size() < to.size() - split) return false;
    const size_t offset = to.size() - weight.size();
    for (size_t i = 0; i < weight.size(); ++i) {
      const size_t d = offset + i;
      if (weight[i] != (static_cast<int>(d) < split ? 1 : to[d])) return false;
    }
    shape->clear_dim();
    shape->add_dim()->set_size(elements);
    return true;
  }

  EngineNetwork* network_;
  std::map<int, int> producer_;  // tensor -> index of the layer that writes it
  std::map<int, int> uses_;      // tensor -> number of reads
};

}  // namespace

int FuseEpilogues(EngineNetwork* network) { return Fuser(network).Run(); }

}  // namespace tftrt
