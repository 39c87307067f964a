// tftrt compare: checks that a .npy result matches a reference .npy (e.g. TensorFlow's).
#include <cstdio>

#include "commands.h"
#include "common/npy.h"
#include "common/relative_error.h"

namespace tftrt::cli {
namespace {

Status Compare(const ParsedFlags& flags) {
  TFTRT_ASSIGN_OR_RETURN(Tensor actual, ReadNpyFile(flags.positional[0]));
  TFTRT_ASSIGN_OR_RETURN(Tensor expected, ReadNpyFile(flags.positional[1]));
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    return Status::InvalidArgument("mismatch: " + actual.DebugString() + " vs " +
                                   expected.DebugString());
  }
  if (!IsPodDataType(actual.dtype())) {
    return Status::Unimplemented("compare supports numeric and bool arrays");
  }
  const double tolerance = std::stod(flags.Get("tolerance", "1e-5"));
  const double error = RelativeError(actual, expected);
  std::printf("relative error %.3g (tolerance %.3g): %s\n", error, tolerance,
              error <= tolerance ? "match" : "MISMATCH");
  if (!(error <= tolerance)) return Status::InvalidArgument("results differ");
  return Status::Ok();
}

}  // namespace

Command CompareCommand() {
  return {{.name = "compare",
           .usage = "ACTUAL.npy EXPECTED.npy [--tolerance T]",
           .summary = "Compares two .npy arrays. Same dtype and shape, and a relative error "
                      "‖a−b‖/‖b‖ within the tolerance (default 1e-5); exit code 1 otherwise.",
           .flags = {{"tolerance", "T", "largest relative error accepted (default 1e-5)"}},
           .min_positional = 2,
           .max_positional = 2},
          Compare};
}

}  // namespace tftrt::cli
