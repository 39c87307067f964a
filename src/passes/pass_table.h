// The one ordered table of the converter's passes (one pass a file in src/passes/).
#ifndef TFTRT_PASSES_PASS_TABLE_H_
#define TFTRT_PASSES_PASS_TABLE_H_

#include <string_view>
#include <vector>

#include "passes/pass.h"

namespace tftrt {

// In the order they run; names are unique.
const std::vector<PassInfo>& Passes();

// The pass named `name`, or null.
const PassInfo* FindPass(std::string_view name);

}  // namespace tftrt

#endif  // TFTRT_PASSES_PASS_TABLE_H_
