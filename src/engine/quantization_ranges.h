// The ranges INT8 engines take from a graph's quantization ops when they are not
// calibrated (use_calibration=False), as TF-TRT does in implicit quantization: each
// QuantizeAndDequantizeV2/V3/V4 (with range_given, one range for the whole tensor) and
// FakeQuantWithMinMaxArgs/Vars gives the tensor it quantizes the symmetric range
// amax = max(|min|, |max|). In an INT8 engine such an op passes its input through; the
// integer layers that read the tensor quantize it with that range.
#ifndef TFTRT_ENGINE_QUANTIZATION_RANGES_H_
#define TFTRT_ENGINE_QUANTIZATION_RANGES_H_

#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace tftrt {

// QuantizeAndDequantizeV2/V3/V4, FakeQuantWithMinMaxArgs/Vars.
bool IsQuantizationOp(const std::string& op);

// Whether `graph` or one of `functions` has a quantization op.
bool HasQuantizationOps(const Graph& graph, const FunctionGraphs& functions);

// The amax a quantization op `node` gives its input, from its attributes and its constant
// inputs (`constants[i]`: input i's value, or null when it is not constant); nullopt when
// its range is not known before running (no range_given, per-channel ranges, min or max
// computed at run time).
std::optional<float> QuantizationRange(const Node& node,
                                       const std::vector<const Tensor*>& constants);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_QUANTIZATION_RANGES_H_
