// Batched discrete Fourier transforms, as TF's FFT ops compute them: the forward transform
// is unnormalized, the inverse is scaled by 1 / (number of points), over the innermost
// dimensions of a batch of dense row-major arrays.
//
// The transforms run on FFTW3 (single precision for complex64, double for complex128, as
// TF's ducc computes in the tensor's precision). tftrt builds without FFTW3 where it is
// missing (TFTRT_HAVE_FFTW unset): then every transform returns Unimplemented naming the
// library.
//
// Thread safety: concurrent calls are safe (FFTW's planner, which is not, runs under a
// lock; its execution is thread-safe).
#ifndef TFTRT_KERNELS_CPU_FFT_H_
#define TFTRT_KERNELS_CPU_FFT_H_

#include <complex>
#include <cstdint>
#include <vector>

#include "tftrt/status.h"

namespace tftrt {

// OK when tftrt was built with an FFT library; otherwise the error every transform returns.
Status FftLibraryAvailable();

// `batch` independent transforms over arrays of `dims` points (outermost first, 1 to 3
// dimensions), stored one after the other.
struct FftLayout {
  int64_t batch = 1;
  std::vector<int64_t> dims;
};

// Complex to complex: `in` and `out` hold batch * prod(dims) elements each and must not
// overlap. Forward: out[k] = sum_n in[n] e^{-2 pi i k n / N}; inverse: the conjugate sum
// scaled by 1/N.
template <typename T>
Status ComplexFft(const std::complex<T>* in, std::complex<T>* out, const FftLayout& layout,
                  bool forward);

// Real to complex (the non-redundant half): `in` holds batch * prod(dims) reals, `out`
// batch * prod(dims[:-1]) * (dims.back() / 2 + 1) elements.
template <typename T>
Status RealFft(const T* in, std::complex<T>* out, const FftLayout& layout);

// Complex (the non-redundant half, laid out as RealFft's output) to real, scaled by 1/N.
// The imaginary parts that a real signal's spectrum cannot have (DC and, for even
// lengths, Nyquist) are ignored. `in` is not modified.
template <typename T>
Status InverseRealFft(const std::complex<T>* in, T* out, const FftLayout& layout);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_FFT_H_
