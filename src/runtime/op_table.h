// One registration function per op family (runtime/ops/<family>.cc); op_table.cc calls
// them all to build KernelRegistry::Global(). Adding an op family = one file + one line.
#ifndef TFTRT_RUNTIME_OP_TABLE_H_
#define TFTRT_RUNTIME_OP_TABLE_H_

#include "runtime/kernel.h"

namespace tftrt {

void RegisterAllOps(KernelRegistry& registry);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_OP_TABLE_H_
