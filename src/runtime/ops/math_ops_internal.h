// Input checks and error helpers shared by the math op families
// (runtime/ops/{unary,binary,cast,reduction}_ops.cc) and the training ops, which do math on
// variables.
#ifndef TFTRT_RUNTIME_OPS_MATH_OPS_INTERNAL_H_
#define TFTRT_RUNTIME_OPS_MATH_OPS_INTERNAL_H_

#include <string>
#include <string_view>

#include "runtime/kernel.h"

namespace tftrt::math_ops {

// An InvalidArgument naming the kernel's op: "<op>: <message>".
Status OpError(const OpKernelContext& ctx, std::string_view message);

// OK if the node has at least `count` inputs and they are set.
Status CheckNumInputs(const OpKernelContext& ctx, int count);

// OK if inputs `first`..`last` (inclusive) all have the dtype of input `first`.
Status CheckSameDtype(const OpKernelContext& ctx, int first, int last);

}  // namespace tftrt::math_ops

#endif  // TFTRT_RUNTIME_OPS_MATH_OPS_INTERNAL_H_
