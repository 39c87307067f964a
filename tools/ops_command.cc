// tftrt ops: lists the TensorFlow ops that tftrt's CPU runtime can run.
#include <cstdio>

#include "commands.h"
#include "runtime/engine_op.h"

namespace tftrt::cli {
namespace {

Status ListOps(const ParsedFlags&) {
  for (const std::string& op : RuntimeOps()) std::printf("%s\n", op.c_str());
  return Status::Ok();
}

}  // namespace

Command OpsCommand() {
  return {{.name = "ops",
           .usage = "",
           .summary = "Lists the TensorFlow ops that tftrt's CPU runtime can run, one per line.",
           .flags = {},
           .min_positional = 0,
           .max_positional = 0},
          ListOps};
}

}  // namespace tftrt::cli
