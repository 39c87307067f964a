// The kernels the runtime's executor runs: every native TF-op kernel (KernelRegistry),
// plus the engine node TRTEngineOp, which lives here rather than among the native kernels
// because it builds and runs engines (engine/, backends/) that the native kernels sit below.
#ifndef TFTRT_RUNTIME_ENGINE_OP_H_
#define TFTRT_RUNTIME_ENGINE_OP_H_

#include <string>
#include <vector>

#include "runtime/kernel.h"

namespace tftrt {

inline constexpr char kEngineOp[] = "TRTEngineOp";
// An engine node's INT8 candidate layers kept in FP16 (a list of layer names), which an
// INT8 error limit chose (api/int8_accuracy.h). The leading '_' keeps stock TF from
// checking it against TRTEngineOp's op def.
inline constexpr char kInt8Fp16LayersAttr[] = "_tftrt_int8_fp16_layers";

// The kernel of `op`, or null when the runtime cannot run it.
KernelFn FindRuntimeKernel(const std::string& op);
// Every TensorFlow op the runtime runs, sorted (the engine-only ops of engine/ops left out).
std::vector<std::string> RuntimeOps();

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_ENGINE_OP_H_
