// Running one registered kernel on a hand-built node, for the kernel unit tests.
#ifndef TFTRT_TESTS_RUNTIME_KERNEL_TEST_UTIL_H_
#define TFTRT_TESTS_RUNTIME_KERNEL_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "graph/attrs.h"
#include "graph/graph.h"
#include "runtime/engine_op.h"

namespace tftrt::testing {

// The tensors moved into a vector of kernel inputs. A braced list would copy them, and its
// copies live until the kernel returns, so the kernel could never own an input alone.
template <typename... Tensors>
std::vector<Tensor> MovedInputs(Tensors&&... tensors) {
  std::vector<Tensor> inputs;
  inputs.reserve(sizeof...(tensors));
  (inputs.push_back(std::forward<Tensors>(tensors)), ...);
  return inputs;
}

// Runs the kernel the runtime has for `op` on a node with `attrs`; returns its outputs.
inline StatusOr<std::vector<Tensor>> RunKernel(const std::string& op, AttrMap attrs,
                                               std::vector<Tensor> inputs,
                                               FunctionRunner* functions = nullptr) {
  KernelFn kernel = FindRuntimeKernel(op);
  if (kernel == nullptr) return Status::NotFound("no kernel for " + op);
  Node node;
  node.name = "test_" + op;
  node.op = op;
  node.attrs = std::move(attrs);
  OpKernelContext ctx(node, std::move(inputs), functions);
  TFTRT_RETURN_IF_ERROR(kernel(ctx));
  return std::move(ctx.outputs());
}

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_RUNTIME_KERNEL_TEST_UTIL_H_
