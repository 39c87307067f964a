#include "api/int8_accuracy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/logging.h"
#include "engine/int8_precision.h"
#include "graph/attrs.h"
#include "runtime/engine_op.h"

namespace tftrt {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A relative L2 error summed over tensors: ||got - want|| / ||want||.
class RelativeError {
 public:
  void Add(const Tensor& got, const Tensor& want) {
    if (got.dtype() != DataType::kFloat || want.dtype() != DataType::kFloat ||
        got.shape() != want.shape()) {
      return;
    }
    const float* a = got.flat<float>();
    const float* b = want.flat<float>();
    for (int64_t i = 0; i < want.NumElements(); ++i) {
      const double diff = static_cast<double>(a[i]) - b[i];
      diff2_ += diff * diff;
      ref2_ += static_cast<double>(b[i]) * b[i];
    }
  }
  double value() const {
    if (ref2_ > 0) return std::sqrt(diff2_ / ref2_);
    return diff2_ > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }

 private:
  double diff2_ = 0;
  double ref2_ = 0;
};

// The outputs of each recorded run from engines of `node`'s segment built with `options` (one
// per distinct input shapes).
StatusOr<RunOutputs> RunEngines(const RecordedEngineNode& node, BuildOptions options,
                                const EngineBackend& backend) {
  if (options.precision == Precision::kINT8) options.int8_ranges = &node.ranges;
  std::map<std::vector<Shape>, std::unique_ptr<Engine>> engines;
  RunOutputs outputs;
  for (const std::vector<Tensor>& run : node.runs) {
    std::vector<EngineArg> args;
    std::vector<Tensor> inputs;
    std::vector<Shape> shapes;
    for (size_t i = 0; i < run.size(); ++i) {
      const bool weight = node.weight_inputs.contains(static_cast<int>(i));
      args.push_back({run[i].dtype(), run[i].shape(), weight ? &run[i] : nullptr});
      if (weight) continue;
      inputs.push_back(run[i]);
      shapes.push_back(run[i].shape());
    }
    std::unique_ptr<Engine>& engine = engines[shapes];
    if (engine == nullptr) {
      TFTRT_ASSIGN_OR_RETURN(EngineNetwork network, BuildNetwork(*node.segment, args, options));
      TFTRT_ASSIGN_OR_RETURN(engine, backend.Compile(std::move(network)));
    }
    TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> values, engine->Run(std::move(inputs)));
    std::map<std::string, Tensor>& named = outputs.emplace_back();
    for (size_t i = 0; i < values.size(); ++i) {
      named.emplace(engine->plan().output(static_cast<int>(i)).name(), std::move(values[i]));
    }
  }
  return outputs;
}

// The relative error of `got` against `want` over every run at the outputs `names`:
// the largest of the outputs' errors (NaN when no output could be compared).
double ErrorAt(const RunOutputs& got, const RunOutputs& want,
               const std::vector<std::string>& names) {
  double worst = kNaN;
  for (const std::string& name : names) {
    RelativeError error;
    bool compared = false;
    for (size_t run = 0; run < want.size(); ++run) {
      auto a = got[run].find(name);
      auto b = want[run].find(name);
      if (a == got[run].end() || b == want[run].end()) continue;
      error.Add(a->second, b->second);
      compared = true;
    }
    if (compared && (std::isnan(worst) || error.value() > worst)) worst = error.value();
  }
  return worst;
}

// The segment's own outputs, by name.
std::vector<std::string> OutputNames(const RecordedEngineNode& node) {
  std::vector<std::string> names;
  for (const GraphRet& ret : node.segment->rets()) names.push_back(ret.name);
  return names;
}

// Every INT8 layer of the node's engine with no layer kept in FP16, with the tensor it
// writes, from the network for the first run's shapes.
struct CandidateLayer {
  std::string name;
  std::string op;
  std::string output;
};

StatusOr<std::vector<CandidateLayer>> CandidateLayers(const RecordedEngineNode& node) {
  BuildOptions options = node.options;
  options.int8_ranges = &node.ranges;
  options.int8_fp16_layers.clear();
  std::vector<EngineArg> args;
  const std::vector<Tensor>& run = node.runs.front();
  for (size_t i = 0; i < run.size(); ++i) {
    args.push_back({run[i].dtype(), run[i].shape(),
                    node.weight_inputs.contains(static_cast<int>(i)) ? &run[i] : nullptr});
  }
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork network, BuildNetwork(*node.segment, args, options));
  std::vector<CandidateLayer> layers;
  for (const EngineLayer& layer : network.layer()) {
    if (layer.precision() != "INT8") continue;
    layers.push_back({layer.name(), layer.op(), network.tensor(layer.output(0)).name()});
  }
  return layers;
}

