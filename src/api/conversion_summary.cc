#include "api/conversion_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "api/int8_accuracy.h"
#include "common/env.h"
#include "graph/attrs.h"
#include "graph/load_signature.h"
#include "graph/signature_export.h"
#include "runtime/engine_assets.h"
#include "runtime/engine_op.h"
#include "runtime/model_factory.h"
#include "runtime/table_initializer.h"

namespace tftrt {
namespace {

std::vector<TensorSpec> Specs(const Node& node, const char* types_attr, const char* shapes_attr,
                              const char* prefix) {
  std::vector<TensorSpec> specs;
  auto types = GetTypeListAttr(node, types_attr);
  auto shapes = GetShapeListAttr(node, shapes_attr);
  if (!types.ok()) return specs;
  for (size_t i = 0; i < types->size(); ++i) {
    PartialShape shape;
    if (shapes.ok() && i < shapes->size()) shape = (*shapes)[i];
    specs.push_back({prefix + std::to_string(i), (*types)[i], shape});
  }
  return specs;
}

// The INT8 layers of `plan`, and the candidates the engine node keeps in FP16.
std::vector<Int8LayerSummary> Int8Layers(const Node& engine, const EngineNetwork& plan) {
  std::set<std::string> fp16;
  if (HasAttr(engine, kInt8Fp16LayersAttr)) {
    for (std::string& layer : GetStringListAttr(engine, kInt8Fp16LayersAttr).value()) {
      fp16.insert(std::move(layer));
    }
  }
  std::vector<Int8LayerSummary> layers;
  for (const EngineLayer& layer : plan.layer()) {
    const bool kept = fp16.contains(layer.name());
    if (layer.precision() != "INT8" && !kept) continue;
    layers.push_back({.layer = layer.name(), .op = layer.op(), .fp16 = kept});
  }
  return layers;
}

EngineSummary SummarizeEngine(const Node& engine, const FunctionGraphs& functions,
                              const EngineNetwork* plan) {
  EngineSummary summary;
  // The name the converter gave it (import prefixes inlined nodes with their caller).
  summary.name = engine.name.substr(engine.name.rfind('/') + 1);
  summary.precision = GetStringAttrOr(engine, "precision_mode", "FP32").value();
  summary.inputs = Specs(engine, "InT", "input_shapes", "in_tensor:");
  summary.outputs = Specs(engine, "OutT", "output_shapes", "out_tensor:");
  auto function_name = GetFuncAttr(engine, "segment_func");
  if (function_name.ok() && functions.contains(*function_name)) {
    for (const Node* node : functions.at(*function_name)->nodes()) {
      if (node->op == "_Arg") continue;
      ++summary.op_counts[node->op];
      ++summary.num_nodes;
    }
  }
  // Weights lifted out of the segment for saving were its constants.
  if (HasAttr(engine, "_tftrt_weight_inputs")) {
    const int weights = static_cast<int>(GetIntListAttr(engine, "_tftrt_weight_inputs")->size());
    summary.op_counts["Const"] += weights;
    summary.num_nodes += weights;
    summary.inputs.resize(summary.inputs.size() - weights);
  }
  if (summary.precision == "INT8" && plan != nullptr)
    summary.int8_layers = Int8Layers(engine, *plan);
  return summary;
}

// Whether `node` only carries a saved variable into engine weights (VarHandleOp, and the
// ReadVariableOp of a lifted weight): the saved form of an engine's constants.
bool IsEngineWeightPlumbing(const Node& node, const Graph& graph) {
  if (node.op == "VarHandleOp") return true;
  if (node.op != "ReadVariableOp") return false;
  for (const Node* consumer : graph.nodes()) {
    for (const Output& input : consumer->inputs) {
      if (input.node == &node && consumer->op != "TRTEngineOp") return false;
    }
  }
  return true;
}

std::string JoinSpecs(const std::vector<TensorSpec>& specs, bool shapes) {
  std::string text = "[";
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i > 0) text += ", ";
    text += shapes ? specs[i].shape.ToString() : std::string(DataTypeName(specs[i].dtype));
  }
  return text + "]";
}

}  // namespace

