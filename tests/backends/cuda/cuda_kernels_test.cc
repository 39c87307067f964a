// Tests of tftrt's own CUDA kernels (src/backends/cuda/kernels/) against the project's CPU
// kernels, which are themselves tested against TensorFlow: GPU == CPU == TF. Every test
// that launches a kernel skips where no GPU is present; host-side validation is tested
// everywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/kernels/elementwise.h"
#include "backends/cuda/kernels/layer_norm.h"
#include "backends/cuda/kernels/pooling.h"
#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/kernels/resize.h"
#include "backends/cuda/kernels/softmax.h"
#include "kernels/cpu/layer_norm.h"
#include "kernels/cpu/pooling.h"
#include "kernels/cpu/softmax.h"
#include "runtime/kernel_test_util.h"
#include "testing/gpu.h"

namespace tftrt::cuda {
namespace {

using ::tftrt::testing::RunKernel;

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// ---- Helpers ----

// A device allocation freed on scope exit.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes) {
    if (bytes > 0) {
      EXPECT_EQ(cudaMalloc(&ptr_, bytes), cudaSuccess);
    }
  }
  template <typename T>
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size() * sizeof(T)) {
    if (!host.empty()) {
      EXPECT_EQ(cudaMemcpy(ptr_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice),
                cudaSuccess);
    }
  }
  ~DeviceBuffer() { cudaFree(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* get() const { return ptr_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }
  // Synchronizes, then copies `n` elements back.
  template <typename T>
  std::vector<T> Download(size_t n) const {
    std::vector<T> host(n);
    EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    if (n > 0) {
      EXPECT_EQ(cudaMemcpy(host.data(), ptr_, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    }
    return host;
  }

 private:
  void* ptr_ = nullptr;
};

Dims D(std::vector<int64_t> v) { return Dims::From(v); }

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.flat<T>(), t.flat<T>() + t.NumElements());
}

// Random floats in [lo, hi), with edge values (0, -0, NaN, +-inf, tiny) sprinkled in when
// `edges`.
std::vector<float> RandomFloats(int64_t n, float lo, float hi, uint32_t seed, bool edges) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  if (edges) {
    const float specials[] = {0.0f, -0.0f, kNan, kInf, -kInf, 1e-30f, -1.0f, 1.0f, 0.5f, -2.5f};
    for (size_t i = 0; i < std::size(specials) && i < v.size(); ++i)
      v[i * 7 % v.size()] = specials[i];
  }
  return v;
}

std::vector<int32_t> RandomInts(int64_t n, int32_t lo, int32_t hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<Half> ToHalf(const std::vector<float>& v) {
  std::vector<Half> h;
  for (float x : v) h.push_back(FloatToHalf(x));
  return h;
}
std::vector<float> FromHalf(const std::vector<Half>& v) {
  std::vector<float> f;
  for (Half x : v) f.push_back(HalfToFloat(x));
  return f;
}

Tensor FloatTensor(const std::vector<float>& v, Shape shape) {
  return Tensor::FromVector(v, std::move(shape));
}

tensorflow::AttrValue BoolAttr(bool b) {
  tensorflow::AttrValue v;
  v.set_b(b);
  return v;
}
tensorflow::AttrValue FloatAttr(float f) {
  tensorflow::AttrValue v;
  v.set_f(f);
  return v;
}
tensorflow::AttrValue StringAttr(const std::string& s) {
  tensorflow::AttrValue v;
  v.set_s(s);
  return v;
}
tensorflow::AttrValue TypeAttr(tensorflow::DataType t) {
  tensorflow::AttrValue v;
  v.set_type(t);
  return v;
}

// The CPU kernel's single output.
Tensor Cpu(const std::string& op, std::vector<Tensor> inputs, AttrMap attrs = {}) {
  auto outputs = RunKernel(op, std::move(attrs), std::move(inputs));
  EXPECT_TRUE(outputs.ok()) << op << ": " << outputs.status().ToString();
  if (!outputs.ok() || outputs->empty()) return Tensor();
  return (*outputs)[0];
}

// |a - b| within `ulps` units in the last place of b (NaN matches NaN, infinities must be
// equal). ulps == 0: bit-exact up to the sign of zero. `magnitude`: the size of the value
// the result was computed from where that is larger than the result (exp(x) - 1 for small
// x cancels: a last-place difference of exp(x) is many last places of the result).
::testing::AssertionResult Near(float a, float b, int ulps, float magnitude = 0) {
  if (std::isnan(a) && std::isnan(b)) return ::testing::AssertionSuccess();
  if (a == b) return ::testing::AssertionSuccess();
  if (std::isinf(a) || std::isinf(b) || std::isnan(a) || std::isnan(b) || ulps == 0) {
    return ::testing::AssertionFailure() << a << " vs expected " << b;
  }
  const float scale = std::max(std::fabs(b), magnitude);
  const float ulp =
      std::max(std::nextafter(scale, kInf) - scale, std::numeric_limits<float>::denorm_min());
  if (std::fabs(a - b) <= ulps * ulp) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << a << " vs expected " << b << " (" << std::fabs(a - b) / ulp << " ulp)";
}

void ExpectAllNear(const std::vector<float>& got, const std::vector<float>& want, int ulps,
                   const std::string& what, float magnitude = 0) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int failures = 0;
  for (size_t i = 0; i < got.size() && failures < 10; ++i) {
    auto r = Near(got[i], want[i], ulps, magnitude);
    if (!r) {
      ADD_FAILURE() << what << " at " << i << ": " << r.message();
      ++failures;
    }
  }
}

// ---- Host-side validation (no GPU needed) ----

TEST(CudaKernelsHostTest, OpNamesMapToOps) {
  EXPECT_EQ(ElementwiseOpFromTfName("AddV2"), ElementwiseOp::kAdd);
  EXPECT_EQ(ElementwiseOpFromTfName("Add"), ElementwiseOp::kAdd);
  EXPECT_EQ(ElementwiseOpFromTfName("BiasAdd"), ElementwiseOp::kAdd);
  EXPECT_EQ(ElementwiseOpFromTfName("Select"), ElementwiseOp::kSelect);
  EXPECT_EQ(ElementwiseOpFromTfName("SelectV2"), ElementwiseOp::kSelect);
  EXPECT_EQ(ElementwiseOpFromTfName("Softplus"), ElementwiseOp::kSoftplus);
  EXPECT_FALSE(ElementwiseOpFromTfName("Conv2D").has_value());
  EXPECT_EQ(ElementwiseOpArity(ElementwiseOp::kClipByValue), 3);
  EXPECT_EQ(ElementwiseOpArity(ElementwiseOp::kPow), 2);
  EXPECT_EQ(ElementwiseOpArity(ElementwiseOp::kExp), 1);
  EXPECT_TRUE(ElementwiseOpSupportsInt32(ElementwiseOp::kFloorMod));
  EXPECT_FALSE(ElementwiseOpSupportsInt32(ElementwiseOp::kExp));
}

TEST(CudaKernelsHostTest, BroadcastShapesAndStrides) {
  auto shape = BroadcastShape(D({4, 1, 3}), D({5, 1}));
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, D({4, 5, 3}));
  EXPECT_FALSE(BroadcastShape(D({2, 3}), D({4, 1, 2})).ok());
  auto input = BroadcastInput(nullptr, DType::kFloat32, D({5, 1}), D({4, 5, 3}));
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(input->strides, D({0, 1, 0}));
  EXPECT_FALSE(BroadcastInput(nullptr, DType::kFloat32, D({2}), D({3})).ok());
}