// The node's outputs' error against `reference` with `fp16_layers` kept in FP16.
StatusOr<double> OutputError(const RecordedEngineNode& node, const RunOutputs& reference,
                             const std::set<std::string>& fp16_layers,
                             const EngineBackend& backend) {
  BuildOptions options = node.options;
  options.int8_fp16_layers = fp16_layers;
  TFTRT_ASSIGN_OR_RETURN(RunOutputs outputs, RunEngines(node, options, backend));
  return ErrorAt(outputs, reference, OutputNames(node));
}

// The FP32 reference: TF32 off, the INT8 layers' outputs probed.
StatusOr<RunOutputs> Reference(const RecordedEngineNode& node,
                               const std::vector<CandidateLayer>& layers,
                               const EngineBackend& backend) {
  BuildOptions options = node.options;
  options.precision = Precision::kFP32;
  options.allow_tf32 = false;
  for (const CandidateLayer& layer : layers) options.probed_tensors.push_back(layer.output);
  return RunEngines(node, options, backend);
}

}  // namespace

StatusOr<std::map<std::string, RecordedEngineNode>> RecordInt8EngineNodes(
    Model& function, EngineCaches& caches, const InputFn& evaluation_input_fn) {
  auto recorder = std::make_shared<Int8EvaluationRecorder>();
  caches.SetInt8Evaluation(recorder);
  int count = 0;
  Status status = Status::Ok();
  while (std::optional<InputSet> inputs = evaluation_input_fn()) {
    auto outputs = function.Run(*inputs);
    if (!outputs.ok()) {
      status = outputs.status().WithContext("while running evaluation input set " +
                                            std::to_string(count));
      break;
    }
    ++count;
  }
  caches.SetInt8Evaluation(nullptr);
  TFTRT_RETURN_IF_ERROR(status);
  if (count == 0) {
    return Status::InvalidArgument("evaluation_input_fn yielded no input set to evaluate on");
  }
  return recorder->nodes();
}

StatusOr<Int8NodeAccuracy> MeasureInt8Accuracy(const RecordedEngineNode& node,
                                               const EngineBackend& backend) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<CandidateLayer> layers, CandidateLayers(node));
  Int8NodeAccuracy accuracy;
  TFTRT_ASSIGN_OR_RETURN(accuracy.reference, Reference(node, layers, backend));
  const RunOutputs& reference = accuracy.reference;
  BuildOptions probed = node.options;
  for (const CandidateLayer& layer : layers) probed.probed_tensors.push_back(layer.output);
  TFTRT_ASSIGN_OR_RETURN(RunOutputs int8, RunEngines(node, probed, backend));

  TFTRT_ASSIGN_OR_RETURN(accuracy.output_error,
                         OutputError(node, reference, node.options.int8_fp16_layers, backend));
  std::set<std::string> all;
  for (const CandidateLayer& layer : layers) all.insert(layer.name);
  for (const CandidateLayer& layer : layers) {
    std::set<std::string> others = all;
    others.erase(layer.name);
    TFTRT_ASSIGN_OR_RETURN(double sensitivity, OutputError(node, reference, others, backend));
    accuracy.layers.push_back({.layer = layer.name,
                               .op = layer.op,
                               .fp16 = node.options.int8_fp16_layers.contains(layer.name),
                               .error = ErrorAt(int8, reference, {layer.output}),
                               .sensitivity = sensitivity});
  }
  return accuracy;
}

