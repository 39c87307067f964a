// Graph edits the passes share, each keeping TF's meaning: who reads a node's outputs,
// turning a node into a constant, control dependencies through constants, and removing
// the nodes nothing needs.
#ifndef TFTRT_PASSES_GRAPH_EDITS_H_
#define TFTRT_PASSES_GRAPH_EDITS_H_

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace tftrt {

// How many data inputs and rets read `output`.
int NumUses(const Graph& graph, Output output);

// Per node, the indices of its outputs that a data input or a ret reads, ascending
// (nodes nothing reads are absent).
std::map<const Node*, std::vector<int>> UsedOutputs(const Graph& graph);

// Turns `node` in place into a Const holding `value` that depends on `control_inputs`:
// its name, its uses of output 0 and its control uses stay.
void BecomeConst(Node* node, Tensor value, std::vector<Node*> control_inputs);

// Adds a Const node named after `base_name` (made unique).
Node* AddConst(Graph& graph, const std::string& base_name, Tensor value,
               std::vector<Node*> control_inputs);

// `controls` with every Const replaced by its own control inputs (recursively), without
// duplicates: a Const runs no code, so waiting for it means waiting for what it waits for.
std::vector<Node*> ControlsThroughConsts(const std::vector<Node*>& controls);

// Appends `controls` to `node`'s control inputs, skipping ones it has and itself.
void AddControlInputs(Node* node, const std::vector<Node*>& controls);

// Appends `nodes` to the graph's control rets, skipping ones it has.
void AddControlRets(Graph& graph, const std::vector<Node*>& nodes);

// Makes whatever waited for `from` (control inputs, control rets) wait for each of `to`.
void ReplaceControlUsesWith(Graph& graph, Node* from, const std::vector<Node*>& to);

// Applies ControlsThroughConsts to every node's control inputs and to the control rets.
void RemoveControlEdgesOnConsts(Graph& graph);

// Drops the control rets that a ret needs anyway (a control ret only makes the function
// run a node).
void DropControlRetsThatRetsNeed(Graph& graph);

// Removes every node that no ret, control ret or arg needs: the executor never runs them.
Status RemoveUnneededNodes(Graph& graph);

}  // namespace tftrt

#endif  // TFTRT_PASSES_GRAPH_EDITS_H_
