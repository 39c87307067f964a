#include "segment/engine_node.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "graph/attrs.h"
#include "passes/graph_edits.h"

namespace tftrt {
namespace {

std::string EngineNodeName(int graph_sequence, int segment_index) {
  char name[64];
  std::snprintf(name, sizeof(name), "TRTEngineOp_%03d_%03d", graph_sequence, segment_index);
  return name;
}

// The segment's interface: its non-constant inputs and the outputs read outside it.
struct SegmentInterface {
  std::vector<Output> inputs;
  std::vector<Output> outputs;
  std::vector<Node*> control_inputs;
  std::set<const Node*> constants;
};

SegmentInterface InterfaceOf(const Graph& graph, const Segment& segment) {
  const std::set<const Node*> members(segment.nodes.begin(), segment.nodes.end());
  SegmentInterface interface;
  std::set<std::pair<const Node*, int>> seen_inputs;
  std::set<const Node*> seen_controls;
  for (const Node* node : segment.nodes) {
    for (const Output& input : node->inputs) {
      if (members.contains(input.node)) continue;
      if (input.node->op == "Const") {
        interface.constants.insert(input.node);
      } else if (seen_inputs.insert({input.node, input.index}).second) {
        interface.inputs.push_back(input);
      }
    }
    for (Node* control : node->control_inputs) {
      if (!members.contains(control) && control->op != "Const" &&
          seen_controls.insert(control).second) {
        interface.control_inputs.push_back(control);
      }
    }
  }
  std::set<std::pair<const Node*, int>> read_outside;
  for (const Node* node : graph.nodes()) {
    if (members.contains(node)) continue;
    for (const Output& input : node->inputs) {
      if (members.contains(input.node)) read_outside.insert({input.node, input.index});
    }
  }
  for (const GraphRet& ret : graph.rets()) {
    if (members.contains(ret.tensor.node)) read_outside.insert({ret.tensor.node, ret.tensor.index});
  }
  // In segment (topological) order, then output index.
  for (const Node* node : segment.nodes) {
    for (const auto& [producer, index] : read_outside) {
      if (producer == node) interface.outputs.push_back({const_cast<Node*>(node), index});
    }
  }
  return interface;
}

// What is known of a tensor's shape before the engine sees an input: a graph input's
// signature shape, or the shape TensorFlow recorded for the producer when it traced the
// model. (Attributes are made before any segment is replaced, so producers are never
// engine nodes here.)
PartialShape KnownShape(const Graph& graph, Output output) {
  for (const GraphArg& arg : graph.args()) {
    if (arg.node == output.node) return arg.shape;
  }
  return RecordedOutputShape(*output.node, output.index);
}

// The segment function: args TensorRTInputPH_<i>, copies of the segment nodes and the
// constants they read, rets TensorRTOutputPH_<i>.
std::shared_ptr<Graph> MakeSegmentFunction(const std::string& name, const Segment& segment,
                                           const SegmentInterface& interface,
                                           const GraphTypes& types) {
  auto function = std::make_shared<Graph>(name);
  std::map<std::pair<const Node*, int>, Output> mapped;
  for (size_t i = 0; i < interface.inputs.size(); ++i) {
    const Output& input = interface.inputs[i];
    const std::string arg_name = "TensorRTInputPH_" + std::to_string(i);
    const DataType dtype = types.of(input);
    Node* arg = function->AddNode(
        arg_name, "_Arg", {{"index", IntAttr(static_cast<int64_t>(i))}, {"T", TypeAttr(dtype)}});
    function->args().push_back({arg_name, arg, dtype, PartialShape()});
    mapped[{input.node, input.index}] = {arg, 0};
  }
  for (const Node* constant : interface.constants) {
    Node* copy = function->AddNode(constant->name, "Const", constant->attrs);
    copy->constant = constant->constant;
    mapped[{constant, 0}] = {copy, 0};
  }
  std::map<const Node*, Node*> copies;
  for (const Node* node : segment.nodes) {
    Node* copy = function->AddNode(node->name, node->op, node->attrs);
    copy->device = node->device;
    copy->constant = node->constant;
    copies[node] = copy;
    for (int i = 0; i < static_cast<int>(types.outputs(node).size()); ++i) {
      mapped[{node, i}] = {copy, i};
    }
  }
  for (const Node* node : segment.nodes) {
    Node* copy = copies[node];
    for (const Output& input : node->inputs)
      copy->inputs.push_back(mapped.at({input.node, input.index}));
    for (Node* control : node->control_inputs) {
      if (copies.contains(control)) copy->control_inputs.push_back(copies[control]);
    }
  }
  for (size_t i = 0; i < interface.outputs.size(); ++i) {
    const Output& output = interface.outputs[i];
    function->rets().push_back({"TensorRTOutputPH_" + std::to_string(i),
                                mapped.at({output.node, output.index}), types.of(output),
                                PartialShape()});
  }
  return function;
}

AttrMap EngineNodeAttrs(const Graph& graph, const std::string& function_name,
                        const SegmentInterface& interface, const GraphTypes& types,
                        const EngineNodeParams& params) {
  std::vector<DataType> in_types, out_types;
  std::vector<PartialShape> in_shapes, out_shapes;
  for (const Output& input : interface.inputs) {
    in_types.push_back(types.of(input));
    in_shapes.push_back(KnownShape(graph, input));
  }
  for (const Output& output : interface.outputs) {
    out_types.push_back(types.of(output));
    out_shapes.push_back(KnownShape(graph, output));
  }
  return {
      {"InT", TypeListAttr(in_types)},
      {"OutT", TypeListAttr(out_types)},
      {"input_shapes", ShapeListAttr(in_shapes)},
      {"output_shapes", ShapeListAttr(out_shapes)},
      {"segment_func", FuncAttr(function_name)},
      {"precision_mode", StringAttr(PrecisionName(params.precision))},
      {"max_cached_engines_count", IntAttr(params.max_cached_engines)},
      {"workspace_size_bytes", IntAttr(params.workspace_size_bytes)},
      {"use_calibration", BoolAttr(params.use_calibration)},
      {"calibration_data", StringAttr("")},
      {"_allow_build_at_runtime", BoolAttr(params.allow_build_at_runtime)},
      {"_tftrt_allow_tf32", BoolAttr(params.allow_tf32)},
      {"_use_implicit_batch", BoolAttr(false)},
      {"static_engine", BoolAttr(false)},
      {"serialized_segment", StringAttr("")},
      {"segment_funcdef_name", StringAttr("")},
      {"max_batch_size", IntAttr(1)},
  };
}

// Points every use of the segment at the engine node and removes the segment's nodes.
void ReplaceSegment(Graph& graph, const Segment& segment, const SegmentInterface& interface,
                    Node* engine) {
  for (size_t i = 0; i < interface.outputs.size(); ++i) {
    graph.ReplaceUses(interface.outputs[i], {engine, static_cast<int>(i)});
  }
  const std::set<const Node*> members(segment.nodes.begin(), segment.nodes.end());
  for (Node* node : segment.nodes) graph.ReplaceControlUses(node, engine);
  // A control dependency inside the segment now points at the engine node itself.
  for (Node* node : segment.nodes) node->control_inputs.clear();
  engine->control_inputs.erase(
      std::remove(engine->control_inputs.begin(), engine->control_inputs.end(), engine),
      engine->control_inputs.end());
  for (auto it = segment.nodes.rbegin(); it != segment.nodes.rend(); ++it) graph.RemoveNode(*it);
}

// Removes Const nodes that nothing reads any more.
void RemoveUnreadConstants(Graph& graph) {
  std::set<const Node*> read;
  for (const Node* node : graph.nodes()) {
    for (const Output& input : node->inputs) read.insert(input.node);
    for (const Node* control : node->control_inputs) read.insert(control);
  }
  for (const GraphRet& ret : graph.rets()) read.insert(ret.tensor.node);
  for (const Node* node : graph.control_rets()) read.insert(node);
  for (Node* node : graph.nodes()) {
    if (node->op == "Const" && !read.contains(node)) graph.RemoveNode(node);
  }
}

}  // namespace

std::string SegmentFunctionName(const std::string& engine_node_name) {
  return engine_node_name + "_native_segment";
}

StatusOr<std::vector<Node*>> CreateEngineNodes(Graph& graph, const std::vector<Segment>& segments,
                                               const GraphTypes& types,
                                               const EngineNodeParams& params, int graph_sequence,
                                               FunctionGraphs* functions) {
  // Functions and attributes first, while every node the types know is still there.
  std::vector<SegmentInterface> interfaces;
  std::vector<AttrMap> attrs;
  for (size_t s = 0; s < segments.size(); ++s) {
    interfaces.push_back(InterfaceOf(graph, segments[s]));
    const std::string name = EngineNodeName(graph_sequence, static_cast<int>(s));
    if (graph.FindNode(name) != nullptr) {
      return Status::AlreadyExists("the graph already has a node named " + name);
    }
    const std::string function_name = SegmentFunctionName(name);
    (*functions)[function_name] =
        MakeSegmentFunction(function_name, segments[s], interfaces[s], types);
    attrs.push_back(EngineNodeAttrs(graph, function_name, interfaces[s], types, params));
  }
  std::vector<Node*> engines;
  std::map<std::pair<const Node*, int>, Output> replaced;  // segment output -> engine output
  std::map<const Node*, Node*> replaced_control;           // segment node -> engine node
  for (size_t s = 0; s < segments.size(); ++s) {
    SegmentInterface& interface = interfaces[s];
    for (Output& input : interface.inputs) {
      auto it = replaced.find({input.node, input.index});
      if (it != replaced.end()) input = it->second;
    }
    for (Node*& control : interface.control_inputs) {
      auto it = replaced_control.find(control);
      if (it != replaced_control.end()) control = it->second;
    }
    Node* engine = graph.AddNode(EngineNodeName(graph_sequence, static_cast<int>(s)), "TRTEngineOp",
                                 std::move(attrs[s]), interface.inputs);
    engine->control_inputs = interface.control_inputs;
    for (size_t o = 0; o < interface.outputs.size(); ++o) {
      replaced[{interface.outputs[o].node, interface.outputs[o].index}] = {engine,
                                                                           static_cast<int>(o)};
    }
    for (Node* node : segments[s].nodes) replaced_control[node] = engine;
    ReplaceSegment(graph, segments[s], interface, engine);
    engines.push_back(engine);
  }
  RemoveUnreadConstants(graph);
  DropControlRetsThatRetsNeed(graph);
  return engines;
}

}  // namespace tftrt
