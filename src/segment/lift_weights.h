// Weights out of segment functions, for saving: TF-TRT users hit protobuf's 2 GB limit
// because engine segments carried their weights as constants inside saved_model.pb. Before
// a converted graph is saved, every constant of at least `min_bytes` in an engine node's
// segment function becomes an input of the engine node, fed by a top-level Const (which the
// SavedModel writer stores in the variables bundle); the segment function takes it as a
// new trailing arg, and the engine node lists the input in "_tftrt_weight_inputs" so engine
// builds bake it in as a weight.
#ifndef TFTRT_SEGMENT_LIFT_WEIGHTS_H_
#define TFTRT_SEGMENT_LIFT_WEIGHTS_H_

#include "graph/graph.h"

namespace tftrt {

// REQUIRES: `graph` and `functions` are not shared (the converter passes copies).
Status LiftEngineWeights(Graph& graph, FunctionGraphs& functions, int64_t min_bytes);

}  // namespace tftrt

#endif  // TFTRT_SEGMENT_LIFT_WEIGHTS_H_
