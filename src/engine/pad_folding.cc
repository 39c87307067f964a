#include "engine/pad_folding.h"

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "engine/remove_layers.h"
#include "graph/attrs.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

bool IsZeroScalar(const Tensor& value) {
  if (value.NumElements() != 1) return false;
  switch (value.dtype()) {
    case DataType::kFloat:
      return value.flat<float>()[0] == 0.0f;
    case DataType::kHalf:
      return HalfToFloat(value.flat<Half>()[0]) == 0.0f;
    default:
      return false;  // integer pads are not folded: convolutions here are float
  }
}

// The (before, after) pads of H and W that layer `pad` adds, when it is a zero pad of an
// NHWC tensor in those dims only.
std::optional<std::array<int64_t, 4>> SpatialZeroPads(const EngineLayer& pad) {
  const bool pad_v2 = pad.op() == "PadV2";
  if ((pad.op() != "Pad" && !pad_v2) || pad.input_size() != (pad_v2 ? 3 : 2) ||
      pad.output_size() != 1 || !pad.input(1).has_weight()) {
    return std::nullopt;
  }
  if (pad_v2) {
    if (!pad.input(2).has_weight()) return std::nullopt;
    StatusOr<Tensor> value = TensorFromProto(pad.input(2).weight());
    if (!value.ok() || !IsZeroScalar(*value)) return std::nullopt;
  }
  StatusOr<Tensor> paddings = TensorFromProto(pad.input(1).weight());
  if (!paddings.ok() || paddings->shape() != Shape{4, 2}) return std::nullopt;
  std::vector<int64_t> p(8);
  for (int i = 0; i < 8; ++i) {
    p[i] = paddings->dtype() == DataType::kInt64 ? paddings->flat<int64_t>()[i]
                                                 : paddings->flat<int32_t>()[i];
  }
  if (p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) return std::nullopt;
  for (int64_t v : p) {
    if (v < 0) return std::nullopt;
  }
  return std::array<int64_t, 4>{p[2], p[3], p[4], p[5]};
}

// A Relu or Relu6 layer, whose outputs are never below zero.
bool IsRectifier(const EngineLayer& layer) {
  return (layer.op() == "Relu" || layer.op() == "Relu6") && layer.epilogue_size() == 0;
}

bool IsConvolution(const EngineLayer& layer) {
  if (layer.kind() != LAYER_KIND_CONVOLUTION || !layer.has_convolution() ||
      layer.convolution().transposed() || layer.convolution().layout() != "NHWC") {
    return false;
  }
  return layer.op() == "Conv2D" || layer.op() == "DepthwiseConv2dNative";
}

bool IsMaxPool(const EngineLayer& layer) {
  return layer.kind() == LAYER_KIND_POOLING && layer.has_pooling() && !layer.pooling().average() &&
         layer.pooling().layout() == "NHWC" && layer.op() == "MaxPool";
}

// Adds `pads` (top, bottom, left, right) to the window's parameters (ConvolutionParams or
// PoolingParams) and writes them as TF's explicit padding, so that every backend reads the
// same window.
template <typename WindowParams>
void AddPads(const std::array<int64_t, 4>& pads, WindowParams* params, EngineLayer* layer) {
  params->set_pad_top(params->pad_top() + pads[0]);
  params->set_pad_bottom(params->pad_bottom() + pads[1]);
  params->set_pad_left(params->pad_left() + pads[2]);
  params->set_pad_right(params->pad_right() + pads[3]);
  auto& attrs = *layer->mutable_attr();
  attrs["padding"] = StringAttr("EXPLICIT");
  attrs["explicit_paddings"] = IntListAttr({0, 0, params->pad_top(), params->pad_bottom(),
                                            params->pad_left(), params->pad_right(), 0, 0});
}

// Folds `pads` into `layer` where that keeps its results: always for a convolution (it pads
// with zeros); for a max pooling, which ignores its padding, where the padded tensor is a
// Relu's or Relu6's (no value below zero, so a zero in a window never wins over the input
// element every window keeps) and the pads stay smaller than the window (TF's rule).
bool FoldPads(const std::array<int64_t, 4>& pads, bool input_non_negative, EngineLayer* layer) {
  if (IsConvolution(*layer)) {
    AddPads(pads, layer->mutable_convolution(), layer);
    return true;
  }
  if (!IsMaxPool(*layer) || !input_non_negative) return false;
  const PoolingParams& p = layer->pooling();
  if (p.pad_top() + pads[0] >= p.window_h() || p.pad_bottom() + pads[1] >= p.window_h() ||
      p.pad_left() + pads[2] >= p.window_w() || p.pad_right() + pads[3] >= p.window_w()) {
    return false;
  }
  AddPads(pads, layer->mutable_pooling(), layer);
  return true;
}

}  // namespace

int FoldPadsIntoWindows(EngineNetwork* network) {
  std::map<int, int> producer, uses;
  for (int i = 0; i < network->layer_size(); ++i) {
    const EngineLayer& layer = network->layer(i);
    for (const EngineOperand& input : layer.input()) {
      if (input.has_tensor()) ++uses[input.tensor()];
    }
    for (const EngineEpilogueStep& step : layer.epilogue()) {
      if (step.operand().has_tensor()) ++uses[step.operand().tensor()];
    }
    for (int tensor : layer.output()) producer[tensor] = i;
  }
  for (const EngineBinding& output : network->output()) uses[output.tensor()] += 2;

  std::vector<bool> removed(network->layer_size(), false);
  int folded = 0;
  for (int i = 0; i < network->layer_size(); ++i) {
    EngineLayer* layer = network->mutable_layer(i);
    if (!(IsConvolution(*layer) || IsMaxPool(*layer)) || layer->input_size() < 1 ||
        !layer->input(0).has_tensor()) {
      continue;
    }
    const int padded = layer->input(0).tensor();
    auto source = producer.find(padded);
    if (source == producer.end() || uses[padded] != 1) continue;
    const EngineLayer& pad = network->layer(source->second);
    const std::optional<std::array<int64_t, 4>> pads = SpatialZeroPads(pad);
    if (!pads || !pad.input(0).has_tensor()) continue;
    auto pad_source = producer.find(pad.input(0).tensor());
    const bool non_negative =
        pad_source != producer.end() && IsRectifier(network->layer(pad_source->second));
    if (!FoldPads(*pads, non_negative, layer)) continue;
    *layer->mutable_input(0) = pad.input(0);
    layer->add_fused_node(pad.name());
    removed[source->second] = true;
    ++folded;
  }
  RemoveLayers(removed, network);
  return folded;
}

}  // namespace tftrt
