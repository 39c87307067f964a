// Conversion summaries (TF-TRT's summary()) computed from a converted graph: engine nodes
// with their segment functions, and the native nodes with the reasons the converter
// recorded on them ("_tftrt_native_reason").
#ifndef TFTRT_API_CONVERSION_SUMMARY_H_
#define TFTRT_API_CONVERSION_SUMMARY_H_

#include "graph/graph.h"
#include "tftrt/converter.h"

namespace tftrt {

ConversionSummary SummarizeGraph(const Graph& graph, const FunctionGraphs& functions);

}  // namespace tftrt

#endif  // TFTRT_API_CONVERSION_SUMMARY_H_
