// Graph: tftrt's dataflow IR. One Graph per function (the signature's function after
// inlining, and each If/While branch or body kept as a separate function).
//
// A Node is a TF op instance (op type, attributes as TF AttrValue protos, data inputs as
// (node, output index) pairs, control inputs). The graph's interface is its args (nodes
// of op "_Arg", in order) and rets (named node outputs). Nodes are owned by the Graph and
// their addresses are stable until removed.
//
// Thread safety: a Graph is not synchronized; build and transform it on one thread, then
// share it read-only.
#ifndef TFTRT_GRAPH_GRAPH_H_
#define TFTRT_GRAPH_GRAPH_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "proto/attr_value.pb.h"
#include "tftrt/tensor.h"

namespace tftrt {

using AttrMap = std::map<std::string, tensorflow::AttrValue>;

struct Node;

// One output of a node: the edge source of a data input.
struct Output {
  Node* node = nullptr;
  int index = 0;
  bool operator==(const Output& other) const = default;
};

struct Node {
  int id = -1;  // unique within its graph; not reused after removal
  std::string name;
  std::string op;
  std::string device;
  AttrMap attrs;
  std::vector<Output> inputs;
  std::vector<Node*> control_inputs;
  // Const: its value, parsed once at import so that runs share the buffer (the "value"
  // attribute is then not kept). VarHandleOp: the variable's checkpoint value.
  Tensor constant;

  // "'conv1' (Conv2D)": how errors name a node.
  std::string Describe() const { return "'" + name + "' (" + op + ")"; }
};

// A graph argument: a node of op "_Arg" that the caller feeds.
struct GraphArg {
  std::string name;
  Node* node = nullptr;
  DataType dtype = DataType::kInvalid;
  PartialShape shape;
};

// A graph result: a named node output.
struct GraphRet {
  std::string name;
  Output tensor;
  DataType dtype = DataType::kInvalid;
  PartialShape shape;
};

class Graph {
 public:
  explicit Graph(std::string name = "") : name_(std::move(name)) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const std::string& name() const { return name_; }

  // Adds a node. Its name must be unique in the graph (checked by the verifier).
  Node* AddNode(std::string name, std::string op, AttrMap attrs = {},
                std::vector<Output> inputs = {});
  // Removes a node. REQUIRES: no other node or ret uses it.
  void RemoveNode(Node* node);
  // Points every use of `from` (data inputs of nodes and rets) at `to`.
  void ReplaceUses(Output from, Output to);
  // Makes every node that has `from` as a control input depend on `to` instead (or on
  // nothing when `to` is null); a control ret `from` becomes `to` likewise.
  void ReplaceControlUses(Node* from, Node* to);

  Node* FindNode(const std::string& name) const;
  // A name not yet used in the graph, derived from `base`.
  std::string UniqueName(const std::string& base) const;

  // Nodes in insertion order (not necessarily topological).
  std::vector<Node*> nodes() const;
  int num_nodes() const { return static_cast<int>(nodes_.size()); }

  std::vector<GraphArg>& args() { return args_; }
  const std::vector<GraphArg>& args() const { return args_; }
  std::vector<GraphRet>& rets() { return rets_; }
  const std::vector<GraphRet>& rets() const { return rets_; }
  // Nodes that must run even though no ret depends on them (stateful side effects).
  std::vector<Node*>& control_rets() { return control_rets_; }
  const std::vector<Node*>& control_rets() const { return control_rets_; }

 private:
  std::string name_;
  std::map<int, std::unique_ptr<Node>> nodes_;  // by id: iteration = insertion order
  std::map<std::string, Node*> by_name_;
  int next_id_ = 0;
  std::vector<GraphArg> args_;
  std::vector<GraphRet> rets_;
  std::vector<Node*> control_rets_;
};

// The graphs of a model's functions, by name (If/While branches and bodies).
using FunctionGraphs = std::map<std::string, std::shared_ptr<const Graph>>;

// Nodes in an order where every node comes after its data and control inputs; only the
// nodes that `roots` (and the control rets) need when `only_needed` is true.
// Fails if the graph has a cycle.
StatusOr<std::vector<Node*>> TopologicalOrder(const Graph& graph, bool only_needed);

}  // namespace tftrt

#endif  // TFTRT_GRAPH_GRAPH_H_
