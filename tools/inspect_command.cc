// tftrt inspect: what a SavedModel holds (tags, signatures, functions, ops, variables).
#include <cstdio>
#include <map>

#include "commands.h"
#include "common/env.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_bundle_reader.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt::cli {
namespace {

std::string DescribeTensorInfo(const tensorflow::TensorInfo& info) {
  std::string dtype = DataTypeProtoName(info.dtype());
  auto parsed = DataTypeFromProto(info.dtype());
  if (parsed.ok()) dtype = std::string(DataTypeName(*parsed));
  std::string shape = "<unknown rank>";
  if (auto partial = PartialShapeFromProto(info.tensor_shape()); partial.ok()) {
    shape = partial->ToString();
  }
  std::string where = info.has_name() ? info.name() : std::string("<composite>");
  return dtype + shape + "  (" + where + ")";
}

void PrintSignatures(const tensorflow::MetaGraphDef& meta_graph) {
  // Keys starting with "__" (the init op) are TF's plumbing, not callable signatures.
  std::map<std::string, tensorflow::SignatureDef> signatures;
  for (const auto& [key, signature] : meta_graph.signature_def()) {
    if (!key.starts_with("__")) signatures[key] = signature;
  }
  std::printf("signatures: %zu\n", signatures.size());
  for (const auto& [key, signature] : signatures) {
    std::printf("  %s\n", key.c_str());
    std::map<std::string, tensorflow::TensorInfo> inputs(signature.inputs().begin(),
                                                         signature.inputs().end());
    std::map<std::string, tensorflow::TensorInfo> outputs(signature.outputs().begin(),
                                                          signature.outputs().end());
    for (const auto& [name, info] : inputs) {
      std::printf("    input  %-24s %s\n", name.c_str(), DescribeTensorInfo(info).c_str());
    }
    for (const auto& [name, info] : outputs) {
      std::printf("    output %-24s %s\n", name.c_str(), DescribeTensorInfo(info).c_str());
    }
  }
}

void PrintOps(const tensorflow::MetaGraphDef& meta_graph) {
  std::map<std::string, int> histogram;
  const auto& graph_def = meta_graph.graph_def();
  for (const auto& node : graph_def.node()) ++histogram[node.op()];
  for (const auto& function : graph_def.library().function()) {
    for (const auto& node : function.node_def()) ++histogram[node.op()];
  }
  std::printf("functions: %d\n", graph_def.library().function_size());
  std::printf("nodes: %d top-level; op types (top level and functions):\n", graph_def.node_size());
  for (const auto& [op, count] : histogram) std::printf("  %-32s %d\n", op.c_str(), count);
}

void PrintVariables(const SavedModelBundle& bundle) {
  if (bundle.variables == nullptr) {
    std::printf("variables: none\n");
    return;
  }
  int count = 0;
  int64_t bytes = 0;
  for (const BundleEntryInfo& entry : bundle.variables->List()) {
    if (entry.key.empty() || entry.key == kObjectGraphProtoKey) continue;
    ++count;
    bytes += entry.size_bytes;
  }
  std::printf("variables: %d checkpoint tensors, %lld bytes\n", count,
              static_cast<long long>(bytes));
}

Status Inspect(const ParsedFlags& flags) {
  const std::string dir = flags.positional[0];
  TFTRT_ASSIGN_OR_RETURN(tensorflow::SavedModel saved_model,
                         ReadSavedModelProto(Env::Default(), dir));
  std::printf("SavedModel: %s\n", dir.c_str());
  std::printf("meta graphs: %d\n", saved_model.meta_graphs_size());
  for (const auto& meta_graph : saved_model.meta_graphs()) {
    std::string tags;
    for (const auto& tag : meta_graph.meta_info_def().tags())
      tags += (tags.empty() ? "" : ",") + tag;
    // A converted model records its source's version: the TensorFlow whose ops it uses.
    const std::string& version = meta_graph.meta_info_def().tensorflow_version();
    std::printf(
        "  tags {%s}, %s\n", tags.c_str(),
        version.empty() ? "no TensorFlow version recorded" : ("TensorFlow " + version).c_str());
  }
  std::set<std::string> tags;
  for (const std::string& tag : flags.GetAll("tag")) tags.insert(tag);
  if (tags.empty()) tags = {kServeTag};
  TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle, ReadSavedModel(Env::Default(), dir, tags));
  PrintSignatures(bundle.meta_graph);
  PrintOps(bundle.meta_graph);
  PrintVariables(bundle);
  return Status::Ok();
}

}  // namespace

Command InspectCommand() {
  return {{.name = "inspect",
           .usage = "DIR [--tag TAG ...]",
           .summary = "Prints what a SavedModel holds. Its meta graphs (tags), the signatures "
                      "of the chosen one with each input and output's dtype and shape, the "
                      "number of functions, a histogram of op types, and the number and bytes "
                      "of the checkpoint's tensors.",
           .flags = {{"tag", "TAG", "MetaGraph tag (repeatable; default serve)"}},
           .min_positional = 1,
           .max_positional = 1},
          Inspect};
}

}  // namespace tftrt::cli