StatusOr<Fp16Choice> ChooseFp16Layers(const RecordedEngineNode& node,
                                      const Int8NodeAccuracy& accuracy, double max_error,
                                      const EngineBackend& backend) {
  std::vector<Int8LayerSummary> order = accuracy.layers;
  // Most sensitive first; a layer whose sensitivity could not be measured last.
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    const double x = std::isnan(a.sensitivity) ? -1 : a.sensitivity;
    const double y = std::isnan(b.sensitivity) ? -1 : b.sensitivity;
    return x > y;
  });
  if (!node.options.int8_fp16_layers.empty()) {
    return Status::Internal("ChooseFp16Layers: the node already keeps layers in FP16");
  }
  const RunOutputs& reference = accuracy.reference;
  std::set<std::string> fp16;
  Fp16Choice choice;
  choice.output_error = accuracy.output_error;
  for (const Int8LayerSummary& layer : order) {
    if (choice.output_error <= max_error) break;
    fp16.insert(layer.layer);
    choice.layers.push_back(layer.layer);
    TFTRT_ASSIGN_OR_RETURN(choice.output_error, OutputError(node, reference, fp16, backend));
  }
  if (!(choice.output_error <= max_error)) {
    return Status::FailedPrecondition(
        "the output error stays " + std::to_string(choice.output_error) + " > " +
        std::to_string(max_error) + " with all " + std::to_string(order.size()) +
        " INT8 layer(s) in FP16: the bound is below the FP16 engine's own error");
  }
  return choice;
}

Status AddInt8Accuracy(Model& function, EngineCaches& caches, const InputFn& evaluation_input_fn,
                       ConversionSummary* summary) {
  TFTRT_ASSIGN_OR_RETURN(auto nodes, RecordInt8EngineNodes(function, caches, evaluation_input_fn));
  for (EngineSummary& engine : summary->engines) {
    auto node = nodes.find(engine.name);
    if (node == nodes.end()) continue;
    auto accuracy = MeasureInt8Accuracy(node->second, *caches.runtime().backend);
    if (!accuracy.ok()) {
      return accuracy.status().WithContext("while measuring the INT8 accuracy of engine '" +
                                           engine.name + "'");
    }
    engine.int8_layers = std::move(accuracy->layers);
    engine.int8_output_error = accuracy->output_error;
  }
  return Status::Ok();
}

namespace {

// Chooses the layers of engine node `name` to keep in FP16 and keeps them there.
Status KeepSensitiveLayersInFp16(const std::string& name, RecordedEngineNode node,
                                 double max_output_error, Graph& graph, EngineCaches& caches) {
  const EngineBackend& backend = *caches.runtime().backend;
  node.options.int8_fp16_layers.clear();
  TFTRT_ASSIGN_OR_RETURN(Int8NodeAccuracy accuracy, MeasureInt8Accuracy(node, backend));
  TFTRT_ASSIGN_OR_RETURN(Fp16Choice choice,
                         ChooseFp16Layers(node, accuracy, max_output_error, backend));
  for (Node* graph_node : graph.nodes()) {
    if (graph_node->op == kEngineOp && EngineCacheName(graph_node->name) == name) {
      graph_node->attrs[kInt8Fp16LayersAttr] = StringListAttr(choice.layers);
    }
  }
  caches.Drop(name);
  std::string names;
  for (const std::string& layer : choice.layers) names += (names.empty() ? "" : ", ") + layer;
  LogInfo("engine '" + name + "': output error against FP32 " +
          std::to_string(accuracy.output_error) + " with all " +
          std::to_string(accuracy.layers.size()) + " INT8 layer(s), " +
          std::to_string(choice.output_error) + " with " +
          (choice.layers.empty() ? std::string("none")
                                 : std::to_string(choice.layers.size()) + " (" + names + ")") +
          " kept in FP16; the bound is " + std::to_string(max_output_error));
  return Status::Ok();
}

}  // namespace

Status LimitInt8EngineErrors(Model& function, EngineCaches& caches, Graph& graph,
                             const InputFn& evaluation_input_fn, double max_output_error) {
  std::optional<InputSet> first;
  InputFn keep_first = [&]() {
    std::optional<InputSet> inputs = evaluation_input_fn();
    if (inputs && !first) first = inputs;
    return inputs;
  };
  TFTRT_ASSIGN_OR_RETURN(auto nodes, RecordInt8EngineNodes(function, caches, keep_first));
  for (const auto& [name, node] : nodes) {
    TFTRT_RETURN_IF_ERROR_CTX(
        KeepSensitiveLayersInFp16(name, node, max_output_error, graph, caches),
        "while limiting the INT8 error of engine '" + name + "'");
  }
  // As after calibration: one engine per node for these shapes, so that Save() keeps it.
  auto rebuilt = function.Run(*first);
  if (!rebuilt.ok()) return rebuilt.status().WithContext("while building the INT8 engines again");
  return Status::Ok();
}

}  // namespace tftrt