TEST(CudaKernelsHostTest, InvalidArgumentsAreRejectedBeforeAnyLaunch) {
  Dims rank9;
  rank9.rank = 9;
  ElementwiseProgram program;
  program.first.op = ElementwiseOp::kExp;
  Status s = ElementwiseChain(program, {{nullptr, DType::kFloat32, rank9}}, rank9, nullptr,
                              DType::kFloat32, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(Dims::From(std::vector<int64_t>(9, 1)).rank, kMaxRank + 1);
  EXPECT_EQ(ValidateShape(Dims::From(std::vector<int64_t>(9, 1)), "x").code(),
            StatusCode::kInvalidArgument);
  // Float-only op in int32 compute.
  program.compute = DType::kInt32;
  s = ValidateElementwiseProgram(program, {DType::kInt32}, DType::kInt32);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("Exp"), std::string::npos) << s.message();
  // Operand out of range; ternary op as a step.
  program.compute = DType::kFloat32;
  program.first.op = ElementwiseOp::kAdd;
  program.first.operands[1] = 3;
  EXPECT_FALSE(ValidateElementwiseProgram(program, {DType::kFloat32}, DType::kFloat32).ok());
  program.first.operands[1] = 0;
  program.num_steps = 1;
  program.steps[0].op = ElementwiseOp::kSelect;
  EXPECT_FALSE(ValidateElementwiseProgram(program, {DType::kFloat32}, DType::kFloat32).ok());
  EXPECT_EQ(Transpose(nullptr, D({2, 3}), {0, 0}, DType::kFloat32, nullptr, nullptr).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Reduce(ReduceOp::kSum, nullptr, D({2, 3}), {2}, DType::kFloat32, nullptr, nullptr).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ArgReduce(ArgReduceOp::kArgMax, nullptr, D({2, 0}), 1, DType::kFloat32, nullptr, nullptr)
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(Pad(nullptr, D({2}), {2}, {0}, PadMode::kReflect, 0, DType::kFloat32, nullptr, nullptr)
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Reduce(ReduceOp::kSum, nullptr, D({2}), {0}, DType::kBool, nullptr, nullptr).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Pool2D(PoolOp::kAvg, Pool2DParams{}, nullptr, DType::kInt32, nullptr, nullptr).code(),
            StatusCode::kInvalidArgument);
  ResizeParams resize{1, 2, 2, 1, 4, 4, /*align_corners=*/true, /*half_pixel_centers=*/true};
  EXPECT_EQ(ResizeBilinear(resize, nullptr, DType::kFloat32, nullptr, nullptr).code(),
            StatusCode::kInvalidArgument);
}

// ---- Elementwise: every op against the CPU kernel of its TF op ----

struct OpCase {
  const char* tf_name;
  int ulps;  // 0: bit-exact (IEEE-rounded arithmetic); otherwise libdevice vs glibc
  float lo, hi;
  float magnitude = 0;  // see Near: Elu and Selu compute exp(x) - 1
};

const OpCase kFloatUnaryCases[] = {
    {"Neg", 0, -10, 10},      {"Abs", 0, -10, 10},       {"Square", 0, -10, 10},
    {"Sign", 0, -10, 10},     {"Exp", 2, -20, 20},       {"Log", 2, 0, 100},
    {"Log1p", 2, -0.9f, 100}, {"Sqrt", 0, 0, 100},       {"Rsqrt", 0, 0, 100},
    {"Reciprocal", 0, -5, 5}, {"Sin", 2, -10, 10},       {"Cos", 2, -10, 10},
    {"Tan", 4, -1.5f, 1.5f},  {"Sinh", 2, -10, 10},      {"Cosh", 2, -10, 10},
    {"Asin", 2, -1, 1},       {"Acos", 2, -1, 1},        {"Atan", 2, -10, 10},
    {"Asinh", 2, -10, 10},    {"Acosh", 2, 1, 10},       {"Atanh", 2, -1, 1},
    {"Erf", 2, -4, 4},        {"Erfc", 6, -4, 4},        {"Floor", 0, -10, 10},
    {"Ceil", 0, -10, 10},     {"Round", 0, -10, 10},     {"Relu", 0, -10, 10},
    {"Relu6", 0, -10, 10},    {"LeakyRelu", 0, -10, 10}, {"Sigmoid", 3, -20, 20},
    {"Tanh", 2, -10, 10},     {"Elu", 2, -10, 10, 1.0f}, {"Selu", 3, -10, 10, 1.76f},
    {"Softsign", 0, -10, 10}, {"Softplus", 3, -30, 30},  {"_TftrtGelu", 6, -4, 4},
};

const OpCase kFloatBinaryCases[] = {
    {"AddV2", 0, -10, 10},
    {"Sub", 0, -10, 10},
    {"Mul", 0, -10, 10},
    {"RealDiv", 0, -10, 10},
    {"Div", 0, -10, 10},
    {"FloorDiv", 0, -10, 10},
    {"FloorMod", 0, -10, 10},
    {"Pow", 4, 0.1f, 4},
    {"Maximum", 0, -10, 10},
    {"Minimum", 0, -10, 10},
    {"SquaredDifference", 0, -10, 10},
};

// Runs one op over dense inputs of `shapes` broadcast to `out_shape`.
std::vector<float> GpuFloatOp(ElementwiseOp op, const std::vector<std::vector<float>>& inputs,
                              const std::vector<Dims>& shapes, const Dims& out_shape,
                              DType out_dtype, float alpha = 0.2f) {
  std::vector<std::unique_ptr<DeviceBuffer>> buffers;
  std::vector<ElementwiseInput> gpu_inputs;
  for (size_t k = 0; k < inputs.size(); ++k) {
    buffers.push_back(std::make_unique<DeviceBuffer>(inputs[k]));
    auto input = BroadcastInput(buffers.back()->get(), DType::kFloat32, shapes[k], out_shape);
    EXPECT_TRUE(input.ok());
    gpu_inputs.push_back(*input);
  }
  const int64_t n = NumElements(out_shape);
  DeviceBuffer out(n * DTypeSize(out_dtype));
  Status s = ElementwiseOpLaunch(op, DType::kFloat32, gpu_inputs, out_shape, out.get(), out_dtype,
                                 nullptr, alpha);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (out_dtype == DType::kFloat16) return FromHalf(out.Download<Half>(n));
  if (out_dtype == DType::kBool) {
    std::vector<float> f;
    for (uint8_t b : out.Download<uint8_t>(n)) f.push_back(b);
    return f;
  }
  return out.Download<float>(n);
}

TEST(CudaElementwiseTest, EveryFloatUnaryOpMatchesCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  for (const OpCase& c : kFloatUnaryCases) {
    const auto op = ElementwiseOpFromTfName(c.tf_name);
    ASSERT_TRUE(op.has_value()) << c.tf_name;
    const std::vector<float> x = RandomFloats(1000, c.lo, c.hi, 1, /*edges=*/true);
    AttrMap attrs;
    if (std::string(c.tf_name) == "LeakyRelu") attrs["alpha"] = FloatAttr(0.3f);
    const Tensor want = Cpu(c.tf_name, testing::MovedInputs(FloatTensor(x, {10, 100})), attrs);
    const auto got = GpuFloatOp(*op, {x}, {D({10, 100})}, D({10, 100}), DType::kFloat32, 0.3f);
    ExpectAllNear(got, Values<float>(want), c.ulps, c.tf_name, c.magnitude);
    // Half storage: float compute, one rounding on store.
    const auto got_half = GpuFloatOp(*op, {x}, {D({10, 100})}, D({10, 100}), DType::kFloat16, 0.3f);
    std::vector<float> want_half;
    for (float w : Values<float>(want)) want_half.push_back(HalfToFloat(FloatToHalf(w)));
    ExpectAllNear(got_half, want_half, c.ulps == 0 ? 0 : 1 << 13, std::string(c.tf_name) + " half");
  }
}

TEST(CudaElementwiseTest, EveryFloatBinaryOpMatchesCpuWithBroadcasting) {
  TFTRT_SKIP_WITHOUT_GPU();
  // Every broadcast form: same shape, row vector, column, scalar, both sides stretched;
  // trailing dims dense (read as i % n), leading dims dense (i / n).
  const std::vector<std::pair<Shape, Shape>> shape_pairs = {
      {{4, 5, 6}, {4, 5, 6}}, {{4, 5, 6}, {6}},      {{4, 5, 6}, {5, 1}}, {{4, 5, 6}, {}},
      {{4, 1, 6}, {5, 1}},    {{}, {3, 2}},          {{4, 5, 6}, {5, 6}}, {{4, 5, 6}, {4, 5, 1}},
      {{4, 5, 6}, {4, 1, 1}}, {{4, 1, 6}, {4, 5, 1}}};
  for (const OpCase& c : kFloatBinaryCases) {
    const auto op = ElementwiseOpFromTfName(c.tf_name);
    ASSERT_TRUE(op.has_value()) << c.tf_name;
    for (const auto& [sa, sb] : shape_pairs) {
      const Dims da = Dims::From(sa), db = Dims::From(sb);
      const std::vector<float> a =
          RandomFloats(NumElements(da), c.lo, c.hi, 2, NumElements(da) > 20);
      const std::vector<float> b = RandomFloats(NumElements(db), c.lo, c.hi, 3, false);
      const Tensor want =
          Cpu(c.tf_name, testing::MovedInputs(FloatTensor(a, sa), FloatTensor(b, sb)));
      const Dims out_shape = *BroadcastShape(da, db);
      ExpectAllNear(GpuFloatOp(*op, {a, b}, {da, db}, out_shape, DType::kFloat32),
                    Values<float>(want), c.ulps,
                    std::string(c.tf_name) + " " + DimsToString(da) + DimsToString(db));
    }
  }
}

TEST(CudaElementwiseTest, ComparisonsAndLogicMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  std::vector<float> a = RandomFloats(120, -3, 3, 4, true);
  std::vector<float> b = RandomFloats(120, -3, 3, 5, false);
  for (int i = 0; i < 30; ++i) b[i] = std::round(a[i]), a[i] = std::round(a[i]);  // ties
  for (const char* name : {"Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual"}) {
    const Tensor want =
        Cpu(name, testing::MovedInputs(FloatTensor(a, {120}), FloatTensor(b, {120})));
    std::vector<float> want_f;
    for (bool w : Values<bool>(want)) want_f.push_back(w);
    ExpectAllNear(GpuFloatOp(*ElementwiseOpFromTfName(name), {a, b}, {D({120}), D({120})}, D({120}),
                             DType::kBool),
                  want_f, 0, name);
  }
  // Logical ops on bool inputs (0/1 in the compute type).
  std::vector<uint8_t> p = {0, 1, 0, 1}, q = {0, 0, 1, 1};
  DeviceBuffer dp(p), dq(q), out(4);
  const Dims shape = D({4});
  const ElementwiseInput ip{dp.get(), DType::kBool, D({1})}, iq{dq.get(), DType::kBool, D({1})};
  for (auto [op, want] :
       {std::pair{ElementwiseOp::kLogicalAnd, std::vector<uint8_t>{0, 0, 0, 1}},
        std::pair{ElementwiseOp::kLogicalOr, std::vector<uint8_t>{0, 1, 1, 1}},
        std::pair{ElementwiseOp::kLogicalNot, std::vector<uint8_t>{1, 0, 1, 0}}}) {
    ASSERT_TRUE(
        ElementwiseOpLaunch(op, DType::kInt32, {ip, iq}, shape, out.get(), DType::kBool, nullptr)
            .ok());
    EXPECT_EQ(out.Download<uint8_t>(4), want) << ElementwiseOpName(op);
  }
}

TEST(CudaElementwiseTest, Int32OpsMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  std::vector<int32_t> a = RandomInts(200, -1000, 1000, 6);
  std::vector<int32_t> b = RandomInts(200, -20, 20, 7);
  for (auto& x : b) x = x == 0 ? 3 : x;  // TF fails integer division by zero
  a[0] = INT32_MIN, b[0] = -1;           // wraps, as TF
  a[1] = INT32_MAX, b[1] = 2;
  std::vector<int32_t> small_b = RandomInts(200, 0, 5, 8);
  for (const char* name : {"AddV2", "Sub", "Mul", "Div", "FloorDiv", "FloorMod", "Maximum",
                           "Minimum", "SquaredDifference", "Pow", "Greater", "Equal", "Neg", "Abs",
                           "Square", "Sign", "Relu", "Relu6"}) {
    const auto op = ElementwiseOpFromTfName(name);
    ASSERT_TRUE(op.has_value()) << name;
    const bool unary = ElementwiseOpArity(*op) == 1;
    const auto& rhs = std::string(name) == "Pow" ? small_b : b;
    const Tensor want =
        unary ? Cpu(name, testing::MovedInputs(Tensor::FromVector(a)))
              : Cpu(name, testing::MovedInputs(Tensor::FromVector(a), Tensor::FromVector(rhs)));
    DeviceBuffer da(a), db(rhs);
    const bool to_bool = want.dtype() == DataType::kBool;
    DeviceBuffer out(200 * 4);
    const Dims dense = D({1});
    ASSERT_TRUE(
        ElementwiseOpLaunch(*op, DType::kInt32,
                            {{da.get(), DType::kInt32, dense}, {db.get(), DType::kInt32, dense}},
                            D({200}), out.get(), to_bool ? DType::kBool : DType::kInt32, nullptr)
            .ok())
        << name;
    if (to_bool) {
      const auto got = out.Download<uint8_t>(200);
      const auto w = Values<bool>(want);
      for (int i = 0; i < 200; ++i) EXPECT_EQ(got[i], w[i] ? 1 : 0) << name << " at " << i;
    } else {
      EXPECT_EQ(out.Download<int32_t>(200), Values<int32_t>(want)) << name;
    }
  }
}

TEST(CudaElementwiseTest, SelectClipAndCastMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const std::vector<float> x = RandomFloats(60, -5, 5, 9, true);
  const std::vector<float> y = RandomFloats(60, -5, 5, 10, false);
  std::vector<uint8_t> cond(3);
  cond = {1, 0, 1};
  // SelectV2 with a condition broadcast along the last dim.
  Tensor cond_t(DataType::kBool, {3});
  for (int i = 0; i < 3; ++i) cond_t.flat<bool>()[i] = cond[i];
  const Tensor want = Cpu(
      "SelectV2",
      testing::MovedInputs(std::move(cond_t), FloatTensor(x, {20, 3}), FloatTensor(y, {20, 3})));
  DeviceBuffer dc(cond), dx(x), dy(y), out(60 * 4);
  ASSERT_TRUE(ElementwiseOpLaunch(ElementwiseOp::kSelect, DType::kFloat32,
                                  {*BroadcastInput(dc.get(), DType::kBool, D({3}), D({20, 3})),
                                   {dx.get(), DType::kFloat32, D({3, 1})},
                                   {dy.get(), DType::kFloat32, D({3, 1})}},
                                  D({20, 3}), out.get(), DType::kFloat32, nullptr)
                  .ok());
  ExpectAllNear(out.Download<float>(60), Values<float>(want), 0, "SelectV2");

  // ClipByValue with scalar bounds (NaN passes through).
  const std::vector<float> lo = {-1.0f}, hi = {2.0f};
  const Tensor clip_want =
      Cpu("ClipByValue",
          testing::MovedInputs(FloatTensor(x, {60}), FloatTensor(lo, {}), FloatTensor(hi, {})));
  ExpectAllNear(GpuFloatOp(ElementwiseOp::kClipByValue, {x, lo, hi}, {D({60}), D({}), D({})},
                           D({60}), DType::kFloat32),
                clip_want.flat<float>() ? Values<float>(clip_want) : std::vector<float>{}, 0,
                "ClipByValue");

  // Cast float -> int32 (truncation; NaN / out of range -> INT32_MIN), -> bool, -> half.
  std::vector<float> c = x;
  c.push_back(3e9f);
  c.push_back(-3e9f);
  c.push_back(-2.7f);
  const int64_t n = c.size();
  DeviceBuffer dcast(c), out_i(n * 4), out_b(n), out_h(n * 2);
  const ElementwiseInput in{dcast.get(), DType::kFloat32, D({1})};
  for (auto [dtype, buffer, tf] : {std::tuple{DType::kInt32, &out_i, tensorflow::DT_INT32},
                                   std::tuple{DType::kBool, &out_b, tensorflow::DT_BOOL},
                                   std::tuple{DType::kFloat16, &out_h, tensorflow::DT_HALF}}) {
    ASSERT_TRUE(ElementwiseOpLaunch(ElementwiseOp::kCast, DType::kFloat32, {in}, D({n}),
                                    buffer->get(), dtype, nullptr)
                    .ok());
    const Tensor cast_want =
        Cpu("Cast", testing::MovedInputs(FloatTensor(c, {n})), {{"DstT", TypeAttr(tf)}});
    if (dtype == DType::kInt32) {
      EXPECT_EQ(buffer->Download<int32_t>(n), Values<int32_t>(cast_want));
    } else if (dtype == DType::kBool) {
      const auto got = buffer->Download<uint8_t>(n);
      for (int64_t i = 0; i < n; ++i) EXPECT_EQ(got[i], cast_want.flat<bool>()[i] ? 1 : 0) << i;
    } else {
      ExpectAllNear(FromHalf(buffer->Download<Half>(n)), FromHalf(Values<Half>(cast_want)), 0,
                    "Cast to half");
    }
  }
}

// scale * x + offset per channel, then Relu6, then a comparison-free cast to half: the
// fused epilogue shape the backend builds; against the CPU ops run one after another.
TEST(CudaElementwiseTest, ChainWithBroadcastOperandsMatchesCpuSequence) {
  TFTRT_SKIP_WITHOUT_GPU();
  const Shape shape = {2, 3, 4, 8};
  const std::vector<float> x = RandomFloats(2 * 3 * 4 * 8, -4, 4, 11, true);
  const std::vector<float> scale = RandomFloats(8, 0.5f, 2, 12, false);
  const std::vector<float> offset = RandomFloats(8, -1, 1, 13, false);
  Tensor t = Cpu("Mul", testing::MovedInputs(FloatTensor(x, shape), FloatTensor(scale, {8})));
  t = Cpu("AddV2", testing::MovedInputs(std::move(t), FloatTensor(offset, {8})));
  t = Cpu("Relu6", testing::MovedInputs(std::move(t)));
  t = Cpu("Sub", testing::MovedInputs(FloatTensor({1.0f}, {}), std::move(t)));  // operand first
  DeviceBuffer dx(x), ds(scale), doff(offset), one(std::vector<float>{1.0f});
  const Dims out_shape = Dims::From(shape);
  ElementwiseProgram program;
  program.first.op = ElementwiseOp::kMul;
  program.first.operands[0] = 0;
  program.first.operands[1] = 1;
  program.num_steps = 3;
  program.steps[0].op = ElementwiseOp::kAdd;
  program.steps[0].operands[0] = 2;
  program.steps[1].op = ElementwiseOp::kRelu6;
  program.steps[2].op = ElementwiseOp::kSub;
  program.steps[2].operands[0] = 3;
  program.steps[2].operand_first = true;
  const std::vector<ElementwiseInput> inputs = {
      *BroadcastInput(dx.get(), DType::kFloat32, out_shape, out_shape),
      *BroadcastInput(ds.get(), DType::kFloat32, D({8}), out_shape),
      *BroadcastInput(doff.get(), DType::kFloat32, D({8}), out_shape),
      *BroadcastInput(one.get(), DType::kFloat32, D({}), out_shape)};
  const int64_t n = NumElements(out_shape);
  DeviceBuffer out(n * 4), out_half(n * 2);
  ASSERT_TRUE(
      ElementwiseChain(program, inputs, out_shape, out.get(), DType::kFloat32, nullptr).ok());
  ExpectAllNear(out.Download<float>(n), Values<float>(t), 0, "chain");
  ASSERT_TRUE(
      ElementwiseChain(program, inputs, out_shape, out_half.get(), DType::kFloat16, nullptr).ok());
  std::vector<float> want_half;
  for (float w : Values<float>(t)) want_half.push_back(HalfToFloat(FloatToHalf(w)));
  ExpectAllNear(FromHalf(out_half.Download<Half>(n)), want_half, 0, "chain half");

  // Half inputs: widened exactly, so the result equals the float chain on widened values.
  std::vector<float> xh = FromHalf(ToHalf(x));
  DeviceBuffer dxh(ToHalf(x));
  std::vector<ElementwiseInput> half_inputs = inputs;
  half_inputs[0] = *BroadcastInput(dxh.get(), DType::kFloat16, out_shape, out_shape);
  Tensor th = Cpu("Mul", testing::MovedInputs(FloatTensor(xh, shape), FloatTensor(scale, {8})));
  th = Cpu("AddV2", testing::MovedInputs(std::move(th), FloatTensor(offset, {8})));
  th = Cpu("Relu6", testing::MovedInputs(std::move(th)));
  th = Cpu("Sub", testing::MovedInputs(FloatTensor({1.0f}, {}), std::move(th)));
  ASSERT_TRUE(
      ElementwiseChain(program, half_inputs, out_shape, out.get(), DType::kFloat32, nullptr).ok());
  ExpectAllNear(out.Download<float>(n), Values<float>(th), 0, "chain from half");
}

// The vector path (kVector elements a thread, 16-byte accesses) and the element path must
// give the same bits. The same chain runs on aligned tensors (vector path: dense, repeating
// bias, row statistic and scalar inputs) and on copies one element off 16-byte alignment
// (element path); the grid-stride loop is covered by a tensor larger than one grid.
TEST(CudaElementwiseTest, VectorPathMatchesElementPath) {
  TFTRT_SKIP_WITHOUT_GPU();
  const int64_t rows = 24576, cols = 1024, n = rows * cols;
  const std::vector<Half> x = ToHalf(RandomFloats(n, -6, 6, 51, true));
  const std::vector<float> bias = RandomFloats(cols, -1, 1, 52, false);
  const std::vector<float> row_scale = RandomFloats(rows, 0.5f, 2, 53, false);
  ElementwiseProgram program;  // gelu((x + bias) * row_scale) - 0.25, then Relu6
  program.first.op = ElementwiseOp::kAdd;
  program.first.operands[0] = 0;
  program.first.operands[1] = 1;
  program.num_steps = 4;
  program.steps[0].op = ElementwiseOp::kMul;
  program.steps[0].operands[0] = 2;
  program.steps[1].op = ElementwiseOp::kGelu;
  program.steps[2].op = ElementwiseOp::kSub;
  program.steps[2].operands[0] = 3;
  program.steps[3].op = ElementwiseOp::kRelu6;
  const Dims out_shape = D({rows, cols});
  std::vector<Half> x_shifted(n + 1);
  std::copy(x.begin(), x.end(), x_shifted.begin() + 1);
  DeviceBuffer dx(x), dx_shifted(x_shifted), dbias(bias), drow(row_scale),
      quarter(std::vector<float>{0.25f}), out((n + 8) * 2), out_shifted((n + 8) * 2);
  auto inputs = [&](const void* x_data) {
    return std::vector<ElementwiseInput>{
        *BroadcastInput(x_data, DType::kFloat16, out_shape, out_shape),
        *BroadcastInput(dbias.get(), DType::kFloat32, D({cols}), out_shape),
        *BroadcastInput(drow.get(), DType::kFloat32, D({rows, 1}), out_shape),
        *BroadcastInput(quarter.get(), DType::kFloat32, D({}), out_shape)};
  };
  ASSERT_TRUE(
      ElementwiseChain(program, inputs(dx.get()), out_shape, out.get(), DType::kFloat16, nullptr)
          .ok());
  ASSERT_TRUE(ElementwiseChain(program, inputs(dx_shifted.as<Half>() + 1), out_shape,
                               out_shifted.as<Half>() + 1, DType::kFloat16, nullptr)
                  .ok());
  const std::vector<Half> vector_path = out.Download<Half>(n);
  const std::vector<Half> element_path = out_shifted.Download<Half>(n + 1);
  int64_t mismatches = 0;
  for (int64_t i = 0; i < n; ++i) {
    mismatches += std::memcmp(&vector_path[i], &element_path[i + 1], sizeof(Half)) != 0;
  }
  EXPECT_EQ(mismatches, 0);
  // And both are the chain: spot-check rows against the cpu ops (CUDA's erfcf may differ
  // from the CPU's in its last float bits, so the half result may round one half ulp away).
  for (int64_t r : {int64_t{0}, rows / 2, rows - 1}) {
    for (int64_t c = 0; c < cols; c += 97) {
      const float v = (HalfToFloat(x[r * cols + c]) + bias[c]) * row_scale[r];
      const Tensor gelu =
          Cpu("Mul", testing::MovedInputs(
                         FloatTensor({0.5f * v}, {}),
                         Cpu("Erfc", testing::MovedInputs(FloatTensor({-v * 0.70710678f}, {})))));
      const float want = std::min(std::max(Values<float>(gelu)[0] - 0.25f, 0.0f), 6.0f);
      const float half_ulp = std::ldexp(1.0f, std::max(std::ilogb(want), -14) - 10);
      EXPECT_LE(std::fabs(HalfToFloat(vector_path[r * cols + c]) - want), half_ulp)
          << "row " << r << " col " << c;
    }
  }
}

TEST(CudaElementwiseTest, RanksZeroToSixStridedViewsAndEmptyTensors) {
  TFTRT_SKIP_WITHOUT_GPU();
  for (int rank = 0; rank <= 6; ++rank) {
    Shape shape;
    for (int d = 0; d < rank; ++d) shape.push_back(d % 3 + 1 + (d == rank - 1 ? 2 : 0));
    Shape bshape = shape;
    if (rank > 1) bshape[0] = 1;  // broadcast along the first dim
    const int64_t n = NumElements(Dims::From(shape)), nb = NumElements(Dims::From(bshape));
    const auto a = RandomFloats(n, -5, 5, 20 + rank, false);
    const auto b = RandomFloats(nb, -5, 5, 30 + rank, false);
    const Tensor want =
        Cpu("Mul", testing::MovedInputs(FloatTensor(a, shape), FloatTensor(b, bshape)));
    ExpectAllNear(GpuFloatOp(ElementwiseOp::kMul, {a, b}, {Dims::From(shape), Dims::From(bshape)},
                             Dims::From(shape), DType::kFloat32),
                  Values<float>(want), 0, "rank " + std::to_string(rank));
  }
  // A transposed view: out[i, j] = a[j, i] + 1, read through strides (the general path).
  const auto a = RandomFloats(6 * 7, -5, 5, 40, false);
  DeviceBuffer da(a), one(std::vector<float>{1.0f}), out(6 * 7 * 4);
  ASSERT_TRUE(ElementwiseOpLaunch(
                  ElementwiseOp::kAdd, DType::kFloat32,
                  {{da.get(), DType::kFloat32, D({1, 7})}, {one.get(), DType::kFloat32, D({0, 0})}},
                  D({7, 6}), out.get(), DType::kFloat32, nullptr)
                  .ok());
  const auto got = out.Download<float>(42);
  for (int i = 0; i < 7; ++i) {
    for (int j = 0; j < 6; ++j) EXPECT_EQ(got[i * 6 + j], a[j * 7 + i] + 1.0f);
  }
  // Empty output: nothing launched, no error, even with null pointers.
  EXPECT_TRUE(ElementwiseOpLaunch(ElementwiseOp::kExp, DType::kFloat32,
                                  {{nullptr, DType::kFloat32, D({3, 1})}}, D({0, 3}), nullptr,
                                  DType::kFloat32, nullptr)
                  .ok());
}

TEST(CudaElementwiseTest, LargeTensorCoversTheGridStrideLoop) {
  TFTRT_SKIP_WITHOUT_GPU();
  const int64_t n = int64_t{65535} * 1024 + 4097;  // more than one grid's worth
  std::vector<float> x(n);
  for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(i % 1000003);
  DeviceBuffer dx(x), two(std::vector<float>{2.0f}), out(n * 4);
  ASSERT_TRUE(ElementwiseOpLaunch(
                  ElementwiseOp::kMul, DType::kFloat32,
                  {{dx.get(), DType::kFloat32, D({1})}, {two.get(), DType::kFloat32, D({0})}},
                  D({n}), out.get(), DType::kFloat32, nullptr)
                  .ok());
  const auto got = out.Download<float>(n);
  int64_t mismatches = 0;
  for (int64_t i = 0; i < n; ++i) mismatches += got[i] != x[i] * 2.0f;
  EXPECT_EQ(mismatches, 0);
}

TEST(CudaElementwiseTest, AddNSumsLeftToRight) {
  TFTRT_SKIP_WITHOUT_GPU();
  std::vector<std::vector<float>> values;
  std::vector<std::unique_ptr<DeviceBuffer>> buffers;
  std::vector<const void*> pointers;
  std::vector<Tensor> tensors;
  for (int k = 0; k < 11; ++k) {  // two groups
    values.push_back(RandomFloats(50, -100, 100, 50 + k, false));
    buffers.push_back(std::make_unique<DeviceBuffer>(values.back()));
    pointers.push_back(buffers.back()->get());
    tensors.push_back(FloatTensor(values.back(), {5, 10}));
  }
  const Tensor want = Cpu("AddN", std::move(tensors));
  DeviceBuffer out(50 * 4);
  ASSERT_TRUE(AddN(pointers, D({5, 10}), DType::kFloat32, out.get(), nullptr).ok());
  ExpectAllNear(out.Download<float>(50), Values<float>(want), 0, "AddN");
}

// ---- Data movement ----

TEST(CudaDataMovementTest, TransposeMatchesCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const Shape shape = {2, 3, 4, 5};
  const auto x = RandomFloats(120, -5, 5, 60, false);
  const std::vector<int> perm = {2, 0, 3, 1};
  const Tensor want =
      Cpu("Transpose", testing::MovedInputs(FloatTensor(x, shape),
                                            Tensor::FromVector(std::vector<int32_t>{2, 0, 3, 1})));
  DeviceBuffer dx(x), out(120 * 4);
  ASSERT_TRUE(
      Transpose(dx.get(), Dims::From(shape), perm, DType::kFloat32, out.get(), nullptr).ok());
  EXPECT_EQ(out.Download<float>(120), Values<float>(want));
  // Half (2-byte) and bool (1-byte) elements move the same way.
  DeviceBuffer dh(ToHalf(x)), out_h(120 * 2);
  ASSERT_TRUE(
      Transpose(dh.get(), Dims::From(shape), perm, DType::kFloat16, out_h.get(), nullptr).ok());
  EXPECT_EQ(FromHalf(out_h.Download<Half>(120)), FromHalf(ToHalf(Values<float>(want))));
}

TEST(CudaDataMovementTest, StridedCopyWithNegativeStridesMatchesStridedSlice) {
  TFTRT_SKIP_WITHOUT_GPU();
  // x[::-2, 1:4, ::-1] of a [5, 6, 3] tensor.
  const auto x = RandomFloats(90, -5, 5, 61, false);
  const Tensor want = Cpu("StridedSlice",
                          testing::MovedInputs(FloatTensor(x, {5, 6, 3}),
                                               Tensor::FromVector(std::vector<int32_t>{-1, 1, -1}),
                                               Tensor::FromVector(std::vector<int32_t>{-6, 4, -4}),
                                               Tensor::FromVector(std::vector<int32_t>{-2, 1, -1})),
                          {{"begin_mask", IntAttr(0)},
                           {"end_mask", IntAttr(0)},
                           {"ellipsis_mask", IntAttr(0)},
                           {"new_axis_mask", IntAttr(0)},
                           {"shrink_axis_mask", IntAttr(0)}});
  ASSERT_EQ(want.shape(), (Shape{3, 3, 3}));
  DeviceBuffer dx(x), out(27 * 4);
  const float* first = dx.as<float>() + (4 * 6 + 1) * 3 + 2;
  ASSERT_TRUE(
      StridedCopy(first, D({-2 * 18, 3, -1}), D({3, 3, 3}), DType::kFloat32, out.get(), nullptr)
          .ok());
  EXPECT_EQ(out.Download<float>(27), Values<float>(want));
  // Broadcasting copy (BroadcastTo): stride 0.
  DeviceBuffer out_b(4 * 3 * 4);
  ASSERT_TRUE(
      StridedCopy(dx.get(), D({0, 1}), D({4, 3}), DType::kFloat32, out_b.get(), nullptr).ok());
  const auto got = out_b.Download<float>(12);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(got[i], x[i % 3]);
}

TEST(CudaDataMovementTest, ConcatAndSplitMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  // 40 inputs (two launches), one of them empty along the axis.
  std::vector<std::vector<float>> values;
  std::vector<std::unique_ptr<DeviceBuffer>> buffers;
  std::vector<const void*> pointers;
  std::vector<Dims> shapes;
  std::vector<Tensor> tensors;
  int64_t total = 0;
  for (int k = 0; k < 40; ++k) {
    const int64_t size = k == 7 ? 0 : k % 3 + 1;
    total += size;
    values.push_back(RandomFloats(2 * size * 5, -5, 5, 70 + k, false));
    buffers.push_back(std::make_unique<DeviceBuffer>(values.back()));
    pointers.push_back(buffers.back()->get());
    shapes.push_back(D({2, size, 5}));
    tensors.push_back(FloatTensor(values.back(), {2, size, 5}));
  }
  tensors.push_back(Tensor::Scalar<int32_t>(1));
  const Tensor want = Cpu("ConcatV2", std::move(tensors));
  DeviceBuffer out(2 * total * 5 * 4);
  ASSERT_TRUE(Concat(pointers, shapes, 1, DType::kFloat32, out.get(), nullptr).ok());
  const auto got = out.Download<float>(2 * total * 5);
  EXPECT_EQ(got, Values<float>(want));
  // Split it back.
  std::vector<std::unique_ptr<DeviceBuffer>> pieces;
  std::vector<void*> piece_ptrs;
  std::vector<int64_t> sizes;
  for (int k = 0; k < 40; ++k) {
    sizes.push_back(shapes[k][1]);
    pieces.push_back(std::make_unique<DeviceBuffer>(values[k].size() * 4));
    piece_ptrs.push_back(pieces.back()->get());
  }
  ASSERT_TRUE(
      Split(out.get(), D({2, total, 5}), 1, sizes, piece_ptrs, DType::kFloat32, nullptr).ok());
  for (int k = 0; k < 40; ++k)
    EXPECT_EQ(pieces[k]->Download<float>(values[k].size()), values[k]) << k;
}

TEST(CudaDataMovementTest, PadMirrorPadAndTileMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto x = RandomFloats(12, -5, 5, 80, false);
  DeviceBuffer dx(x);
  const Tensor paddings = Tensor::FromVector(std::vector<int32_t>{1, 2, 2, 1}, {2, 2});
  struct Case {
    const char* op;
    PadMode mode;
    std::string attr;
  };
  for (const Case& c :
       {Case{"PadV2", PadMode::kConstant, ""}, Case{"MirrorPad", PadMode::kReflect, "REFLECT"},
        Case{"MirrorPad", PadMode::kSymmetric, "SYMMETRIC"}}) {
    std::vector<Tensor> inputs = testing::MovedInputs(FloatTensor(x, {3, 4}), Tensor(paddings));
    AttrMap attrs;
    if (c.mode == PadMode::kConstant) {
      inputs.push_back(FloatTensor({-7.5f}, {}));
    } else {
      attrs["mode"] = StringAttr(c.attr);
    }
    const Tensor want = Cpu(c.op, std::move(inputs), attrs);
    DeviceBuffer out(6 * 7 * 4);
    ASSERT_TRUE(
        Pad(dx.get(), D({3, 4}), {1, 2}, {2, 1}, c.mode, -7.5, DType::kFloat32, out.get(), nullptr)
            .ok());
    EXPECT_EQ(out.Download<float>(42), Values<float>(want)) << c.attr;
  }
  // An NHWC image padded in H and W only: rows of whole pixels move as 16-byte elements.
  const auto image = RandomFloats(2 * 3 * 4 * 8, -5, 5, 81, false);
  DeviceBuffer d_image(image);
  const Tensor image_paddings =
      Tensor::FromVector(std::vector<int32_t>{0, 0, 1, 2, 3, 0, 0, 0}, {4, 2});
  const Tensor want_image =
      Cpu("PadV2", testing::MovedInputs(FloatTensor(image, {2, 3, 4, 8}), Tensor(image_paddings),
                                        FloatTensor({-7.5f}, {})));
  const int64_t padded = 2 * 6 * 7 * 8;
  DeviceBuffer out_image(padded * 4);
  ASSERT_TRUE(Pad(d_image.get(), D({2, 3, 4, 8}), {0, 1, 3, 0}, {0, 2, 0, 0}, PadMode::kConstant,
                  -7.5, DType::kFloat32, out_image.get(), nullptr)
                  .ok());
  EXPECT_EQ(out_image.Download<float>(padded), Values<float>(want_image));
  const Tensor want = Cpu(
      "Tile",
      testing::MovedInputs(FloatTensor(x, {3, 4}), Tensor::FromVector(std::vector<int32_t>{2, 3})));
  DeviceBuffer out(6 * 12 * 4);
  ASSERT_TRUE(Tile(dx.get(), D({3, 4}), {2, 3}, DType::kFloat32, out.get(), nullptr).ok());
  EXPECT_EQ(out.Download<float>(72), Values<float>(want));
}

// Channel padding for tensor cores: the one-store paths (16-bit pixels of 4 and 8 channels,
// 32-bit pixels of 4) and the general one (16-bit pixels of 7), against the definition.
TEST(CudaDataMovementTest, PadChannelsAppendsZeroChannels) {
  TFTRT_SKIP_WITHOUT_GPU();
  const int64_t pixels = 1000;
  for (const auto& [channels, padded, element] :
       std::vector<std::array<int64_t, 3>>{{3, 4, 2}, {3, 8, 2}, {1, 4, 2}, {3, 4, 4}, {5, 7, 2}}) {
    SCOPED_TRACE(std::to_string(channels) + " -> " + std::to_string(padded) + " channels of " +
                 std::to_string(element) + " bytes");
    std::vector<uint32_t> in(pixels * channels);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint32_t>(i % 65535 + 1);
    std::vector<uint32_t> want(pixels * padded, 0);
    for (int64_t p = 0; p < pixels; ++p) {
      for (int64_t c = 0; c < channels; ++c) want[p * padded + c] = in[p * channels + c];
    }
    const DType dtype = element == 2 ? DType::kFloat16 : DType::kFloat32;
    const std::vector<uint16_t> in16(in.begin(), in.end());
    std::vector<uint8_t> bytes(in.size() * element);
    std::memcpy(bytes.data(), element == 2 ? static_cast<const void*>(in16.data()) : in.data(),
                bytes.size());
    DeviceBuffer din(bytes);
    DeviceBuffer out(want.size() * element);
    ASSERT_TRUE(PadChannels(din.get(), pixels, channels, padded, dtype, out.get(), nullptr).ok());
    if (element == 2) {
      const auto got = out.Download<uint16_t>(want.size());
      EXPECT_EQ(std::vector<uint32_t>(got.begin(), got.end()), want);
    } else {
      EXPECT_EQ(out.Download<uint32_t>(want.size()), want);
    }
  }
  EXPECT_EQ(PadChannels(nullptr, 4, 4, 3, DType::kFloat16, nullptr, nullptr).code(),
            StatusCode::kInvalidArgument);
}

TEST(CudaDataMovementTest, GatherMatchesCpuAndFlagsBadIndices) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto params = RandomFloats(4 * 5 * 3, -5, 5, 90, false);
  const std::vector<int32_t> indices = {4, 0, 0, 2, 3};
  DeviceBuffer dp(params), di(indices), out(4 * 5 * 3 * 4), flag(std::vector<int32_t>{0});
  const Tensor want = Cpu(
      "GatherV2", testing::MovedInputs(FloatTensor(params, {4, 5, 3}), Tensor::FromVector(indices),
                                       Tensor::Scalar<int32_t>(1)));
  ASSERT_TRUE(Gather(dp.get(), D({4, 5, 3}), 1, di.get(), IndexType::kInt32, 5, DType::kFloat32,
                     out.get(), flag.as<int32_t>(), nullptr)
                  .ok());
  EXPECT_EQ(out.Download<float>(60), Values<float>(want));
  EXPECT_EQ(flag.Download<int32_t>(1)[0], 0);
  // int64 indices, one out of range: zeros there and the flag set.
  const std::vector<int64_t> bad = {1, 5000000000LL, -1};
  DeviceBuffer dbad(bad), out2(4 * 3 * 3 * 4);
  ASSERT_TRUE(Gather(dp.get(), D({4, 5, 3}), 1, dbad.get(), IndexType::kInt64, 3, DType::kFloat32,
                     out2.get(), flag.as<int32_t>(), nullptr)
                  .ok());
  const auto got = out2.Download<float>(36);
  for (int o = 0; o < 4; ++o) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(got[(o * 3 + 0) * 3 + i], params[(o * 5 + 1) * 3 + i]);
      EXPECT_EQ(got[(o * 3 + 1) * 3 + i], 0.0f);
      EXPECT_EQ(got[(o * 3 + 2) * 3 + i], 0.0f);
    }
  }
  EXPECT_EQ(flag.Download<int32_t>(1)[0], 1);
}

