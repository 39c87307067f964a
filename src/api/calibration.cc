#include "api/calibration.h"

#include <chrono>

#include "common/logging.h"
#include "graph/attrs.h"
#include "runtime/calibration_session.h"
#include "runtime/engine_op.h"

namespace tftrt {
namespace {

using Clock = std::chrono::steady_clock;

// Long calibrations report progress this often.
constexpr std::chrono::seconds kProgressInterval{10};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Describe(const Tensor& tensor) {
  return std::string(DataTypeName(tensor.dtype())) + ShapeToString(tensor.shape());
}

std::string InputNames(const InputSet& inputs) {
  std::string names;
  for (const auto& [name, tensor] : inputs) names += (names.empty() ? "" : ", ") + name;
  return "{" + names + "}";
}

// TensorRT calibrates on batches of one shape: every input set must look like the first.
Status CheckLikeFirst(const InputSet& inputs, const InputSet& first, int index) {
  const std::string set = "calibration input set " + std::to_string(index);
  const std::string rule =
      "; every calibration input set must have the inputs, dtypes and "
      "shapes of the first one";
  if (inputs.size() != first.size()) {
    return Status::InvalidArgument(set + " has inputs " + InputNames(inputs) +
                                   ", the first set has " + InputNames(first) + rule);
  }
  for (const auto& [name, tensor] : inputs) {
    auto it = first.find(name);
    if (it == first.end()) {
      return Status::InvalidArgument(set + " has input '" + name + "', which the first set (" +
                                     InputNames(first) + ") has not" + rule);
    }
    if (tensor.dtype() != it->second.dtype() || tensor.shape() != it->second.shape()) {
      return Status::InvalidArgument(set + ": input '" + name + "' is " + Describe(tensor) +
                                     ", in the first set it is " + Describe(it->second) + rule);
    }
  }
  return Status::Ok();
}

// Runs every input set in calibration mode; returns the first set (nullopt for none).
StatusOr<std::optional<InputSet>> RunCalibrationSets(Model& function,
                                                     const InputFn& calibration_input_fn) {
  std::optional<InputSet> first;
  int count = 0;
  const auto start = Clock::now();
  auto last_report = start;
  while (std::optional<InputSet> inputs = calibration_input_fn()) {
    if (first) TFTRT_RETURN_IF_ERROR(CheckLikeFirst(*inputs, *first, count));
    auto outputs = function.Run(*inputs);
    if (!outputs.ok()) {
      return outputs.status().WithContext("while calibrating on input set " +
                                          std::to_string(count));
    }
    if (!first) first = std::move(inputs);
    ++count;
    if (Clock::now() - last_report >= kProgressInterval) {
      last_report = Clock::now();
      LogInfo("INT8 calibration: " + std::to_string(count) + " input set(s) in " +
              std::to_string(static_cast<int>(SecondsSince(start))) + " s");
    }
  }
  if (first) {
    LogInfo("INT8 calibration ran " + std::to_string(count) + " input set(s) in " +
            std::to_string(static_cast<int>(SecondsSince(start))) + " s");
  }
  return first;
}

// Keeps each engine node's table in its calibration_data attribute.
void StoreTables(const CalibrationSession& session, Graph& graph) {
  const auto calibrators = session.Calibrators();
  for (Node* node : graph.nodes()) {
    if (node->op != kEngineOp) continue;
    auto it = calibrators.find(EngineCacheName(node->name));
    if (it == calibrators.end()) {
      LogWarning("engine node '" + node->name +
                 "' received no calibration data; it has no INT8 ranges and runs its native "
                 "segment");
      continue;
    }
    const auto start = Clock::now();
    const CalibrationTable table = it->second->Table();
    node->attrs["calibration_data"] = StringAttr(SerializeCalibrationTable(table));
    LogInfo("calibrated '" + node->name + "': ranges of " + std::to_string(table.size()) +
            " tensor(s) from " + std::to_string(it->second->batches()) + " batch(es), in " +
            std::to_string(static_cast<int>(SecondsSince(start) * 1000)) + " ms");
  }
}

}  // namespace

Status CalibrateEngineNodes(Model& function, EngineCaches& caches, Graph& graph,
                            const InputFn& calibration_input_fn) {
  auto session = std::make_shared<CalibrationSession>();
  caches.SetCalibration(session);
  auto first = RunCalibrationSets(function, calibration_input_fn);
  caches.SetCalibration(nullptr);
  TFTRT_RETURN_IF_ERROR(first.status());
  if (!first->has_value()) {
    return Status::InvalidArgument("calibration_input_fn yielded no input set to calibrate on");
  }
  StoreTables(*session, graph);
  // As TF-TRT does at the end of calibration: one engine per node for these shapes.
  auto built = function.Run(**first);
  if (!built.ok()) {
    return built.status().WithContext("while building INT8 engines for the calibration inputs");
  }
  return Status::Ok();
}

}  // namespace tftrt
