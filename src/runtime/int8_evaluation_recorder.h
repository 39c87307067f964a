// What an INT8 accuracy evaluation (api/int8_accuracy.h) needs from a model's run: while an
// Int8EvaluationRecorder is set on the model's EngineCaches, each INT8 engine node runs
// its native segment (so every engine node sees the inputs an FP32 model gives it, and the
// model's outputs are FP32's) and records here its segment, how its engines are built and
// the args of each run. The evaluation then builds FP32 and INT8 engines of the segment
// and compares them on exactly those args.
//
// Thread safety: all methods may be called concurrently.
#ifndef TFTRT_RUNTIME_INT8_EVALUATION_RECORDER_H_
#define TFTRT_RUNTIME_INT8_EVALUATION_RECORDER_H_

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/network_builder.h"
#include "graph/graph.h"

namespace tftrt {

// One INT8 engine node, as recorded.
struct RecordedEngineNode {
  // The node's segment function, owned by the model (which outlives the evaluation).
  const Graph* segment = nullptr;
  // How the node builds its engines; `int8_ranges` is left null, as the ranges are
  // `ranges` (point it there when building).
  BuildOptions options;
  CalibrationTable ranges;
  // The segment args that are frozen weights (not engine inputs).
  std::set<int> weight_inputs;
  // Every arg of the segment, per recorded run, in order.
  std::vector<std::vector<Tensor>> runs;
};

class Int8EvaluationRecorder {
 public:
  // Adds one run of engine node `name` (its cache name); the first run of a node also
  // keeps `node` (its segment and options).
  void Record(const std::string& name, const RecordedEngineNode& node, std::vector<Tensor> args);

  // The nodes recorded so far, by cache name.
  std::map<std::string, RecordedEngineNode> nodes() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, RecordedEngineNode> nodes_;
};

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_INT8_EVALUATION_RECORDER_H_