// ---- Reductions ----

TEST(CudaReductionTest, EveryOpOverAxisSetsMatchesCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  const Shape shape = {3, 4, 5, 6};
  const int64_t n = 360;
  auto x = RandomFloats(n, -2, 2, 100, false);
  const auto xi = RandomInts(n, -50, 50, 101);
  const std::vector<std::vector<int>> axis_sets = {{3},          {0}, {1, 2}, {0, 3},
                                                   {0, 1, 2, 3}, {},  {1, 3}};
  for (const char* name : {"Sum", "Prod", "Max", "Min", "Mean"}) {
    const ReduceOp op = std::string(name) == "Sum"    ? ReduceOp::kSum
                        : std::string(name) == "Prod" ? ReduceOp::kProd
                        : std::string(name) == "Max"  ? ReduceOp::kMax
                        : std::string(name) == "Min"  ? ReduceOp::kMin
                                                      : ReduceOp::kMean;
    for (const auto& axes : axis_sets) {
      std::vector<int32_t> axes32(axes.begin(), axes.end());
      const std::string what = std::string(name) + " axes " + std::to_string(axes.size());
      const Tensor want = Cpu(
          name,
          testing::MovedInputs(FloatTensor(x, shape),
                               Tensor::FromVector(axes32, {static_cast<int64_t>(axes32.size())})));
      DeviceBuffer dx(x), out(want.NumElements() * 4);
      ASSERT_TRUE(
          Reduce(op, dx.get(), Dims::From(shape), axes, DType::kFloat32, out.get(), nullptr).ok());
      // float32 accumulation vs the CPU's double: a few ulps of the sum of magnitudes.
      const auto got = out.Download<float>(want.NumElements());
      const auto w = Values<float>(want);
      for (size_t i = 0; i < w.size(); ++i) {
        EXPECT_NEAR(got[i], w[i], 1e-5 * std::max(1.0f, std::fabs(w[i])) * 64)
            << what << " at " << i;
      }
      const Tensor want_i = Cpu(
          name,
          testing::MovedInputs(Tensor::FromVector(xi, shape),
                               Tensor::FromVector(axes32, {static_cast<int64_t>(axes32.size())})));
      DeviceBuffer dxi(xi), out_i(want_i.NumElements() * 4);
      ASSERT_TRUE(
          Reduce(op, dxi.get(), Dims::From(shape), axes, DType::kInt32, out_i.get(), nullptr).ok());
      EXPECT_EQ(out_i.Download<int32_t>(want_i.NumElements()), Values<int32_t>(want_i)) << what;
    }
  }
  // NaN propagates through Max; an empty reduced axis gives the identity.
  x[17] = kNan;
  DeviceBuffer dx(x), out(4 * 5 * 6 * 4);
  ASSERT_TRUE(
      Reduce(ReduceOp::kMax, dx.get(), Dims::From(shape), {0}, DType::kFloat32, out.get(), nullptr)
          .ok());
  EXPECT_TRUE(std::isnan(out.Download<float>(120)[17]));
  DeviceBuffer out_empty(3 * 4);
  ASSERT_TRUE(
      Reduce(ReduceOp::kMax, dx.get(), D({3, 0}), {1}, DType::kFloat32, out_empty.get(), nullptr)
          .ok());
  EXPECT_EQ(out_empty.Download<float>(3), std::vector<float>(3, -kInf));
}

