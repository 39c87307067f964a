// INT8 calibration in Converter::Convert, as TF-TRT's convert() does it without dynamic
// shapes: every input set of calibration_input_fn runs through the converted function
// while its engine nodes run their native segments and record their tensors
// (runtime/segment_calibrator.h); then each engine node's ranges are picked by entropy
// minimization and kept in its `calibration_data` attribute, and one engine per node is
// built for the calibration inputs' shapes (so that Save() keeps it).
#ifndef TFTRT_API_CALIBRATION_H_
#define TFTRT_API_CALIBRATION_H_

#include "graph/graph.h"
#include "runtime/engine_cache.h"
#include "tftrt/converter.h"

namespace tftrt {

// `function` runs `graph` (whose TRTEngineOp nodes get the tables) with `caches`.
// InvalidArgument when calibration_input_fn yields nothing, or an input set whose inputs
// differ in names, dtypes or shapes from the first one (naming the set and the input).
Status CalibrateEngineNodes(Model& function, EngineCaches& caches, Graph& graph,
                            const InputFn& calibration_input_fn);

}  // namespace tftrt

#endif  // TFTRT_API_CALIBRATION_H_
