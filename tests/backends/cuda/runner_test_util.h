// Shared by the cuda runner tests (convolution_runner_test, matmul_runner_test): seeded
// random tensors, device buffers, the epilogue applied on the host through the project's own
// TF-op kernels, and the tolerance check against a CPU reference.
#ifndef TFTRT_TESTS_BACKENDS_CUDA_RUNNER_TEST_UTIL_H_
#define TFTRT_TESTS_BACKENDS_CUDA_RUNNER_TEST_UTIL_H_

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/epilogue.h"
#include "graph/attrs.h"
#include "runtime/kernel_test_util.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda::testing {

// How a runner's numbers are computed, with the tolerances its results are held to.
struct Precision {
  DataType dtype = DataType::kFloat;
  bool allow_tf32 = false;
  double relative_l2 = 1e-4;  // ‖actual − expected‖ / ‖expected‖
  double max_abs = 1e-4;      // max |actual − expected| / max |expected|
  std::string name;
};

inline std::vector<Precision> AllPrecisions() {
  return {{DataType::kFloat, false, 1e-4, 1e-4, "fp32"},
          {DataType::kFloat, true, 5e-3, 5e-3, "tf32"},
          {DataType::kHalf, false, 2e-2, 5e-2, "fp16"}};
}

// The gtest name of a (case, Precision) parameter: "<case name>_<precision name>".
struct CaseAndPrecisionName {
  template <typename ParamInfo>
  std::string operator()(const ParamInfo& info) const {
    return std::get<0>(info.param).name + "_" + std::get<1>(info.param).name;
  }
};

// Uniform values in [lo, hi) from `seed`, rounded to fp16 and back when `dtype` is kHalf so
// that the reference sees exactly what the GPU gets. Always a float32 tensor.
inline Tensor RandomTensor(const Shape& shape, uint32_t seed, DataType dtype, float lo = -1.0f,
                           float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Tensor t(DataType::kFloat, shape);
  float* v = t.flat<float>();
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    v[i] = dist(rng);
    if (dtype == DataType::kHalf) v[i] = HalfToFloat(FloatToHalf(v[i]));
  }
  return t;
}

inline std::vector<float> RandomVector(int64_t n, uint32_t seed, DataType dtype, float lo = -0.5f,
                                       float hi = 0.5f) {
  Tensor t = RandomTensor({n}, seed, dtype, lo, hi);
  return std::vector<float>(t.flat<float>(), t.flat<float>() + n);
}