ConversionSummary SummarizeGraph(const Graph& graph, const FunctionGraphs& functions,
                                 const std::map<std::string, const EngineNetwork*>& plans) {
  ConversionSummary summary;
  for (const Node* node : graph.nodes()) {
    if (node->op == "TRTEngineOp") {
      auto plan = plans.find(EngineCacheName(node->name));
      summary.engines.push_back(
          SummarizeEngine(*node, functions, plan == plans.end() ? nullptr : plan->second));
      summary.converted_ops += summary.engines.back().num_nodes;
      continue;
    }
    if (IsEngineWeightPlumbing(*node, graph)) continue;
    std::string reason = node->op == "_Arg" ? "graph boundary: graph input" : "not converted";
    if (HasAttr(*node, "_tftrt_native_reason")) {
      reason = GetStringAttr(*node, "_tftrt_native_reason").value();
    }
    // A large constant is saved as a variable: report what the converter saw.
    const bool saved_constant = HasAttr(*node, kSavedConstantAttr);
    summary.native_nodes.push_back({node->name, saved_constant ? "Const" : node->op, reason});
  }
  summary.total_ops = summary.converted_ops + static_cast<int>(summary.native_nodes.size());
  return summary;
}

// The backends of an engine's pre-built engines ("cuda", "cpu"), or "-" when it builds
// them at run time.
std::string DeviceColumn(const EngineSummary& engine) {
  std::set<std::string> backends;
  for (const std::string& target : engine.targets)
    backends.insert(target.substr(0, target.find(':')));
  std::string column;
  for (const std::string& backend : backends) column += (column.empty() ? "" : ",") + backend;
  return column.empty() ? "-" : column;
}

namespace {

// "0.0123", or "-" for NaN (not measured).
std::string ErrorText(double error) {
  if (std::isnan(error)) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", error);
  return text;
}

void FormatInt8Layers(const EngineSummary& engine, std::ostream& out) {
  if (engine.int8_layers.empty() && std::isnan(engine.int8_output_error)) return;
  int fp16 = 0;
  for (const Int8LayerSummary& layer : engine.int8_layers) fp16 += layer.fp16;
  out << "\tINT8 layers: " << engine.int8_layers.size() - fp16;
  if (fp16 > 0) out << " (and " << fp16 << " kept in FP16)";
  if (!std::isnan(engine.int8_output_error)) {
    out << "; output error against FP32 " << ErrorText(engine.int8_output_error);
  }
  out << "\n";
  int width = 0;
  for (const Int8LayerSummary& layer : engine.int8_layers) {
    width = std::max(width, static_cast<int>(layer.layer.size() + layer.op.size()) + 3);
  }
  char line[64];
  for (const Int8LayerSummary& layer : engine.int8_layers) {
    const std::string name = layer.layer + " (" + layer.op + ")";
    out << "\t  " << name << std::string(width - name.size(), ' ');
    std::snprintf(line, sizeof(line), " error %-10s sensitivity %-10s",
                  ErrorText(layer.error).c_str(), ErrorText(layer.sensitivity).c_str());
    out << line << (layer.fp16 ? "kept in FP16" : "") << "\n";
  }
}

}  // namespace