// Rows up to kWarpRowMaxLength (2048) are reduced by a warp each, longer ones by a block.
TEST(CudaReductionTest, RowsJustBelowAndAboveTheWarpLimitMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  for (int64_t length : {2047, 2048, 2049}) {
    const Shape shape = {37, length};
    const auto x = RandomFloats(37 * length, -2, 2, 130 + length, false);
    for (const char* name : {"Mean", "Max"}) {
      const Tensor want =
          Cpu(name, testing::MovedInputs(FloatTensor(x, shape), Tensor::Scalar<int32_t>(1)));
      DeviceBuffer dx(x), out(37 * 4);
      ASSERT_TRUE(Reduce(std::string(name) == "Mean" ? ReduceOp::kMean : ReduceOp::kMax, dx.get(),
                         Dims::From(shape), {1}, DType::kFloat32, out.get(), nullptr)
                      .ok());
      const auto got = out.Download<float>(37);
      const auto w = Values<float>(want);
      for (size_t i = 0; i < w.size(); ++i) {
        EXPECT_NEAR(got[i], w[i], 1e-5 * std::max(1.0f, std::fabs(w[i])) * 64)
            << name << " length " << length << " row " << i;
      }
    }
  }
}

TEST(CudaReductionTest, LargeFullReductionAndHalf) {
  TFTRT_SKIP_WITHOUT_GPU();
  const int64_t n = 3'000'001;
  std::vector<float> x(n, 0.25f);
  DeviceBuffer dx(x), out(4);
  ASSERT_TRUE(
      Reduce(ReduceOp::kSum, dx.get(), D({n}), {0}, DType::kFloat32, out.get(), nullptr).ok());
  EXPECT_NEAR(out.Download<float>(1)[0], n * 0.25, n * 0.25 * 1e-5);
  // Half: float accumulation, one rounding.
  const auto v = RandomFloats(64 * 33, -1, 1, 102, false);
  DeviceBuffer dh(ToHalf(v)), out_h(64 * 2);
  ASSERT_TRUE(
      Reduce(ReduceOp::kMean, dh.get(), D({64, 33}), {1}, DType::kFloat16, out_h.get(), nullptr)
          .ok());
  const auto got = FromHalf(out_h.Download<Half>(64));
  const auto widened = FromHalf(ToHalf(v));
  for (int r = 0; r < 64; ++r) {
    double sum = 0;
    for (int j = 0; j < 33; ++j) sum += widened[r * 33 + j];
    EXPECT_NEAR(got[r], sum / 33, 1e-3) << r;
  }
}

