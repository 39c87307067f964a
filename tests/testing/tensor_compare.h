// Comparing tftrt's results with TensorFlow's: floating point by relative error of the
// whole tensor (‖a−b‖/‖b‖), everything else exactly; dtypes and shapes must match.
#ifndef TFTRT_TESTS_TESTING_TENSOR_COMPARE_H_
#define TFTRT_TESTS_TESTING_TENSOR_COMPARE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tftrt/tensor.h"

namespace tftrt::testing {

// How close floating-point results must be: relative error of the whole tensor, and
// optionally the largest elementwise error as a fraction of the largest |expected|, which
// catches what an L2 bound lets through (one wrong element in ten thousand).
struct Tolerance {
  double relative = 0;
  double max_abs_fraction = -1;  // < 0: not checked
};

// The tolerances of engine results against TensorFlow, by engine precision: "FP32" (full
// float32), "TF32" (float32 with TF32 tensor cores), "FP16" (half storage).
Tolerance EngineTolerance(const std::string& precision);

// OK if dtype and shape match and values agree (floats within `tolerance`, NaNs at the
// same places; other types exactly).
::testing::AssertionResult TensorsMatch(const Tensor& actual, const Tensor& expected,
                                        const Tolerance& tolerance);
inline ::testing::AssertionResult TensorsMatch(const Tensor& actual, const Tensor& expected,
                                               double relative_tolerance) {
  return TensorsMatch(actual, expected, Tolerance{relative_tolerance});
}

// TensorsMatch for every pair of `actual` and `expected`, which must be equally many; a
// failure names the index ("output 2: ...").
::testing::AssertionResult AllTensorsMatch(const std::vector<Tensor>& actual,
                                           const std::vector<Tensor>& expected,
                                           double relative_tolerance);

// True if `a` and `b` have the same dtype, shape and bytes (strings compared by value):
// identity, not closeness (-0.0 is not 0.0; a NaN equals the same NaN).
bool SameBytes(const Tensor& a, const Tensor& b);

// The directory named by environment variable `var`, or `fallback` if unset.
std::string DirFromEnv(const char* var, const std::string& fallback);

}  // namespace tftrt::testing

#endif  // TFTRT_TESTS_TESTING_TENSOR_COMPARE_H_
