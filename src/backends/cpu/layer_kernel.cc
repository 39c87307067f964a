#include "backends/cpu/layer_kernel.h"

#include "common/memory_limit.h"

namespace tftrt {

StatusOr<Node> MakeLayerNode(const std::string& name, const std::string& op,
                             const google::protobuf::Map<std::string, tensorflow::AttrValue>& attrs,
                             KernelFn* kernel) {
  *kernel = KernelRegistry::Global().Find(op);
  if (*kernel == nullptr) return Status::Unimplemented("no cpu kernel for op " + op);
  Node node;
  node.name = name;
  node.op = op;
  for (const auto& [key, value] : attrs) node.attrs[key] = value;
  return node;
}

StatusOr<std::vector<Tensor>> RunLayerKernel(const Node& node, KernelFn kernel,
                                             std::vector<Tensor> inputs) {
  OpKernelContext ctx(node, std::move(inputs), nullptr);
  TFTRT_RETURN_IF_ERROR_CTX(CatchAllocationFailure([&] { return kernel(ctx); }),
                            "while running engine layer '" + node.name + "' (" + node.op + ")");
  return std::move(ctx.outputs());
}

}  // namespace tftrt
