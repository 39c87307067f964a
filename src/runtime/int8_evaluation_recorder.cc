#include "runtime/int8_evaluation_recorder.h"

namespace tftrt {

void Int8EvaluationRecorder::Record(const std::string& name, const RecordedEngineNode& node,
                                    std::vector<Tensor> args) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = nodes_.emplace(name, RecordedEngineNode{});
  if (inserted) {
    it->second = node;
    it->second.runs.clear();
  }
  it->second.runs.push_back(std::move(args));
}

std::map<std::string, RecordedEngineNode> Int8EvaluationRecorder::nodes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return nodes_;
}

}  // namespace tftrt
