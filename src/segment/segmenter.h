// The segmenter: which nodes of a graph go into engines, grouped into segments.
//
// Every node is asked of the converter table (validate-only); candidates are clustered
// with union-find along data edges, visiting nodes in topological order and merging a
// node's cluster with each candidate producer's cluster unless that would create a cycle
// (a path that leaves the two clusters and comes back), as TF-TRT's segmenter does. Graph
// args are never clustered. Constants are, as in TF-TRT: a constant joins the segment of
// the nodes that read it (and so may join their segments into one), and counts towards its
// size unless something outside the segment reads it too; then it stays outside and each
// segment that reads it gets a copy. Segments with fewer effective nodes (all but the
// Identity-like ones) than minimum_segment_size, or without a non-constant input, are
// dropped; if more than max_engines remain, the largest are kept. Every node left native
// gets a typed reason.
// The backend that will run the engines is asked too: what it cannot run stays native.
#ifndef TFTRT_SEGMENT_SEGMENTER_H_
#define TFTRT_SEGMENT_SEGMENTER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "engine/ops/op_converter.h"
#include "graph/graph.h"
#include "graph/output_types.h"

namespace tftrt {

struct SegmenterOptions {
  int minimum_segment_size = 3;
  int max_engines = 20;            // <= 0: unlimited
  std::set<std::string> denylist;  // op types kept native
  // The backend engines will run on: a node it cannot run stays native. Null: any
  // converter op is taken.
  const EngineBackend* backend = nullptr;
};

// Options with TF-TRT's environment variables applied: TF_TRT_OP_DENYLIST (comma-separated
// op types) and TF_TRT_MAX_ALLOWED_ENGINES (default 20; as in TF-TRT, a value <= 0 means no
// limit and logs a warning). InvalidArgument for text that is not an integer.
StatusOr<SegmenterOptions> SegmenterOptionsFromEnv(int minimum_segment_size);

struct Segment {
  std::vector<Node*> nodes;  // topological order
  int effective_size = 0;
};

struct Segmentation {
  std::vector<Segment> segments;               // in order of their first node
  std::map<const Node*, NativeReason> native;  // every node not in a segment
};

StatusOr<Segmentation> FindSegments(const Graph& graph, const GraphTypes& types,
                                    const SegmenterOptions& options);

}  // namespace tftrt

#endif  // TFTRT_SEGMENT_SEGMENTER_H_
