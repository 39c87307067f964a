#include "engine/quantization_ranges.h"

#include <algorithm>
#include <cmath>

#include "graph/attrs.h"

namespace tftrt {
namespace {

std::optional<float> ScalarValue(const std::vector<const Tensor*>& constants, size_t index) {
  if (index >= constants.size() || constants[index] == nullptr) return std::nullopt;
  const Tensor& tensor = *constants[index];
  if (tensor.NumElements() != 1 || tensor.dtype() != DataType::kFloat) return std::nullopt;
  return tensor.flat<float>()[0];
}

std::optional<float> Symmetric(std::optional<float> min, std::optional<float> max) {
  if (!min || !max) return std::nullopt;
  const float amax = std::max(std::fabs(*min), std::fabs(*max));
  if (!(amax > 0) || !std::isfinite(amax)) return std::nullopt;
  return amax;
}

}  // namespace

bool IsQuantizationOp(const std::string& op) {
  return op == "QuantizeAndDequantizeV2" || op == "QuantizeAndDequantizeV3" ||
         op == "QuantizeAndDequantizeV4" || op == "FakeQuantWithMinMaxVars" ||
         op == "FakeQuantWithMinMaxArgs";
}

bool HasQuantizationOps(const Graph& graph, const FunctionGraphs& functions) {
  auto has = [](const Graph& g) {
    const std::vector<Node*> nodes = g.nodes();
    return std::any_of(nodes.begin(), nodes.end(),
                       [](const Node* node) { return IsQuantizationOp(node->op); });
  };
  return has(graph) || std::any_of(functions.begin(), functions.end(),
                                   [&](const auto& entry) { return has(*entry.second); });
}

std::optional<float> QuantizationRange(const Node& node,
                                       const std::vector<const Tensor*>& constants) {
  if (node.op == "FakeQuantWithMinMaxArgs") {
    auto min = GetFloatAttrOr(node, "min", -6.0f);
    auto max = GetFloatAttrOr(node, "max", 6.0f);
    if (!min.ok() || !max.ok()) return std::nullopt;
    return Symmetric(*min, *max);
  }
  if (node.op == "FakeQuantWithMinMaxVars") {
    return Symmetric(ScalarValue(constants, 1), ScalarValue(constants, 2));
  }
  if (!IsQuantizationOp(node.op)) return std::nullopt;
  auto range_given = GetBoolAttrOr(node, "range_given", false);
  auto axis = GetIntAttrOr(node, "axis", -1);
  if (!range_given.ok() || !*range_given || !axis.ok() || *axis != -1) return std::nullopt;
  return Symmetric(ScalarValue(constants, 1), ScalarValue(constants, 2));
}

}  // namespace tftrt