TEST(CudaReductionTest, ArgMaxArgMinMatchCpuWithTiesAndNans) {
  TFTRT_SKIP_WITHOUT_GPU();
  const Shape shape = {6, 50, 7};
  auto x = RandomFloats(6 * 50 * 7, -3, 3, 110, false);
  for (auto& v : x) v = std::round(v);                          // many ties
  x[0] = kNan;                                                  // NaN first in a line
  for (int j = 0; j < 50; ++j) x[(1 * 50 + j) * 7 + 3] = kNan;  // an all-NaN line
  for (int axis = 0; axis < 3; ++axis) {
    for (const char* name : {"ArgMax", "ArgMin"}) {
      const Tensor want =
          Cpu(name, testing::MovedInputs(FloatTensor(x, shape), Tensor::Scalar<int32_t>(axis)),
              {{"output_type", TypeAttr(tensorflow::DT_INT32)}});
      DeviceBuffer dx(x), out(want.NumElements() * 4);
      ASSERT_TRUE(
          ArgReduce(std::string(name) == "ArgMax" ? ArgReduceOp::kArgMax : ArgReduceOp::kArgMin,
                    dx.get(), Dims::From(shape), axis, DType::kFloat32, out.as<int32_t>(), nullptr)
              .ok());
      EXPECT_EQ(out.Download<int32_t>(want.NumElements()), Values<int32_t>(want))
          << name << " axis " << axis;
    }
  }
  // A long innermost row (block reduction) with the maximum at a late tie.
  std::vector<float> row(100000, 1.0f);
  row[70000] = row[90000] = 5.0f;
  DeviceBuffer dr(row), out(4);
  ASSERT_TRUE(ArgReduce(ArgReduceOp::kArgMax, dr.get(), D({1, 100000}), 1, DType::kFloat32,
                        out.as<int32_t>(), nullptr)
                  .ok());
  EXPECT_EQ(out.Download<int32_t>(1)[0], 70000);
}

