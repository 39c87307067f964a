// The interface between the native executor and the kernels that run TF ops on the CPU.
//
// A kernel is a plain function `Status Kernel(OpKernelContext& ctx)`: it reads the node's
// attributes (graph/attrs.h) and inputs, and sets every output. Kernels are registered
// per TF op type in one table (runtime/op_table.cc) by one function per op family
// (runtime/ops/<family>.cc). Errors a kernel returns are bad input (wrong shapes, values
// out of range) and must say what is wrong; the executor adds which node failed.
//
// Thread safety: a context is used by one thread; kernels keep no state between calls.
#ifndef TFTRT_RUNTIME_KERNEL_H_
#define TFTRT_RUNTIME_KERNEL_H_

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

class EngineCaches;

// What kernels may use of the model they run in: its functions (If/While branches, loop
// bodies, engine segments), run on the executor, and the engine caches of its engine nodes.
class FunctionRunner {
 public:
  virtual ~FunctionRunner() = default;
  virtual StatusOr<std::vector<Tensor>> Run(const std::string& function_name,
                                            std::vector<Tensor> args) = 0;
  // The graph of a function, or null.
  virtual const Graph* FindFunction(const std::string& function_name) const = 0;
  virtual EngineCaches& engine_caches() = 0;
};

class OpKernelContext {
 public:
  OpKernelContext(const Node& node, std::vector<Tensor> inputs, FunctionRunner* functions)
      : node_(node), inputs_(std::move(inputs)), functions_(functions) {}

  const Node& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  const Tensor& input(int i) const { return inputs_[i]; }
  // Taking an input lets a kernel reuse its buffer when nobody else holds it.
  Tensor TakeInput(int i) { return std::move(inputs_[i]); }

  void set_output(int i, Tensor tensor) {
    if (static_cast<int>(outputs_.size()) <= i) outputs_.resize(i + 1);
    outputs_[i] = std::move(tensor);
  }
  std::vector<Tensor>& outputs() { return outputs_; }

  // Null where no functions are available (e.g. single-op tests).
  FunctionRunner* functions() const { return functions_; }

 private:
  const Node& node_;
  std::vector<Tensor> inputs_;
  std::vector<Tensor> outputs_;
  FunctionRunner* functions_;
};

using KernelFn = Status (*)(OpKernelContext& ctx);

// The model's functions, for kernels that call them (If, While, engine nodes);
// FailedPrecondition where none are available.
inline StatusOr<FunctionRunner*> ModelFunctions(const OpKernelContext& ctx) {
  if (ctx.functions() == nullptr) {
    return Status::FailedPrecondition(ctx.node().op +
                                      " needs the model's functions, and none were given");
  }
  return ctx.functions();
}

class KernelRegistry {
 public:
  // The registry of every native kernel, built once from runtime/op_table.cc.
  static const KernelRegistry& Global();

  // REQUIRES: `op` not registered yet.
  void Register(const std::string& op, KernelFn kernel);
  // Null if there is no kernel for `op`.
  KernelFn Find(const std::string& op) const;
  std::vector<std::string> Ops() const;

 private:
  std::map<std::string, KernelFn> kernels_;
};

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_KERNEL_H_