std::string FormatSummary(const ConversionSummary& summary) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-28s %-8s %-8s %-9s %-10s %-16s %-16s %-24s %s\n",
                "TRTEngineOP Name", "Device", "# Nodes", "# Inputs", "# Outputs", "Input DTypes",
                "Output Dtypes", "Input Shapes", "Output Shapes");
  out << line << std::string(150, '=') << "\n";
  for (const EngineSummary& engine : summary.engines) {
    std::snprintf(line, sizeof(line), "%-28s %-8s %-8d %-9zu %-10zu %-16s %-16s %-24s %s\n",
                  engine.name.c_str(), DeviceColumn(engine).c_str(), engine.num_nodes,
                  engine.inputs.size(), engine.outputs.size(),
                  JoinSpecs(engine.inputs, false).c_str(), JoinSpecs(engine.outputs, false).c_str(),
                  JoinSpecs(engine.inputs, true).c_str(), JoinSpecs(engine.outputs, true).c_str());
    out << line << "\n";
    for (const std::string& target : engine.targets) out << "\tpre-built for " << target << "\n";
    for (const auto& [op, count] : engine.op_counts) out << "\t- " << op << ": " << count << "x\n";
    FormatInt8Layers(engine, out);
    out << "\n";
  }
  out << std::string(150, '=') << "\n";
  out << "[*] Total number of TensorRT engines: " << summary.engines.size() << "\n";
  const double percent =
      summary.total_ops == 0 ? 0.0 : 100.0 * summary.converted_ops / summary.total_ops;
  std::snprintf(line, sizeof(line), "[*] %% of OPs Converted: %.2f%% [%d/%d]\n", percent,
                summary.converted_ops, summary.total_ops);
  out << line;
  if (!summary.native_nodes.empty()) {
    out << "\nNodes left native (" << summary.native_nodes.size() << "):\n";
    for (const NativeNodeSummary& node : summary.native_nodes) {
      out << "  - '" << node.node << "' (" << node.op << "): " << node.reason << "\n";
    }
  }
  if (!summary.passes.empty()) {
    out << "\nPasses:\n";
    for (const PassSummary& pass : summary.passes) {
      std::snprintf(line, sizeof(line), "  %-24s %s %8.2f ms  nodes %d -> %d\n", pass.name.c_str(),
                    pass.ran ? "ran     " : "disabled", pass.milliseconds, pass.nodes_before,
                    pass.nodes_after);
      out << line;
    }
  }
  return out.str();
}

StatusOr<ConversionSummary> SummarizeSavedModel(const std::string& saved_model_dir,
                                                const std::string& signature_key,
                                                const std::set<std::string>& tags,
                                                InputFn evaluation_input_fn,
                                                const ModelOptions& options) {
  TFTRT_ASSIGN_OR_RETURN(ImportedSignature imported,
                         LoadSignature(Env::Default(), saved_model_dir, signature_key, tags));
  std::map<std::string, std::vector<SavedEngine>> saved;
  std::map<std::string, const EngineNetwork*> plans;
  for (const Node* node : imported.graph->nodes()) {
    if (node->op != "TRTEngineOp") continue;
    const std::string name = EngineCacheName(node->name);
    std::vector<SavedEngine>& engines = saved[name] =
        SavedEngines(Env::Default(), saved_model_dir, name);
    if (!engines.empty()) plans[name] = &engines.front().plan;
  }
  ConversionSummary summary = SummarizeGraph(*imported.graph, *imported.functions, plans);
  for (EngineSummary& engine : summary.engines) {
    for (const SavedEngine& built : saved[engine.name]) engine.targets.push_back(built.target);
  }
  if (evaluation_input_fn) {
    TFTRT_RETURN_IF_ERROR(
        AttachInitializedTables(Env::Default(), saved_model_dir, tags, imported.graph.get()));
    TFTRT_ASSIGN_OR_RETURN(EngineRuntime runtime, EngineRuntimeFor(options));
    auto caches = std::make_shared<EngineCaches>(runtime);
    TFTRT_ASSIGN_OR_RETURN(
        std::unique_ptr<Model> model,
        ModelFactory::FromGraph(signature_key, imported.graph, imported.functions, caches));
    TFTRT_RETURN_IF_ERROR(AddInt8Accuracy(*model, *caches, evaluation_input_fn, &summary));
  }
  return summary;
}

}  // namespace tftrt
