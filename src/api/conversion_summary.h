// Conversion summaries (TF-TRT's summary()) computed from a converted graph: engine nodes
// with their segment functions, and the native nodes with the reasons the converter
// recorded on them ("_tftrt_native_reason").
#ifndef TFTRT_API_CONVERSION_SUMMARY_H_
#define TFTRT_API_CONVERSION_SUMMARY_H_

#include <map>
#include <string>

#include "graph/graph.h"
#include "proto/engine.pb.h"
#include "tftrt/converter.h"

namespace tftrt {

// `plans`: a built engine's plan per engine (cache) name, where there is one: INT8 engines
// list their INT8 layers from it.
ConversionSummary SummarizeGraph(const Graph& graph, const FunctionGraphs& functions,
                                 const std::map<std::string, const EngineNetwork*>& plans = {});

}  // namespace tftrt

#endif  // TFTRT_API_CONVERSION_SUMMARY_H_
