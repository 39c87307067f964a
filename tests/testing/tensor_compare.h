// Comparing tftrt's results with TensorFlow's: floating point by relative error of the
// whole tensor (‖a−b‖/‖b‖), everything else exactly; dtypes and shapes must match.
#ifndef TFTRT_TESTS_TESTING_TENSOR_COMPARE_H_
#define TFTRT_TESTS_TESTING_TENSOR_COMPARE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tftrt/tensor.h"

namespace tftrt::testing {

// OK if dtype and shape match and values agree (floats within `relative_tolerance`,
// NaNs at the same places; other types exactly).
::testing::AssertionResult TensorsMatch(const Tensor& actual, const Tensor& expected,
                                        double relative_tolerance);

// TensorsMatch for every pair of `actual` and `expected`, which must be equally many; a
// failure names the index ("output 2: ...").
::testing::AssertionResult AllTensorsMatch(const std::vector<Tensor>& actual,
                                           const std::vector<Tensor>& expected,
                                           double relative_tolerance);

// The directory named by environment variable `var`, or `fallback` if unset.
std::string DirFromEnv(const char* var, const std::string& fallback);

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_TENSOR_COMPARE_H_