// ---- Softmax ----

TEST(CudaSoftmaxTest, SoftmaxAndLogSoftmaxMatchCpu) {
  TFTRT_SKIP_WITHOUT_GPU();
  for (int64_t classes : {1, 7, 32, 1000, 5000}) {
    const int64_t rows = 9;
    auto x = RandomFloats(rows * classes, -20, 20, 120 + classes, false);
    x[0] = kNan;                                                       // row 0: NaN
    if (classes > 1) x[classes + 1] = kInf;                            // row 1: +inf
    for (int64_t j = 0; j < classes; ++j) x[2 * classes + j] = -kInf;  // row 2: all -inf
    for (bool log : {false, true}) {
      std::vector<float> want(rows * classes);
      if (log) {
        ::tftrt::LogSoftmax<float>(rows, classes, x.data(), want.data());
      } else {
        ::tftrt::Softmax<float>(rows, classes, x.data(), want.data());
      }
      DeviceBuffer dx(x), out(rows * classes * 4);
      ASSERT_TRUE(Softmax(dx.get(), rows, classes, DType::kFloat32, log, out.get(), nullptr).ok());
      const auto got = out.Download<float>(rows * classes);
      for (size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(want[i])) {
          EXPECT_TRUE(std::isnan(got[i])) << i;
        } else {
          EXPECT_NEAR(got[i], want[i], 1e-5 * std::max(1.0f, std::fabs(want[i])))
              << classes << " " << i;
        }
      }
      // Half storage.
      DeviceBuffer dh(ToHalf(x)), out_h(rows * classes * 2);
      ASSERT_TRUE(
          Softmax(dh.get(), rows, classes, DType::kFloat16, log, out_h.get(), nullptr).ok());
      const auto got_h = FromHalf(out_h.Download<Half>(rows * classes));
      std::vector<float> want_h(rows * classes);
      const auto xh = FromHalf(ToHalf(x));
      if (log) {
        ::tftrt::LogSoftmax<float>(rows, classes, xh.data(), want_h.data());
      } else {
        ::tftrt::Softmax<float>(rows, classes, xh.data(), want_h.data());
      }
      for (size_t i = 0; i < got_h.size(); ++i) {
        if (!std::isnan(want_h[i])) {
          EXPECT_NEAR(got_h[i], want_h[i], 2e-3 * std::max(1.0f, std::fabs(want_h[i])));
        }
      }
    }
  }
}

