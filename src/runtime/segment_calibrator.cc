#include "runtime/segment_calibrator.h"

#include <charconv>

#include "engine/calibration/entropy.h"
#include "engine/int8_precision.h"
#include "graph/graph_copy.h"
#include "runtime/executor.h"

namespace tftrt {
namespace {

// The output `name` names in `graph` (an arg's EngineInputTensorName, or "node:index");
// nullopt where there is none.
std::optional<Output> FindTensor(Graph& graph, const std::string& name) {
  for (size_t i = 0; i < graph.args().size(); ++i) {
    if (name == EngineInputTensorName(static_cast<int>(i))) return Output{graph.args()[i].node, 0};
  }
  const size_t colon = name.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  int index = 0;
  const char* first = name.data() + colon + 1;
  const char* last = name.data() + name.size();
  auto [end, error] = std::from_chars(first, last, index);
  Node* node = graph.FindNode(name.substr(0, colon));
  if (error != std::errc() || end != last || node == nullptr) return std::nullopt;
  return Output{node, index};
}

}  // namespace

SegmentCalibrator::~SegmentCalibrator() = default;

StatusOr<std::unique_ptr<SegmentCalibrator>> SegmentCalibrator::Create(
    const Graph& segment, const std::vector<EngineArg>& args) {
  // The plan of an INT8 engine with no ranges yet: its candidate layers name the tensors.
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork plan,
                         BuildNetwork(segment, args, {.precision = Precision::kINT8}));
  std::unique_ptr<SegmentCalibrator> calibrator(new SegmentCalibrator());
  std::shared_ptr<Graph> recording = CopyGraph(segment);
  calibrator->num_outputs_ = recording->rets().size();
  for (const std::string& name : Int8CalibrationTensors(plan)) {
    std::optional<Output> tensor = FindTensor(*recording, name);
    if (!tensor) continue;  // a tensor the builder made, not one of the segment's
    recording->rets().push_back({"calibration:" + name, *tensor, DataType::kFloat, PartialShape()});
    calibrator->tensors_.push_back(name);
  }
  calibrator->histograms_.resize(calibrator->tensors_.size());
  calibrator->executor_ =
      std::make_unique<Executor>(std::move(recording), std::make_shared<FunctionGraphs>());
  TFTRT_RETURN_IF_ERROR(calibrator->executor_->Prepare());
  return calibrator;
}

StatusOr<std::vector<Tensor>> SegmentCalibrator::Run(std::vector<Tensor> inputs) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs, executor_->Run(std::move(inputs)));
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const Tensor& tensor = outputs[num_outputs_ + i];
    if (tensor.dtype() != DataType::kFloat) {
      return Status::Internal("calibration tensor '" + tensors_[i] + "' is " +
                              tensor.DebugString() + ", not float32");
    }
    histograms_[i].Add(tensor.flat<float>(), tensor.NumElements());
  }
  ++batches_;
  outputs.resize(num_outputs_);
  return outputs;
}

int64_t SegmentCalibrator::batches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return batches_;
}

CalibrationTable SegmentCalibrator::Table() const {
  std::lock_guard<std::mutex> lock(mutex_);
  CalibrationTable table;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    table[tensors_[i]] = EntropyCalibratedAmax(histograms_[i]);
  }
  return table;
}

}  // namespace tftrt
