// The engine builder's front half: lowers a segment function (the native subgraph an
// engine replaces) to an engine network for one set of concrete input shapes, then fuses
// and applies the precision. The network is backend-neutral: a backend (src/backends/)
// compiles it into something it can run.
//
// Lowering: every node goes through its op converter (src/engine/ops); constant inputs
// (Const nodes of the segment, and segment args the engine node feeds from frozen weights)
// become weights; Identity-like nodes alias their input. Fusion (engine/fusion.h) folds
// elementwise successors into the epilogue of the layer before them. FP16 rounds float
// weights to half (stored as half) and marks the network so the backend keeps every float
// activation at half precision. INT8 is FP16 plus INT8 convolutions and matmuls where the
// ranges allow (engine/int8_precision.h). Each network tensor records the TF tensor it
// holds ("node:output"), the key of its calibrated range.
#ifndef TFTRT_ENGINE_NETWORK_BUILDER_H_
#define TFTRT_ENGINE_NETWORK_BUILDER_H_

#include <set>
#include <string>
#include <vector>

#include "engine/calibration/calibration_table.h"
#include "engine/precision.h"
#include "graph/graph.h"
#include "proto/engine.pb.h"
#include "tftrt/tensor.h"

namespace tftrt {

// One arg of the segment function: an engine input of this dtype and shape, or a weight
// when `weight` is set.
struct EngineArg {
  DataType dtype = DataType::kInvalid;
  Shape shape;
  const Tensor* weight = nullptr;
};

struct BuildOptions {
  Precision precision = Precision::kFP32;
  int64_t workspace_size_bytes = int64_t{1} << 30;
  bool fuse = true;
  // FP32 on GPUs: float32 matmuls and convolutions may use TF32 tensor cores.
  bool allow_tf32 = true;
  // INT8: the calibrated ranges of the segment's tensors (a calibration table; empty
  // without calibration), which with the ranges of the segment's quantization ops
  // (engine/quantization_ranges.h; calibrated ones win) decide which layers run in INT8.
  // Null: none do (the plan calibration observes).
  const CalibrationTable* int8_ranges = nullptr;
  // INT8: candidate layers kept in FP16 whatever their ranges, by layer name (what an INT8
  // error limit chose: the engine node's _tftrt_int8_fp16_layers).
  std::set<std::string> int8_fp16_layers;
  // Tensors (by TF name) the network also outputs, after its own outputs, where it still
  // has them after fusion: what an accuracy report compares layer by layer. They are
  // outputs before the precision is applied, so INT8 layers store them as half.
  std::vector<std::string> probed_tensors;
};

// The name of the tensor of the segment's arg `index` (an engine input):
// "TensorRTInputPH_<index>:0", TF-TRT's name for a segment's inputs, whatever the arg
// nodes are called (a saved and reloaded function renames them). Other tensors are named
// "<node>:<output>".
std::string EngineInputTensorName(int index);

// The precision float activations are stored in: FP16 for INT8 engines (their non-INT8
// layers run in FP16, as TensorRT's do).
Precision FloatStorage(Precision precision);

// REQUIRES: args.size() == segment.args().size().
// Unimplemented when a node has no converter (e.g. a tampered model); InvalidArgument
// when an arg's dtype does not match the segment's.
StatusOr<EngineNetwork> BuildNetwork(const Graph& segment, const std::vector<EngineArg>& args,
                                     const BuildOptions& options);

// The shapes of a network's inputs: an engine's cache key.
std::vector<Shape> EngineInputShapes(const EngineNetwork& network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_NETWORK_BUILDER_H_
