// How the cpu backend runs one TF op of a layer: a Node carrying the op and its
// attributes, run by the op's native kernel (the runtime's kernel registry), so engine
// layers and native TF ops compute identically.
#ifndef TFTRT_BACKENDS_CPU_LAYER_KERNEL_H_
#define TFTRT_BACKENDS_CPU_LAYER_KERNEL_H_

#include <string>
#include <vector>

#include "graph/graph.h"
#include "proto/attr_value.pb.h"
#include "runtime/kernel.h"

namespace tftrt {

// A node for `op` with `attrs`, and its kernel in *kernel; Unimplemented for an op without
// a cpu kernel.
StatusOr<Node> MakeLayerNode(const std::string& name, const std::string& op,
                             const google::protobuf::Map<std::string, tensorflow::AttrValue>& attrs,
                             KernelFn* kernel);

// Runs one kernel on `inputs`; returns its outputs. Errors name the layer.
StatusOr<std::vector<Tensor>> RunLayerKernel(const Node& node, KernelFn kernel,
                                             std::vector<Tensor> inputs);

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_CPU_LAYER_KERNEL_H_