// Device memory freed at scope exit; holds `count` elements of `dtype` (kFloat or kHalf).
class DeviceBuffer {
 public:
  DeviceBuffer(int64_t count, DataType dtype) : count_(count), dtype_(dtype) {
    bytes_ = static_cast<size_t>(std::max<int64_t>(count, 1)) * DataTypeSize(dtype);
    EXPECT_EQ(cudaMalloc(&data_, bytes_), cudaSuccess);
    EXPECT_EQ(cudaMemset(data_, 0xff, bytes_), cudaSuccess);  // NaNs where nothing is written
  }
  // Uploads a float32 tensor converted to `dtype`.
  DeviceBuffer(const Tensor& host, DataType dtype) : DeviceBuffer(host.NumElements(), dtype) {
    const float* v = host.flat<float>();
    if (dtype == DataType::kHalf) {
      std::vector<Half> h(host.NumElements());
      for (size_t i = 0; i < h.size(); ++i) h[i] = FloatToHalf(v[i]);
      EXPECT_EQ(cudaMemcpy(data_, h.data(), h.size() * sizeof(Half), cudaMemcpyHostToDevice),
                cudaSuccess);
    } else {
      EXPECT_EQ(cudaMemcpy(data_, v, host.NumElements() * sizeof(float), cudaMemcpyHostToDevice),
                cudaSuccess);
    }
  }
  ~DeviceBuffer() { cudaFree(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* data() const { return data_; }
  // The contents as a float32 tensor of `shape`.
  Tensor Download(const Shape& shape) const {
    Tensor t(DataType::kFloat, shape);
    float* v = t.flat<float>();
    if (dtype_ == DataType::kHalf) {
      std::vector<Half> h(count_);
      EXPECT_EQ(cudaMemcpy(h.data(), data_, h.size() * sizeof(Half), cudaMemcpyDeviceToHost),
                cudaSuccess);
      for (size_t i = 0; i < h.size(); ++i) v[i] = HalfToFloat(h[i]);
    } else {
      EXPECT_EQ(cudaMemcpy(v, data_, count_ * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
    }
    return t;
  }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  int64_t count_ = 0;
  DataType dtype_;
};

// Runs one TF op's native CPU kernel; fails the test when it fails.
inline Tensor RunOp(const std::string& op, AttrMap attrs, std::vector<Tensor> inputs) {
  auto outputs = tftrt::testing::RunKernel(op, std::move(attrs), std::move(inputs));
  EXPECT_TRUE(outputs.ok()) << op << ": " << outputs.status().ToString();
  if (!outputs.ok() || outputs->empty()) return Tensor();
  return (*outputs)[0];
}

// y after `step`, computed on the host in float32 by the TF ops the step stands for (the
// GELUs by their formulas: there is no Gelu op kernel). y: float32 [..., K].
inline Tensor ApplyStep(const Tensor& y, const EpilogueStep& step, const Tensor& residual) {
  const AttrMap t_attr = {{"T", TypeAttr(DataType::kFloat)}};
  switch (step.op) {
    case EpilogueOp::kBiasAdd:
      return RunOp("BiasAdd", t_attr, {y, Tensor::FromVector(step.values)});
    case EpilogueOp::kChannelScale:
      return RunOp("Mul", t_attr, {y, Tensor::FromVector(step.values)});
    case EpilogueOp::kResidualAdd:
      return RunOp("AddV2", t_attr, {y, residual});
    case EpilogueOp::kRelu:
      return RunOp("Relu", t_attr, {y});
    case EpilogueOp::kRelu6:
      return RunOp("Relu6", t_attr, {y});
    case EpilogueOp::kLeakyRelu: {
      AttrMap attrs = t_attr;
      attrs["alpha"] = FloatAttr(step.alpha);
      return RunOp("LeakyRelu", attrs, {y});
    }
    case EpilogueOp::kSigmoid:
      return RunOp("Sigmoid", t_attr, {y});
    case EpilogueOp::kTanh:
      return RunOp("Tanh", t_attr, {y});
    case EpilogueOp::kElu:
      EXPECT_EQ(step.alpha, 1.0f) << "TF's Elu has alpha 1";
      return RunOp("Elu", t_attr, {y});
    case EpilogueOp::kGeluExact:
    case EpilogueOp::kGeluTanh: {
      Tensor out(DataType::kFloat, y.shape());
      const float* in = y.flat<float>();
      float* o = out.flat<float>();
      for (int64_t i = 0; i < y.NumElements(); ++i) {
        const double x = in[i];
        o[i] = static_cast<float>(
            step.op == EpilogueOp::kGeluExact
                ? 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)))
                : 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x))));
      }
      return out;
    }
  }
  ADD_FAILURE() << "unknown epilogue op";
  return y;
}

// Steps [first, end) of `steps` applied to y.
inline Tensor ApplySteps(Tensor y, const std::vector<EpilogueStep>& steps, size_t first,
                         const Tensor& residual) {
  for (size_t i = first; i < steps.size(); ++i) y = ApplyStep(y, steps[i], residual);
  return y;
}

