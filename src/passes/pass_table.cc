#include "passes/pass_table.h"

namespace tftrt {

// One file each under passes/.
Status PruneIdentity(Graph& graph);                  // prune_identity.cc
Status FoldConstants(Graph& graph);                  // constant_folding.cc
Status FoldBatchNorm(Graph& graph);                  // fold_batch_norm.cc
Status EliminateCommonSubexpressions(Graph& graph);  // common_subexpression.cc

const std::vector<PassInfo>& Passes() {
  // Pruning first lets folding see through Identity chains; folding turns read-only
  // variables into the constant weights that batch-norm folding needs; merging last
  // finds the duplicates the earlier passes made equal.
  static const std::vector<PassInfo> passes = {
      {"prune_identity",
       "remove Identity/IdentityN/Snapshot/StopGradient/NoOp (keeping their control "
       "dependencies) and nodes no output needs",
       PruneIdentity},
      {"constant_folding", "evaluate nodes whose inputs are constants, freeze read-only variables",
       FoldConstants},
      {"fold_batch_norm",
       "fold inference batch norms (fused, or Mul/Add by constants) into the preceding "
       "Conv2D, DepthwiseConv2dNative or MatMul and a BiasAdd",
       FoldBatchNorm},
      {"common_subexpression", "merge nodes that compute the same value (equal constants too)",
       EliminateCommonSubexpressions},
  };
  return passes;
}

const PassInfo* FindPass(std::string_view name) {
  for (const PassInfo& pass : Passes()) {
    if (name == pass.name) return &pass;
  }
  return nullptr;
}

}  // namespace tftrt
