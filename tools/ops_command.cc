// tftrt ops: lists the TensorFlow ops that tftrt's CPU runtime can run, or with --markdown
// the op table of docs/ops.md (which of them engines take, and how).
#include <cstdio>

#include "commands.h"
#include "ops_markdown.h"
#include "runtime/engine_op.h"

namespace tftrt::cli {
namespace {

Status ListOps(const ParsedFlags& flags) {
  if (flags.Has("markdown")) {
    std::fputs(OpsMarkdown().c_str(), stdout);
    return Status::Ok();
  }
  for (const std::string& op : RuntimeOps()) std::printf("%s\n", op.c_str());
  return Status::Ok();
}

}  // namespace

Command OpsCommand() {
  return {{.name = "ops",
           .usage = "[--markdown]",
           .summary = "Lists the TensorFlow ops that tftrt's CPU runtime can run, one per line; "
                      "with --markdown, the table of docs/ops.md: each op, whether engines "
                      "take it, with which dtypes, constant and shape inputs and conditions.",
           .flags = {{"markdown", "", "print docs/ops.md (the op table) instead"}},
           .min_positional = 0,
           .max_positional = 0},
          ListOps};
}

}  // namespace tftrt::cli
