// The FFT kernels against the definition: a direct O(n^2) DFT in long double, for even,
// odd and prime lengths, batches, 2-D and 3-D shapes; the inverse transforms undo the
// forward ones; concurrent calls (FFTW's planner is locked) give the sequential results.
#include "kernels/cpu/fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <thread>
#include <vector>

namespace tftrt {
namespace {

using Complexes = std::vector<std::complex<double>>;

#define TFTRT_SKIP_WITHOUT_FFT_LIBRARY()                       \
  if (Status library = FftLibraryAvailable(); !library.ok()) { \
    GTEST_SKIP() << library.message();                         \
  }

Complexes RandomComplexes(int64_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  Complexes values(n);
  for (auto& v : values) v = {normal(gen), normal(gen)};
  return values;
}

// The n-d DFT of one array of `dims` points by its definition (sign -1 forward).
Complexes DirectDft(const Complexes& x, const std::vector<int64_t>& dims, bool forward) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  Complexes out(n);
  const long double sign = forward ? -1.0L : 1.0L;
  const long double two_pi = 6.283185307179586476925286766559L;
  for (int64_t k = 0; k < n; ++k) {
    std::complex<long double> sum = 0;
    for (int64_t j = 0; j < n; ++j) {
      long double phase = 0;
      int64_t kk = k, jj = j;
      for (size_t a = dims.size(); a-- > 0;) {
        phase += static_cast<long double>((kk % dims[a]) * (jj % dims[a])) / dims[a];
        kk /= dims[a];
        jj /= dims[a];
      }
      sum += std::complex<long double>(x[j].real(), x[j].imag()) *
             std::polar(1.0L, sign * two_pi * phase);
    }
    out[k] = {static_cast<double>(sum.real()), static_cast<double>(sum.imag())};
  }
  return out;
}

// ‖a−b‖ / ‖b‖.
template <typename A>
double RelativeError(const std::vector<A>& a, const Complexes& b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    const std::complex<double> ai(std::real(a[i]), std::imag(a[i]));
    diff += std::norm(ai - b[i]);
    norm += std::norm(b[i]);
  }
  return std::sqrt(diff / norm);
}

struct Geometry {
  int64_t batch;
  std::vector<int64_t> dims;
};

const Geometry kGeometries[] = {{3, {8}},    {2, {9}},    {1, {17}},      {2, {1}},      {1, {512}},
                                {2, {4, 6}}, {1, {5, 7}}, {2, {3, 4, 5}}, {1, {2, 1, 3}}};

int64_t Points(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

TEST(FftTest, ComplexFftMatchesTheDefinitionInBothDirections) {
  TFTRT_SKIP_WITHOUT_FFT_LIBRARY();
  for (const Geometry& g : kGeometries) {
    const int64_t n = Points(g.dims);
    const Complexes x = RandomComplexes(g.batch * n, 7);
    for (bool forward : {true, false}) {
      std::vector<std::complex<double>> out(x.size());
      ASSERT_TRUE(ComplexFft(x.data(), out.data(), {g.batch, g.dims}, forward).ok());
      for (int64_t b = 0; b < g.batch; ++b) {
        Complexes expected =
            DirectDft(Complexes(x.begin() + b * n, x.begin() + (b + 1) * n), g.dims, forward);
        if (!forward) {
          for (auto& v : expected) v /= static_cast<double>(n);
        }
        EXPECT_LT(RelativeError(std::vector<std::complex<double>>(out.begin() + b * n,
                                                                  out.begin() + (b + 1) * n),
                                expected),
                  1e-12)
            << "batch " << b << " of " << g.dims.size() << "-d, " << n << " points";
      }
    }
  }
}

TEST(FftTest, RealFftIsTheNonRedundantHalfAndInverts) {
  TFTRT_SKIP_WITHOUT_FFT_LIBRARY();
  for (const Geometry& g : kGeometries) {
    const int64_t n = Points(g.dims);
    const int64_t half = n / g.dims.back() * (g.dims.back() / 2 + 1);
    std::mt19937 gen(3);
    std::normal_distribution<float> normal;
    std::vector<float> x(g.batch * n);
    for (float& v : x) v = normal(gen);
    std::vector<std::complex<float>> spectrum(g.batch * half);
    ASSERT_TRUE(RealFft(x.data(), spectrum.data(), {g.batch, g.dims}).ok());
    for (int64_t b = 0; b < g.batch; ++b) {
      Complexes signal(x.begin() + b * n, x.begin() + (b + 1) * n);
      const Complexes full = DirectDft(signal, g.dims, true);
      Complexes expected;
      for (int64_t i = 0; i < n; ++i) {
        if (i % g.dims.back() <= g.dims.back() / 2) expected.push_back(full[i]);
      }
      EXPECT_LT(RelativeError(std::vector<std::complex<float>>(spectrum.begin() + b * half,
                                                               spectrum.begin() + (b + 1) * half),
                              expected),
                1e-6);
    }
    const std::vector<std::complex<float>> saved = spectrum;
    std::vector<float> back(x.size());
    ASSERT_TRUE(InverseRealFft(spectrum.data(), back.data(), {g.batch, g.dims}).ok());
    EXPECT_EQ(spectrum, saved) << "the inverse must not modify its input";
    EXPECT_LT(RelativeError(back, Complexes(x.begin(), x.end())), 1e-6);
  }
}

TEST(FftTest, EmptyTransformsDoNothing) {
  TFTRT_SKIP_WITHOUT_FFT_LIBRARY();
  std::vector<std::complex<float>> none;
  EXPECT_TRUE(ComplexFft(none.data(), none.data(), {0, {8}}, true).ok());
  EXPECT_TRUE(ComplexFft(none.data(), none.data(), {4, {0}}, true).ok());
}

TEST(FftTest, RankAboveThreeIsRefused) {
  TFTRT_SKIP_WITHOUT_FFT_LIBRARY();
  std::vector<std::complex<float>> x(16), y(16);
  EXPECT_EQ(ComplexFft(x.data(), y.data(), {1, {2, 2, 2, 2}}, true).code(),
            StatusCode::kInvalidArgument);
}

TEST(FftTest, ConcurrentTransformsGiveTheSequentialResults) {
  TFTRT_SKIP_WITHOUT_FFT_LIBRARY();
  const Complexes x = RandomComplexes(4 * 96, 5);
  std::vector<std::complex<double>> expected(x.size());
  ASSERT_TRUE(ComplexFft(x.data(), expected.data(), {4, {96}}, true).ok());
  std::vector<std::vector<std::complex<double>>> results(8, expected);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&x, &result] {
      for (int i = 0; i < 50; ++i) {
        std::fill(result.begin(), result.end(), std::complex<double>());
        if (!ComplexFft(x.data(), result.data(), {4, {96}}, true).ok()) return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

}  // namespace
}  // namespace tftrt
