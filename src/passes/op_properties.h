// What passes need to know about an op type before they evaluate, merge or drop a node.
#ifndef TFTRT_PASSES_OP_PROPERTIES_H_
#define TFTRT_PASSES_OP_PROPERTIES_H_

#include <string>

namespace tftrt {

// TF's OpDef is_stateful flag (variables, assertions, control flow that may call
// stateful functions), from tftrt's builtin OpDef table. An op the table lacks counts as
// stateful: a pass must not assume that an op it does not know is pure.
bool IsStatefulOp(const std::string& op);

}  // namespace tftrt

#endif  // TFTRT_PASSES_OP_PROPERTIES_H_