// ---- Layer normalization ----

// A warp per row (7, 768 columns) and a block per row (3000), float32 and half storage,
// against the cpu kernel that the folded layer runs there.
// 16 to 2048 columns: the register path (one to eight 8-element vectors per lane); 7 and
// 3000: the three-pass kernel, a warp and a block per row.
TEST(CudaLayerNormTest, MatchesCpuForShortAndLongRows) {
  TFTRT_SKIP_WITHOUT_GPU();
  for (int64_t cols : {7, 16, 256, 768, 2048, 3000}) {
    const int64_t rows = 33;
    const auto x = RandomFloats(rows * cols, -3, 5, 140 + cols, false);
    const auto gamma = RandomFloats(cols, 0.5f, 2, 141, false);
    const auto beta = RandomFloats(cols, -1, 1, 142, false);
    DeviceBuffer dgamma(gamma), dbeta(beta);
    for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
      const bool half = dtype == DType::kFloat16;
      const std::vector<float> xs = half ? FromHalf(ToHalf(x)) : x;
      std::vector<float> want(rows * cols);
      ::tftrt::LayerNorm<float>(rows, cols, xs.data(), gamma.data(), beta.data(), 1e-3f,
                                want.data());
      DeviceBuffer dx = half ? DeviceBuffer(ToHalf(x)) : DeviceBuffer(x);
      DeviceBuffer out(rows * cols * 4);
      ASSERT_TRUE(LayerNorm(dx.get(), rows, cols, dgamma.as<float>(), dbeta.as<float>(), 1e-3f,
                            dtype, out.get(), nullptr)
                      .ok());
      const auto got =
          half ? FromHalf(out.Download<Half>(rows * cols)) : out.Download<float>(rows * cols);
      const double tolerance = half ? 4e-3 : 2e-5;
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_NEAR(got[i], want[i], tolerance * std::max(1.0f, std::fabs(want[i])))
            << cols << " columns, " << DTypeName(dtype) << ", element " << i;
      }
    }
  }
}

