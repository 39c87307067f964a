#include "api/conversion_summary.h"

#include <cstdio>
#include <set>
#include <sstream>

#include "common/env.h"
#include "graph/attrs.h"
#include "graph/load_signature.h"
#include "graph/signature_export.h"
#include "runtime/engine_assets.h"

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

EngineSummary SummarizeEngine(const Node& engine, const FunctionGraphs& functions) {
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

ConversionSummary SummarizeGraph(const Graph& graph, const FunctionGraphs& functions) {
  ConversionSummary summary;
  for (const Node* node : graph.nodes()) {
    if (node->op == "TRTEngineOp") {
      summary.engines.push_back(SummarizeEngine(*node, functions));
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
                                                const std::set<std::string>& tags) {
  TFTRT_ASSIGN_OR_RETURN(ImportedSignature imported,
                         LoadSignature(Env::Default(), saved_model_dir, signature_key, tags));
  ConversionSummary summary = SummarizeGraph(*imported.graph, *imported.functions);
  for (EngineSummary& engine : summary.engines) {
    engine.targets = SavedEngineTargets(Env::Default(), saved_model_dir, engine.name);
  }
  return summary;
}

}  // namespace tftrt
