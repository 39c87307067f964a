#include "runtime/variable.h"

namespace tftrt {

StatusOr<Variable*> VariableFromHandle(const Tensor& handle, int index) {
  if (handle.dtype() != DataType::kResource || handle.NumElements() != 1) {
    return Status::InvalidArgument("input " + std::to_string(index) +
                                   " must be a scalar resource handle, got " +
                                   handle.DebugString());
  }
  auto* variable = dynamic_cast<Variable*>(handle.objects()[0].get());
  if (variable == nullptr) {
    return Status::InvalidArgument("input " + std::to_string(index) + " is not a variable");
  }
  return variable;
}

}  // namespace tftrt
