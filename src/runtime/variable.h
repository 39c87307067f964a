// Variable: the value behind a resource tensor made by VarHandleOp. Each run of a graph
// creates its variables afresh from their checkpoint values, so a run that assigns to a
// variable (a training signature) does not leak into the next one.
#ifndef TFTRT_RUNTIME_VARIABLE_H_
#define TFTRT_RUNTIME_VARIABLE_H_

#include <mutex>
#include <string>

#include "tftrt/tensor.h"

namespace tftrt {

class Variable : public Object {
 public:
  Variable(std::string name, Tensor value) : name_(std::move(name)), value_(std::move(value)) {}
  std::string TypeName() const override { return "Variable"; }
  const std::string& name() const { return name_; }

  Tensor Read() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return value_;
  }
  void Assign(Tensor value) {
    std::lock_guard<std::mutex> lock(mutex_);
    value_ = std::move(value);
  }

 private:
  const std::string name_;
  mutable std::mutex mutex_;
  Tensor value_;
};

// The variable a resource tensor (an op's input `index`, for errors) refers to.
// InvalidArgument if it is not a scalar resource holding a Variable.
StatusOr<Variable*> VariableFromHandle(const Tensor& handle, int index);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_VARIABLE_H_
