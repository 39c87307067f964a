#include "testing/tensor_compare.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/relative_error.h"

namespace tftrt::testing {
namespace {

bool IsFloating(DataType dtype) {
  return dtype == DataType::kFloat || dtype == DataType::kDouble || dtype == DataType::kHalf ||
         dtype == DataType::kBFloat16;
}

// A complex tensor as its real and imaginary parts: a real tensor with a last dimension
// of 2 (the same bytes), compared as floating point.
Tensor ComplexAsReal(const Tensor& complex) {
  Shape shape = complex.shape();
  shape.push_back(2);
  Tensor real(complex.dtype() == DataType::kComplex64 ? DataType::kFloat : DataType::kDouble,
              shape);
  std::memcpy(real.raw_data(), complex.raw_data(), complex.ByteSize());
  return real;
}

}  // namespace

Tolerance EngineTolerance(const std::string& precision) {
  if (precision == "FP16") return {2e-2, 5e-2};
  if (precision == "TF32") return {5e-3};
  return {1e-4};
}

::testing::AssertionResult TensorsMatch(const Tensor& actual, const Tensor& expected,
                                        const Tolerance& tolerance) {
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "got " << actual.DebugString() << ", expected " << expected.DebugString();
  }
  if (expected.dtype() == DataType::kComplex64 || expected.dtype() == DataType::kComplex128) {
    return TensorsMatch(ComplexAsReal(actual), ComplexAsReal(expected), tolerance);
  }
  const int64_t n = expected.NumElements();
  if (IsFloating(expected.dtype())) {
    for (int64_t i = 0; i < n; ++i) {
      const double a = actual.ElementAsDouble(i), b = expected.ElementAsDouble(i);
      if (std::isnan(a) != std::isnan(b) || (std::isinf(b) && a != b)) {
        return ::testing::AssertionFailure()
               << "element " << i << ": got " << a << ", expected " << b;
      }
    }
    const double error = RelativeError(actual, expected);
    if (!(error <= tolerance.relative)) {
      return ::testing::AssertionFailure()
             << "relative error " << error << " > " << tolerance.relative << "\n  got      "
             << actual.ValuesString() << "\n  expected " << expected.ValuesString();
    }
    if (tolerance.max_abs_fraction >= 0) {
      double largest = 0, worst = 0;
      int64_t worst_index = 0;
      for (int64_t i = 0; i < n; ++i) {
        const double a = actual.ElementAsDouble(i), b = expected.ElementAsDouble(i);
        if (!std::isfinite(b)) continue;
        largest = std::max(largest, std::abs(b));
        if (std::abs(a - b) > worst) {
          worst = std::abs(a - b);
          worst_index = i;
        }
      }
      if (worst > tolerance.max_abs_fraction * largest) {
        return ::testing::AssertionFailure()
               << "element " << worst_index << " is off by " << worst << " > "
               << tolerance.max_abs_fraction << " x max|expected| (" << largest << ")";
      }
    }
    return ::testing::AssertionSuccess();
  }
  for (int64_t i = 0; i < n; ++i) {
    bool equal;
    if (expected.dtype() == DataType::kString) {
      equal = actual.flat<std::string>()[i] == expected.flat<std::string>()[i];
    } else if (IsPodDataType(expected.dtype())) {
      const size_t size = DataTypeSize(expected.dtype());
      equal = std::memcmp(static_cast<const char*>(actual.raw_data()) + i * size,
                          static_cast<const char*>(expected.raw_data()) + i * size, size) == 0;
    } else {
      return ::testing::AssertionFailure() << "cannot compare " << expected.DebugString();
    }
    if (!equal) {
      return ::testing::AssertionFailure()
             << "element " << i << " differs\n  got      " << actual.ValuesString()
             << "\n  expected " << expected.ValuesString();
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult AllTensorsMatch(const std::vector<Tensor>& actual,
                                           const std::vector<Tensor>& expected,
                                           double relative_tolerance) {
  if (actual.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << "got " << actual.size() << " outputs, expected " << expected.size();
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    ::testing::AssertionResult match =
        TensorsMatch(actual[i], expected[i], Tolerance{relative_tolerance});
    if (!match) return ::testing::AssertionFailure() << "output " << i << ": " << match.message();
  }
  return ::testing::AssertionSuccess();
}

bool SameBytes(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.dtype() == DataType::kString) {
    return std::equal(a.flat<std::string>(), a.flat<std::string>() + a.NumElements(),
                      b.flat<std::string>());
  }
  return std::memcmp(a.raw_data(), b.raw_data(), a.ByteSize()) == 0;
}

std::string DirFromEnv(const char* var, const std::string& fallback) {
  const char* value = std::getenv(var);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

}  // namespace tftrt::testing
