// Replaces each segment of a graph by an engine node (TRTEngineOp) and keeps the segment
// as its native function "<engine node>_native_segment", with TF-TRT's node and attribute
// conventions, so the converted graph stays a valid TF graph that can fall back to the
// native segment.
//
// The engine node's inputs are the segment's distinct non-constant inputs, its outputs the
// segment outputs that other nodes or the graph's rets read. Constants the segment reads
// are copied into the segment function (they become engine weights). Control inputs from
// outside move to the engine node, as do control dependencies on segment nodes.
#ifndef TFTRT_SEGMENT_ENGINE_NODE_H_
#define TFTRT_SEGMENT_ENGINE_NODE_H_

#include <string>
#include <vector>

#include "engine/precision.h"
#include "graph/graph.h"
#include "graph/output_types.h"
#include "segment/segmenter.h"

namespace tftrt {

// The TF-TRT attributes every engine node carries.
struct EngineNodeParams {
  Precision precision = Precision::kFP32;
  int64_t workspace_size_bytes = int64_t{1} << 30;
  int max_cached_engines = 1;
  bool use_calibration = false;
  bool allow_build_at_runtime = true;
  bool allow_tf32 = true;
};

// Creates one engine node per segment, named TRTEngineOp_<graph_sequence>_<segment index>
// (three digits each), adds the segment functions to `functions` and removes the segment
// nodes and the constants nothing reads any more. Returns the engine nodes.
StatusOr<std::vector<Node*>> CreateEngineNodes(Graph& graph, const std::vector<Segment>& segments,
                                               const GraphTypes& types,
                                               const EngineNodeParams& params, int graph_sequence,
                                               FunctionGraphs* functions);

// "TRTEngineOp_000_001_native_segment".
std::string SegmentFunctionName(const std::string& engine_node_name);

}  // namespace tftrt

#endif  // TFTRT_SEGMENT_ENGINE_NODE_H_
