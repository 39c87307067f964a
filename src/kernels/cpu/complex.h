// complex64 / complex128 elements as std::complex, for kernels that compute on them.
//
// A Tensor stores complex elements as Complex64 / Complex128 (tftrt/tensor.h): a plain
// (re, im) pair, laid out as std::complex<float> / std::complex<double>, whose arithmetic
// the kernels use through these views.
#ifndef TFTRT_KERNELS_CPU_COMPLEX_H_
#define TFTRT_KERNELS_CPU_COMPLEX_H_

#include <complex>
#include <type_traits>

#include "kernels/cpu/elementwise.h"
#include "tftrt/tensor.h"

namespace tftrt {

using ComplexTypes = TypeList<Complex64, Complex128>;

template <typename C>
struct ComplexTraits;
template <>
struct ComplexTraits<Complex64> {
  using Real = float;
};
template <>
struct ComplexTraits<Complex128> {
  using Real = double;
};

template <typename T>
inline constexpr bool kIsComplex = std::is_same_v<T, Complex64> || std::is_same_v<T, Complex128>;

// The real type of a complex element type (float for Complex64) and its std::complex.
template <typename C>
using RealOf = typename ComplexTraits<C>::Real;
template <typename C>
using StdComplexOf = std::complex<RealOf<C>>;

static_assert(sizeof(Complex64) == sizeof(std::complex<float>));
static_assert(sizeof(Complex128) == sizeof(std::complex<double>));

// The elements of a tensor of dtype DataTypeOf<C>() as std::complex.
template <typename C>
StdComplexOf<C>* AsStdComplex(Tensor& tensor) {
  return reinterpret_cast<StdComplexOf<C>*>(tensor.flat<C>());
}
template <typename C>
const StdComplexOf<C>* AsStdComplex(const Tensor& tensor) {
  return reinterpret_cast<const StdComplexOf<C>*>(tensor.flat<C>());
}

inline bool IsComplex(DataType dtype) {
  return dtype == DataType::kComplex64 || dtype == DataType::kComplex128;
}

// complex64 <-> float32, complex128 <-> float64; kInvalid for other dtypes.
inline DataType ComplexDtypeFor(DataType real) {
  return real == DataType::kFloat    ? DataType::kComplex64
         : real == DataType::kDouble ? DataType::kComplex128
                                     : DataType::kInvalid;
}
inline DataType RealDtypeFor(DataType complex) {
  return complex == DataType::kComplex64    ? DataType::kFloat
         : complex == DataType::kComplex128 ? DataType::kDouble
                                            : DataType::kInvalid;
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_COMPLEX_H_
