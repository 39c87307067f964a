// Functional control flow, as TF2 SavedModels hold it (tf.cond, tf.while_loop, tf.switch_case,
// Keras RNN layers): If, While and Case nodes whose branches and bodies are functions of the
// model, run through the executor's FunctionRunner.
//
// Loop variables and branch arguments are moved into the functions they feed, so that a
// TensorList updated once per iteration stays uniquely owned and is updated in place.
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "runtime/kernel.h"

namespace tftrt {
namespace {

// TF's truthiness of a predicate (functional_ops.cc ToBool): a scalar is true when it is
// nonzero (numbers, bool) or non-empty (strings); any other tensor is true when it has
// elements.
StatusOr<bool> PredicateValue(const Tensor& predicate) {
  if (!predicate.is_valid()) return Status::InvalidArgument("the predicate is not set");
  if (predicate.rank() != 0) return predicate.NumElements() > 0;
  switch (predicate.dtype()) {
    case DataType::kString:
      return !predicate.flat<std::string>()[0].empty();
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kHalf:
    case DataType::kBFloat16:
      return predicate.ElementAsDouble(0) != 0;  // NaN is true, as in TF
    case DataType::kComplex64:
    case DataType::kComplex128:
    case DataType::kResource:
    case DataType::kVariant:
      return Status::InvalidArgument("a " + predicate.DebugString() +
                                     " predicate cannot be converted to a boolean");
    default:
      return predicate.ElementAsInt64(0) != 0;
  }
}

// Inputs [first, num_inputs), moved out of the context.
std::vector<Tensor> TakeInputsFrom(OpKernelContext& ctx, int first) {
  std::vector<Tensor> args;
  args.reserve(ctx.num_inputs() - first);
  for (int i = first; i < ctx.num_inputs(); ++i) args.push_back(ctx.TakeInput(i));
  return args;
}

// Runs `function` and checks its results against the node's Tout attribute (when the node
// has one): count, and dtype of each result.
StatusOr<std::vector<Tensor>> RunBranch(OpKernelContext& ctx, const std::string& function,
                                        std::vector<Tensor> args) {
  TFTRT_ASSIGN_OR_RETURN(FunctionRunner * functions, ModelFunctions(ctx));
  auto results = functions->Run(function, std::move(args));
  if (!results.ok()) {
    return results.status().WithContext("in branch function '" + function + "'");
  }
  if (HasAttr(ctx.node(), "Tout")) {
    TFTRT_ASSIGN_OR_RETURN(std::vector<DataType> tout, GetTypeListAttr(ctx.node(), "Tout"));
    if (results->size() != tout.size()) {
      return Status::InvalidArgument("branch function '" + function + "' returned " +
                                     std::to_string(results->size()) +
                                     " values; the node expects " + std::to_string(tout.size()));
    }
    for (size_t i = 0; i < tout.size(); ++i) {
      const Tensor& result = (*results)[i];
      if (result.is_valid() && result.dtype() != tout[i]) {
        return Status::InvalidArgument("branch function '" + function + "' returned " +
                                       result.DebugString() + " as output " + std::to_string(i) +
                                       "; the node expects " + std::string(DataTypeName(tout[i])));
      }
    }
  }
  return results;
}

void SetOutputs(OpKernelContext& ctx, std::vector<Tensor> outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    ctx.set_output(static_cast<int>(i), std::move(outputs[i]));
  }
}

// If, StatelessIf: inputs (cond, args...); runs then_branch or else_branch on args.
Status IfKernel(OpKernelContext& ctx) {
  if (ctx.num_inputs() < 1) return Status::InvalidArgument("If needs a cond input");
  TFTRT_ASSIGN_OR_RETURN(bool condition, PredicateValue(ctx.input(0)));
  TFTRT_ASSIGN_OR_RETURN(std::string branch,
                         GetFuncAttr(ctx.node(), condition ? "then_branch" : "else_branch"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> results,
                         RunBranch(ctx, branch, TakeInputsFrom(ctx, 1)));
  SetOutputs(ctx, std::move(results));
  return Status::Ok();
}

// Case, StatelessCase: inputs (branch_index, args...); runs branches[branch_index], or the
// last branch when the index is out of range (TF's default branch).
Status CaseKernel(OpKernelContext& ctx) {
  if (ctx.num_inputs() < 1) return Status::InvalidArgument("Case needs a branch_index input");
  const Tensor& index_tensor = ctx.input(0);
  if (index_tensor.dtype() != DataType::kInt32 || index_tensor.rank() != 0) {
    return Status::InvalidArgument("branch_index must be an int32 scalar, got " +
                                   index_tensor.DebugString());
  }
  auto it = ctx.node().attrs.find("branches");
  if (it == ctx.node().attrs.end() || it->second.list().func_size() == 0) {
    return Status::InvalidArgument("Case node " + ctx.node().Describe() +
                                   " has no 'branches' functions");
  }
  const auto& branches = it->second.list().func();
  int64_t index = index_tensor.flat<int32_t>()[0];
  if (index < 0 || index >= branches.size()) index = branches.size() - 1;
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> results,
                         RunBranch(ctx, branches[index].name(), TakeInputsFrom(ctx, 1)));
  SetOutputs(ctx, std::move(results));
  return Status::Ok();
}

// While, StatelessWhile: inputs are the loop variables; while cond(vars) is true,
// vars = body(vars). The outputs are the final vars. Iterative, with no iteration cap
// (TF has none either): a loop that never ends here never ends in TF.
Status WhileKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(FunctionRunner * functions, ModelFunctions(ctx));
  TFTRT_ASSIGN_OR_RETURN(std::string cond, GetFuncAttr(ctx.node(), "cond"));
  TFTRT_ASSIGN_OR_RETURN(std::string body, GetFuncAttr(ctx.node(), "body"));
  std::vector<Tensor> vars = TakeInputsFrom(ctx, 0);
  std::vector<DataType> dtypes;
  for (const Tensor& var : vars) dtypes.push_back(var.dtype());
  for (int64_t iteration = 0;; ++iteration) {
    const std::string where = " (iteration " + std::to_string(iteration) + ")";
    // cond gets copies; they are gone once it returns, so body sees the only references.
    auto cond_results = functions->Run(cond, vars);
    if (!cond_results.ok()) {
      return cond_results.status().WithContext("in loop condition '" + cond + "'" + where);
    }
    if (cond_results->size() != 1) {
      return Status::InvalidArgument("loop condition '" + cond + "' returned " +
                                     std::to_string(cond_results->size()) +
                                     " values; expected one predicate");
    }
    auto keep_going = PredicateValue((*cond_results)[0]);
    if (!keep_going.ok()) {
      return keep_going.status().WithContext("in the result of loop condition '" + cond + "'");
    }
    if (!*keep_going) break;
    auto body_results = functions->Run(body, std::move(vars));
    if (!body_results.ok()) {
      return body_results.status().WithContext("in loop body '" + body + "'" + where);
    }
    if (body_results->size() != dtypes.size()) {
      return Status::InvalidArgument("loop body '" + body + "' returned " +
                                     std::to_string(body_results->size()) +
                                     " loop variables; expected " + std::to_string(dtypes.size()));
    }
    for (size_t i = 0; i < dtypes.size(); ++i) {
      const DataType returned = (*body_results)[i].dtype();
      if (returned != dtypes[i]) {
        return Status::InvalidArgument(
            "loop body '" + body + "' returned loop variable " + std::to_string(i) + " as " +
            std::string(DataTypeName(returned)) + "; it entered the loop as " +
            std::string(DataTypeName(dtypes[i])));
      }
    }
    vars = std::move(*body_results);
  }
  SetOutputs(ctx, std::move(vars));
  return Status::Ok();
}

}  // namespace

void RegisterControlFlowOps(KernelRegistry& registry) {
  registry.Register("If", IfKernel);
  registry.Register("StatelessIf", IfKernel);
  registry.Register("Case", CaseKernel);
  registry.Register("StatelessCase", CaseKernel);
  registry.Register("While", WhileKernel);
  registry.Register("StatelessWhile", WhileKernel);
}

}  // namespace tftrt
