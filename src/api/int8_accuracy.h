// INT8 accuracy: how far each INT8 engine node's engine is from FP32, layer by layer, on
// evaluation inputs the user gives, and the INT8 error limit that keeps the most
// sensitive layers in FP16 (Converter::Summary(evaluation_input_fn),
// Converter::LimitInt8Error, `tftrt summary --evaluation-inputs-dir`).
//
// Every input set runs through the model with its INT8 engine nodes running their native
// segments (runtime/int8_evaluation_recorder.h), so each node is measured on the inputs
// an FP32 model gives it. Then, per node, on the model's backend and for exactly those
// args: an FP32 engine (TF32 off) is the reference; the node's INT8 engine is compared
// with it at the engine's outputs and at each INT8 layer's output (the errors of the INT8
// layers before it included); and an engine with only that layer in INT8 (every other
// candidate in FP16) gives the layer's sensitivity. Errors are relative L2 norms over every
// input set: ||int8 - fp32|| / ||fp32||, the largest over the float outputs compared.
#ifndef TFTRT_API_INT8_ACCURACY_H_
#define TFTRT_API_INT8_ACCURACY_H_

#include <map>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "runtime/engine_cache.h"
#include "runtime/int8_evaluation_recorder.h"
#include "tftrt/converter.h"

namespace tftrt {

// Runs every input set of `evaluation_input_fn` through `function` (which runs with
// `caches`) and returns its INT8 engine nodes as recorded, by cache name. InvalidArgument
// when the function yields nothing.
StatusOr<std::map<std::string, RecordedEngineNode>> RecordInt8EngineNodes(
    Model& function, EngineCaches& caches, const InputFn& evaluation_input_fn);

// The outputs of each recorded run of a node, by output binding name.
using RunOutputs = std::vector<std::map<std::string, Tensor>>;

// One node's INT8 layers (every candidate with ranges, those the node keeps in FP16
// marked) with their errors and sensitivities, and its outputs' error.
struct Int8NodeAccuracy {
  std::vector<Int8LayerSummary> layers;
  double output_error = 0;
  // The FP32 engine's outputs that the errors are measured against (the INT8 layers'
  // outputs probed too), kept for ChooseFp16Layers.
  RunOutputs reference;
};

StatusOr<Int8NodeAccuracy> MeasureInt8Accuracy(const RecordedEngineNode& node,
                                               const EngineBackend& backend);

// The fewest INT8 layers to keep in FP16, most sensitive first, for the node's output
// error to be at most `max_error` (none when it already is), and the error they give.
// `accuracy` is MeasureInt8Accuracy's for the node with no layer kept in FP16 (its output
// error is then the starting point). FailedPrecondition when even with every candidate in
// FP16 the error is larger.
struct Fp16Choice {
  std::vector<std::string> layers;
  double output_error = 0;
};
StatusOr<Fp16Choice> ChooseFp16Layers(const RecordedEngineNode& node,
                                      const Int8NodeAccuracy& accuracy, double max_error,
                                      const EngineBackend& backend);

// Converter::Summary's evaluation: runs `evaluation_input_fn` through `function`, then sets
// each measured INT8 engine's layers (with errors) and output error in `summary`.
Status AddInt8Accuracy(Model& function, EngineCaches& caches, const InputFn& evaluation_input_fn,
                       ConversionSummary* summary);

// Converter::LimitInt8Error's work: measures each INT8 engine node of `graph` (which
// `function` runs) on `evaluation_input_fn`, keeps the chosen layers in FP16 on the node
// (kInt8Fp16LayersAttr), forgets its engines and builds it again for the first input set.
Status LimitInt8EngineErrors(Model& function, EngineCaches& caches, Graph& graph,
                             const InputFn& evaluation_input_fn, double max_output_error);

}  // namespace tftrt

#endif  // TFTRT_API_INT8_ACCURACY_H_
