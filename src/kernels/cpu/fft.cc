#include "kernels/cpu/fft.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <string>

#include "common/optional_library.h"

#ifdef TFTRT_HAVE_FFTW
#include <fftw3.h>
#endif

namespace tftrt {
namespace {

int64_t Product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// FFTW counts in int: a transform larger than that is refused, not truncated.
Status CheckFitsFftw(const FftLayout& layout) {
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  if (layout.dims.empty() || layout.dims.size() > 3) {
    return Status::InvalidArgument("FFT rank must be 1, 2 or 3, got " +
                                   std::to_string(layout.dims.size()));
  }
  if (layout.batch > kMax || Product(layout.dims) > kMax) {
    return Status::Unimplemented("FFT of more than 2^31 - 1 points or transforms");
  }
  return Status::Ok();
}

bool IsEmpty(const FftLayout& layout) {
  return layout.batch == 0 ||
         std::any_of(layout.dims.begin(), layout.dims.end(), [](int64_t d) { return d == 0; });
}

// Multiplies `n` values by `scale`, TF's 1/N of inverse transforms (computed in double,
// applied in the tensor's precision).
template <typename V, typename T>
void Scale(V* values, int64_t n, T scale) {
  for (int64_t i = 0; i < n; ++i) values[i] *= scale;
}

#ifdef TFTRT_HAVE_FFTW

// FFTW's planner is not thread-safe; plans are made and destroyed under this lock.
std::mutex& PlannerMutex() {
  static std::mutex mutex;
  return mutex;
}

// FFTW's API per precision (fftwf_* for float, fftw_* for double).
template <typename T>
struct Fftw;

template <>
struct Fftw<float> {
  using Plan = fftwf_plan;
  using Complex = fftwf_complex;
  static constexpr auto kPlanDft = &fftwf_plan_many_dft;
  static constexpr auto kPlanR2c = &fftwf_plan_many_dft_r2c;
  static constexpr auto kPlanC2r = &fftwf_plan_many_dft_c2r;
  static constexpr auto kExecute = &fftwf_execute;
  static constexpr auto kDestroy = &fftwf_destroy_plan;
};

template <>
struct Fftw<double> {
  using Plan = fftw_plan;
  using Complex = fftw_complex;
  static constexpr auto kPlanDft = &fftw_plan_many_dft;
  static constexpr auto kPlanR2c = &fftw_plan_many_dft_r2c;
  static constexpr auto kPlanC2r = &fftw_plan_many_dft_c2r;
  static constexpr auto kExecute = &fftw_execute;
  static constexpr auto kDestroy = &fftw_destroy_plan;
};

// Plans with `make_plan` (under the planner lock), executes once, destroys the plan.
// FFTW_ESTIMATE plans without running trial transforms, so the arrays are untouched.
template <typename T, typename MakePlan>
Status RunPlan(const MakePlan& make_plan) {
  typename Fftw<T>::Plan plan;
  {
    std::lock_guard<std::mutex> lock(PlannerMutex());
    plan = make_plan();
  }
  if (plan == nullptr) return Status::Internal("FFTW could not plan the transform");
  Fftw<T>::kExecute(plan);
  std::lock_guard<std::mutex> lock(PlannerMutex());
  Fftw<T>::kDestroy(plan);
  return Status::Ok();
}

template <typename T>
typename Fftw<T>::Complex* AsFftw(const std::complex<T>* values) {
  static_assert(sizeof(std::complex<T>) == sizeof(typename Fftw<T>::Complex));
  // Out-of-place c2c and r2c transforms do not write their input (FFTW_PRESERVE_INPUT is
  // their default); FFTW's signatures are not const-correct.
  return reinterpret_cast<typename Fftw<T>::Complex*>(const_cast<std::complex<T>*>(values));
}

std::vector<int> FftwDims(const FftLayout& layout) {
  return std::vector<int>(layout.dims.begin(), layout.dims.end());
}

#endif  // TFTRT_HAVE_FFTW

}  // namespace

Status FftLibraryAvailable() {
#ifdef TFTRT_HAVE_FFTW
  return Status::Ok();
#else
  return MissingLibrary("the FFT ops", "FFTW3", "libfftw3-dev");
#endif
}

template <typename T>
Status ComplexFft(const std::complex<T>* in, std::complex<T>* out, const FftLayout& layout,
                  bool forward) {
  TFTRT_RETURN_IF_ERROR(FftLibraryAvailable());
  TFTRT_RETURN_IF_ERROR(CheckFitsFftw(layout));
  if (IsEmpty(layout)) return Status::Ok();
#ifdef TFTRT_HAVE_FFTW
  const std::vector<int> n = FftwDims(layout);
  const int points = static_cast<int>(Product(layout.dims));
  TFTRT_RETURN_IF_ERROR(RunPlan<T>([&] {
    return Fftw<T>::kPlanDft(static_cast<int>(n.size()), n.data(), static_cast<int>(layout.batch),
                             AsFftw(in), nullptr, 1, points, AsFftw<T>(out), nullptr, 1, points,
                             forward ? FFTW_FORWARD : FFTW_BACKWARD, FFTW_ESTIMATE);
  }));
  if (!forward) Scale(out, layout.batch * points, static_cast<T>(1.0 / points));
#else
  (void)in, (void)out, (void)forward;
#endif
  return Status::Ok();
}

template <typename T>
Status RealFft(const T* in, std::complex<T>* out, const FftLayout& layout) {
  TFTRT_RETURN_IF_ERROR(FftLibraryAvailable());
  TFTRT_RETURN_IF_ERROR(CheckFitsFftw(layout));
  if (IsEmpty(layout)) return Status::Ok();
#ifdef TFTRT_HAVE_FFTW
  const std::vector<int> n = FftwDims(layout);
  const int real_points = static_cast<int>(Product(layout.dims));
  const int complex_points = real_points / n.back() * (n.back() / 2 + 1);
  return RunPlan<T>([&] {
    return Fftw<T>::kPlanR2c(static_cast<int>(n.size()), n.data(), static_cast<int>(layout.batch),
                             const_cast<T*>(in), nullptr, 1, real_points, AsFftw<T>(out), nullptr,
                             1, complex_points, FFTW_ESTIMATE);
  });
#else
  (void)in, (void)out;
  return Status::Ok();
#endif
}

template <typename T>
Status InverseRealFft(const std::complex<T>* in, T* out, const FftLayout& layout) {
  TFTRT_RETURN_IF_ERROR(FftLibraryAvailable());
  TFTRT_RETURN_IF_ERROR(CheckFitsFftw(layout));
  if (IsEmpty(layout)) return Status::Ok();
#ifdef TFTRT_HAVE_FFTW
  const std::vector<int> n = FftwDims(layout);
  const int real_points = static_cast<int>(Product(layout.dims));
  const int complex_points = real_points / n.back() * (n.back() / 2 + 1);
  // FFTW's c2r transforms overwrite their input: they get a copy.
  std::vector<std::complex<T>> scratch(in, in + layout.batch * complex_points);
  TFTRT_RETURN_IF_ERROR(RunPlan<T>([&] {
    return Fftw<T>::kPlanC2r(static_cast<int>(n.size()), n.data(), static_cast<int>(layout.batch),
                             AsFftw<T>(scratch.data()), nullptr, 1, complex_points, out, nullptr, 1,
                             real_points, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
  }));
  Scale(out, layout.batch * real_points, static_cast<T>(1.0 / real_points));
#else
  (void)in, (void)out;
#endif
  return Status::Ok();
}

template Status ComplexFft<float>(const std::complex<float>*, std::complex<float>*,
                                  const FftLayout&, bool);
template Status ComplexFft<double>(const std::complex<double>*, std::complex<double>*,
                                   const FftLayout&, bool);
template Status RealFft<float>(const float*, std::complex<float>*, const FftLayout&);
template Status RealFft<double>(const double*, std::complex<double>*, const FftLayout&);
template Status InverseRealFft<float>(const std::complex<float>*, float*, const FftLayout&);
template Status InverseRealFft<double>(const std::complex<double>*, double*, const FftLayout&);

}  // namespace tftrt