// ---- Pooling ----

// 5 channels: one per thread; 16: four float (or int32) channels per thread in one vector.
class CudaPoolingTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(CudaPoolingTest, MaxAndAvgPoolMatchCpuWithPadding) {
  TFTRT_SKIP_WITHOUT_GPU();
  const int64_t channels = GetParam();
  Pool2DParams p;
  p.batch = 2, p.in_height = 9, p.in_width = 8, p.channels = channels;
  p.window_height = 3, p.window_width = 2, p.stride_height = 2, p.stride_width = 3;
  p.pad_top = 1, p.pad_left = 1;
  p.out_height = 5, p.out_width = 3;
  const int64_t n_in = 2 * 9 * 8 * channels, n_out = 2 * 5 * 3 * channels;
  auto x = RandomFloats(n_in, -5, 5, 130, true);
  x[3] = -kInf;
  Pool2DShape cpu_shape{2, 9, 8, channels, Window2D{}};
  cpu_shape.window.filter_rows = 3, cpu_shape.window.filter_cols = 2;
  cpu_shape.window.stride_rows = 2, cpu_shape.window.stride_cols = 3;
  cpu_shape.window.pad_top = 1, cpu_shape.window.pad_left = 1;
  cpu_shape.window.out_rows = 5, cpu_shape.window.out_cols = 3;
  std::vector<float> want_max(n_out), want_avg(n_out);
  MaxPool2D<float>(cpu_shape, x.data(), want_max.data());
  AvgPool2D<float>(cpu_shape, x.data(), want_avg.data());
  DeviceBuffer dx(x), out(n_out * 4);
  ASSERT_TRUE(Pool2D(PoolOp::kMax, p, dx.get(), DType::kFloat32, out.get(), nullptr).ok());
  ExpectAllNear(out.Download<float>(n_out), want_max, 0, "MaxPool");
  ASSERT_TRUE(Pool2D(PoolOp::kAvg, p, dx.get(), DType::kFloat32, out.get(), nullptr).ok());
  ExpectAllNear(out.Download<float>(n_out), want_avg, 4, "AvgPool");  // float sum order
  // int32 max pooling.
  const auto xi = RandomInts(n_in, -100, 100, 131);
  std::vector<int32_t> want_i(n_out);
  MaxPool2D<int32_t>(cpu_shape, xi.data(), want_i.data());
  DeviceBuffer dxi(xi), out_i(n_out * 4);
  ASSERT_TRUE(Pool2D(PoolOp::kMax, p, dxi.get(), DType::kInt32, out_i.get(), nullptr).ok());
  EXPECT_EQ(out_i.Download<int32_t>(n_out), want_i);
}

INSTANTIATE_TEST_SUITE_P(Channels, CudaPoolingTest, ::testing::Values(5, 16));

// ---- Resize ----

TEST(CudaResizeTest, BilinearAndNearestMatchCpuBitForBit) {
  TFTRT_SKIP_WITHOUT_GPU();
  const auto x = RandomFloats(2 * 5 * 7 * 3, -10, 10, 140, false);
  for (auto [out_h, out_w] : {std::pair<int64_t, int64_t>{9, 4}, {3, 13}, {5, 7}, {1, 1}}) {
    for (auto [align, half_pixel] : {std::pair{false, false}, {true, false}, {false, true}}) {
      ResizeParams p{2, 5, 7, 3, out_h, out_w, align, half_pixel};
      const AttrMap attrs = {{"align_corners", BoolAttr(align)},
                             {"half_pixel_centers", BoolAttr(half_pixel)}};
      const int64_t n = 2 * out_h * out_w * 3;
      const auto size = Tensor::FromVector(
          std::vector<int32_t>{static_cast<int32_t>(out_h), static_cast<int32_t>(out_w)});
      const Tensor want_b =
          Cpu("ResizeBilinear", testing::MovedInputs(FloatTensor(x, {2, 5, 7, 3}), Tensor(size)),
              attrs);
      const Tensor want_n =
          Cpu("ResizeNearestNeighbor",
              testing::MovedInputs(FloatTensor(x, {2, 5, 7, 3}), Tensor(size)), attrs);
      DeviceBuffer dx(x), out(n * 4);
      ASSERT_TRUE(ResizeBilinear(p, dx.get(), DType::kFloat32, out.as<float>(), nullptr).ok());
      EXPECT_EQ(out.Download<float>(n), Values<float>(want_b))
          << out_h << "x" << out_w << " " << align << half_pixel;
      ASSERT_TRUE(ResizeNearestNeighbor(p, dx.get(), DType::kFloat32, out.get(), nullptr).ok());
      EXPECT_EQ(out.Download<float>(n), Values<float>(want_n))
          << out_h << "x" << out_w << " " << align << half_pixel;
    }
  }
  // int32 input to float output.
  const auto xi = RandomInts(1 * 4 * 4 * 2, -1000, 1000, 141);
  const Tensor want =
      Cpu("ResizeBilinear",
          testing::MovedInputs(Tensor::FromVector(xi, {1, 4, 4, 2}),
                               Tensor::FromVector(std::vector<int32_t>{7, 3})),
          {{"align_corners", BoolAttr(false)}, {"half_pixel_centers", BoolAttr(true)}});
  DeviceBuffer dxi(xi), out(7 * 3 * 2 * 4);
  ASSERT_TRUE(ResizeBilinear({1, 4, 4, 2, 7, 3, false, true}, dxi.get(), DType::kInt32,
                             out.as<float>(), nullptr)
                  .ok());
  EXPECT_EQ(out.Download<float>(42), Values<float>(want));
}

}  // namespace
}  // namespace tftrt::cuda
