// The accuracy measure tftrt is judged by: the relative L2 error of a whole tensor,
// ‖actual−expected‖/‖expected‖ (absolute ‖actual−expected‖ when ‖expected‖ is 0).
// Non-finite expected elements are skipped (callers compare them separately).
#ifndef TFTRT_COMMON_RELATIVE_ERROR_H_
#define TFTRT_COMMON_RELATIVE_ERROR_H_

#include "tftrt/tensor.h"

namespace tftrt {

// REQUIRES: same shape; numeric or bool dtypes.
double RelativeError(const Tensor& actual, const Tensor& expected);

}  // namespace tftrt

#endif  // TFTRT_COMMON_RELATIVE_ERROR_H_
