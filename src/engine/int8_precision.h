// INT8 engines as TensorRT builds them in implicit quantization: convolutions and matmuls
// whose tensor inputs have a dynamic range run in INT8 (int8 inputs and weights, int32
// accumulation, float epilogue); every other float layer runs in FP16 in the same engine.
//
// The builder lowers and fuses an INT8 network with float weights and FP16 layers, then
// this pass picks the INT8 layers from the ranges (a calibration table, or the ranges of a
// graph's quantization ops), quantizes their weights per output channel (symmetric,
// max |w| / 127) and marks the tensors they read and write with their ranges. A tensor an
// INT8 layer writes is stored as int8 values when only INT8 layers read it (TensorRT keeps
// such chains in int8); otherwise as half.
#ifndef TFTRT_ENGINE_INT8_PRECISION_H_
#define TFTRT_ENGINE_INT8_PRECISION_H_

#include <set>
#include <string>
#include <vector>

#include "engine/calibration/calibration_table.h"
#include "proto/engine.pb.h"

namespace tftrt {

// Whether `layer` runs in INT8 when its tensor inputs have ranges: Conv2D,
// DepthwiseConv2dNative, MatMul and BatchMatMul (V1-V3) on float32 tensors and weights
// (also where an FP16 plan stores the weights as half).
bool IsInt8Candidate(const EngineLayer& layer, const EngineNetwork& network);

// The names of the tensors INT8 candidate layers read (tensor inputs) or write (their
// output, after fusion): what calibration records. Sorted, without duplicates.
std::vector<std::string> Int8CalibrationTensors(const EngineNetwork& network);

// Runs the candidate layers whose tensor inputs all have a usable range (> 0, finite) in
// `ranges` in INT8, as described above, but those named in `fp16_layers` (layers an INT8
// error limit keeps in FP16: api/int8_accuracy.h). A range also holds after layers that only move
// values (Reshape, Transpose, MaxPool, ...) where the table has none for their output.
// Returns how many layers run in INT8.
// REQUIRES: `network` is lowered with float32 weights (not yet narrowed to half).
int ApplyInt8Precision(const CalibrationTable& ranges, const std::set<std::string>& fp16_layers,
                       EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_INT8_PRECISION_H_