// Compares within `precision`'s tolerances (both must hold).
inline ::testing::AssertionResult Close(const Tensor& actual, const Tensor& expected,
                                        const Precision& precision) {
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure() << "shape " << ShapeToString(actual.shape()) << " vs "
                                         << ShapeToString(expected.shape());
  }
  const float* a = actual.flat<float>();
  const float* e = expected.flat<float>();
  double diff2 = 0, ref2 = 0, max_diff = 0, max_ref = 0;
  int64_t worst = 0;
  for (int64_t i = 0; i < actual.NumElements(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - e[i]);
    if (!(d <= max_diff)) {  // also catches NaN
      max_diff = std::isnan(d) ? INFINITY : d;
      worst = i;
    }
    diff2 += d * d;
    ref2 += static_cast<double>(e[i]) * e[i];
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(e[i])));
  }
  const double relative = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  const double max_abs = max_ref > 0 ? max_diff / max_ref : max_diff;
  if (std::isnan(relative) || relative > precision.relative_l2 || max_abs > precision.max_abs) {
    return ::testing::AssertionFailure()
           << precision.name << ": relative L2 error " << relative << " (limit "
           << precision.relative_l2 << "), max abs error / max |expected| " << max_abs << " (limit "
           << precision.max_abs << ") at element " << worst << ": " << a[worst] << " vs "
           << e[worst];
  }
  return ::testing::AssertionSuccess();
}

// The definition, summed in double: x [N, H, W, C] and filter [R, S, C, 1] (depthwise) or
// [R, S, C, K], float32 tensors.
inline Tensor ReferenceConvolution(const ConvolutionDescription& d, const Tensor& x,
                                   const Tensor& filter) {
  Tensor y(DataType::kFloat, Shape{d.batch, d.output_rows, d.output_cols, d.output_channels});
  const float* xv = x.flat<float>();
  const float* fv = filter.flat<float>();
  float* yv = y.flat<float>();
  const int64_t c_count = d.input_channels;
  const int64_t k_count = d.output_channels;
  const bool depthwise = d.kind == ConvolutionKind::kDepthwise;
  for (int64_t n = 0; n < d.batch; ++n) {
    for (int64_t p = 0; p < d.output_rows; ++p) {
      for (int64_t q = 0; q < d.output_cols; ++q) {
        for (int64_t k = 0; k < k_count; ++k) {
          double sum = 0;
          for (int64_t r = 0; r < d.kernel_rows; ++r) {
            const int64_t h = p * d.stride_rows - d.pad_top + r * d.dilation_rows;
            if (h < 0 || h >= d.input_rows) continue;
            for (int64_t s = 0; s < d.kernel_cols; ++s) {
              const int64_t w = q * d.stride_cols - d.pad_left + s * d.dilation_cols;
              if (w < 0 || w >= d.input_cols) continue;
              const float* pixel = xv + ((n * d.input_rows + h) * d.input_cols + w) * c_count;
              const float* taps =
                  fv + (r * d.kernel_cols + s) * c_count * (depthwise ? 1 : k_count);
              if (depthwise) {
                sum += static_cast<double>(pixel[k]) * taps[k];
                continue;
              }
              for (int64_t c = 0; c < c_count; ++c) {
                sum += static_cast<double>(pixel[c]) * taps[c * k_count + k];
              }
            }
          }
          yv[((n * d.output_rows + p) * d.output_cols + q) * k_count + k] = static_cast<float>(sum);
        }
      }
    }
  }
  return y;
}

// The mean time of `repeats` launches of `launch` on `stream`, after one warm-up, in ms.
template <typename Launch>
inline float TimeLaunches(cudaStream_t stream, int repeats, Launch launch) {
  EXPECT_TRUE(launch().ok());
  cudaEvent_t start, stop;
  EXPECT_EQ(cudaEventCreate(&start), cudaSuccess);
  EXPECT_EQ(cudaEventCreate(&stop), cudaSuccess);
  EXPECT_EQ(cudaEventRecord(start, stream), cudaSuccess);
  for (int i = 0; i < repeats; ++i) EXPECT_TRUE(launch().ok());
  EXPECT_EQ(cudaEventRecord(stop, stream), cudaSuccess);
  EXPECT_EQ(cudaEventSynchronize(stop), cudaSuccess);
  float ms = 0;
  EXPECT_EQ(cudaEventElapsedTime(&ms, start, stop), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(start), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(stop), cudaSuccess);
  return ms / repeats;
}

}  // namespace tftrt::cuda::testing

#endif  // TFTRT_TESTS_BACKENDS_CUDA_RUNNER_TEST_UTIL_H_
