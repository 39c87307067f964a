#include "common/check.h"
#include "runtime/kernel.h"
#include "runtime/op_table.h"

namespace tftrt {

const KernelRegistry& KernelRegistry::Global() {
  static const KernelRegistry* registry = [] {
    auto* r = new KernelRegistry();
    RegisterAllOps(*r);
    return r;
  }();
  return *registry;
}

void KernelRegistry::Register(const std::string& op, KernelFn kernel) {
  TFTRT_CHECK_MSG(!kernels_.contains(op), op.c_str());
  kernels_[op] = kernel;
}

KernelFn KernelRegistry::Find(const std::string& op) const {
  auto it = kernels_.find(op);
  return it == kernels_.end() ? nullptr : it->second;
}

std::vector<std::string> KernelRegistry::Ops() const {
  std::vector<std::string> ops;
  for (const auto& [op, kernel] : kernels_) ops.push_back(op);
  return ops;
}

}  // namespace tftrt
