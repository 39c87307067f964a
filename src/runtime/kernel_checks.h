// Input checks and errors that native kernels of every op family share. Errors name the
// kernel's op ("Conv2D: filter must be 4-dimensional, ..."); the executor adds the node.
#ifndef TFTRT_RUNTIME_KERNEL_CHECKS_H_
#define TFTRT_RUNTIME_KERNEL_CHECKS_H_

#include <string_view>

#include "runtime/kernel.h"

namespace tftrt {

// "<op>: <message>" as InvalidArgument (bad input) / Unimplemented (a case tftrt lacks).
Status OpError(const OpKernelContext& ctx, std::string_view message);
Status OpUnimplemented(const OpKernelContext& ctx, std::string_view message);

// OK if the node has at least `count` inputs and they are set.
Status CheckNumInputs(const OpKernelContext& ctx, int count);

// OK if input `index` has `rank` dimensions; `what` names it ("input", "filter").
Status CheckRank(const OpKernelContext& ctx, int index, int rank, std::string_view what);

// OK if inputs `first`..`last` (inclusive) all have the dtype of input `first`.
Status CheckSameDtype(const OpKernelContext& ctx, int first, int last);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_KERNEL_CHECKS_H_
