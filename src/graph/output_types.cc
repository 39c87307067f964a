#include "graph/output_types.h"

#include "graph/attrs.h"

namespace tftrt {
namespace {

// More outputs in one list than any op has: the count is an attribute value from the model,
// and a corrupt one must not size an allocation (nor, negative, throw).
constexpr int64_t kMaxOutputListLength = int64_t{1} << 20;

// Appends the dtypes of one output arg of `node`.
Status AppendArgTypes(const Node& node, const tensorflow::OpDef::ArgDef& arg,
                      std::vector<DataType>* types) {
  if (!arg.type_list_attr().empty()) {
    TFTRT_ASSIGN_OR_RETURN(std::vector<DataType> list, GetTypeListAttr(node, arg.type_list_attr()));
    types->insert(types->end(), list.begin(), list.end());
    return Status::Ok();
  }
  DataType dtype = static_cast<DataType>(arg.type());
  if (!arg.type_attr().empty()) {
    TFTRT_ASSIGN_OR_RETURN(dtype, GetTypeAttr(node, arg.type_attr()));
  }
  int64_t count = 1;
  if (!arg.number_attr().empty()) {
    TFTRT_ASSIGN_OR_RETURN(count, GetIntAttr(node, arg.number_attr()));
    if (count < 0 || count > kMaxOutputListLength) {
      return Status::InvalidArgument("attribute '" + arg.number_attr() +
                                     "' = " + std::to_string(count) + " of " + node.Describe() +
                                     " is not a count of outputs (0 to " +
                                     std::to_string(kMaxOutputListLength) + ")");
    }
  }
  types->insert(types->end(), count, dtype);
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<DataType>> OutputTypes(const Node& node, const OpDefs& op_defs) {
  if (node.op == "_Arg") {
    TFTRT_ASSIGN_OR_RETURN(DataType dtype, GetTypeAttr(node, "T"));
    return std::vector<DataType>{dtype};
  }
  const tensorflow::OpDef* op_def = op_defs.Find(node.op);
  if (op_def == nullptr) {
    return Status::Unimplemented("no OpDef for op '" + node.op + "' of node " + node.Describe());
  }
  std::vector<DataType> types;
  for (const auto& arg : op_def->output_arg()) {
    TFTRT_RETURN_IF_ERROR_CTX(AppendArgTypes(node, arg, &types),
                              "while inferring the output types of " + node.Describe());
  }
  return types;
}

StatusOr<GraphTypes> GraphTypes::Infer(const Graph& graph, const OpDefs& op_defs) {
  GraphTypes result;
  for (const Node* node : graph.nodes()) {
    TFTRT_ASSIGN_OR_RETURN(result.types_[node], OutputTypes(*node, op_defs));
  }
  return result;
}

}  // namespace tftrt
