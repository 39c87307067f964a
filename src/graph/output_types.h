// The dtypes of a node's outputs, from its OpDef and attributes (TF's type inference for
// the fixed-type, type-attr, number-attr and type-list-attr output args).
#ifndef TFTRT_GRAPH_OUTPUT_TYPES_H_
#define TFTRT_GRAPH_OUTPUT_TYPES_H_

#include <map>
#include <vector>

#include "graph/graph.h"
#include "graph/op_defs.h"

namespace tftrt {

// The dtype of each output of `node`, in flat output order. An _Arg has its "T".
StatusOr<std::vector<DataType>> OutputTypes(const Node& node, const OpDefs& op_defs);

// The output dtypes of every node of a graph, computed once.
class GraphTypes {
 public:
  // Fails naming the first node whose types cannot be inferred.
  static StatusOr<GraphTypes> Infer(const Graph& graph, const OpDefs& op_defs);

  const std::vector<DataType>& outputs(const Node* node) const { return types_.at(node); }
  DataType of(Output output) const { return types_.at(output.node).at(output.index); }

 private:
  std::map<const Node*, std::vector<DataType>> types_;
};

}  // namespace tftrt

#endif  // TFTRT_GRAPH_OUTPUT_TYPES_H_
