// docs/ops.md, generated from tftrt's registries: every op the runtime runs natively and
// what engines take of it (dtypes, constant and shape operands, attribute conditions).
// `tftrt ops --markdown` prints it; tests/tools/ops_doc_test.cc fails when the file in the
// source tree differs.
#ifndef TFTRT_TOOLS_OPS_MARKDOWN_H_
#define TFTRT_TOOLS_OPS_MARKDOWN_H_

#include <string>

namespace tftrt::cli {

std::string OpsMarkdown();

}  // namespace tftrt::cli

#endif  // TFTRT_TOOLS_OPS_MARKDOWN_H_
