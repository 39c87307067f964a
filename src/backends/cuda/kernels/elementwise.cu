#include <cuda_fp16.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/elementwise.h"

namespace tftrt::cuda {
namespace {

using Op = ElementwiseOp;

// ---- The op table: TF names, arity, int32 support ----

struct OpInfo {
  Op op;
  const char* name;  // the canonical TF name
  int arity;
  bool int32;
};

constexpr OpInfo kOps[] = {
    {Op::kIdentity, "Identity", 1, true},
    {Op::kAdd, "AddV2", 2, true},
    {Op::kSub, "Sub", 2, true},
    {Op::kMul, "Mul", 2, true},
    {Op::kRealDiv, "RealDiv", 2, false},
    {Op::kDiv, "Div", 2, true},
    {Op::kFloorDiv, "FloorDiv", 2, true},
    {Op::kFloorMod, "FloorMod", 2, true},
    {Op::kPow, "Pow", 2, true},
    {Op::kMaximum, "Maximum", 2, true},
    {Op::kMinimum, "Minimum", 2, true},
    {Op::kSquaredDifference, "SquaredDifference", 2, true},
    {Op::kGreater, "Greater", 2, true},
    {Op::kGreaterEqual, "GreaterEqual", 2, true},
    {Op::kLess, "Less", 2, true},
    {Op::kLessEqual, "LessEqual", 2, true},
    {Op::kEqual, "Equal", 2, true},
    {Op::kNotEqual, "NotEqual", 2, true},
    {Op::kLogicalAnd, "LogicalAnd", 2, true},
    {Op::kLogicalOr, "LogicalOr", 2, true},
    {Op::kNeg, "Neg", 1, true},
    {Op::kAbs, "Abs", 1, true},
    {Op::kSquare, "Square", 1, true},
    {Op::kSign, "Sign", 1, true},
    {Op::kExp, "Exp", 1, false},
    {Op::kLog, "Log", 1, false},
    {Op::kLog1p, "Log1p", 1, false},
    {Op::kSqrt, "Sqrt", 1, false},
    {Op::kRsqrt, "Rsqrt", 1, false},
    {Op::kReciprocal, "Reciprocal", 1, false},
    {Op::kSin, "Sin", 1, false},
    {Op::kCos, "Cos", 1, false},
    {Op::kTan, "Tan", 1, false},
    {Op::kSinh, "Sinh", 1, false},
    {Op::kCosh, "Cosh", 1, false},
    {Op::kAsin, "Asin", 1, false},
    {Op::kAcos, "Acos", 1, false},
    {Op::kAtan, "Atan", 1, false},
    {Op::kAsinh, "Asinh", 1, false},
    {Op::kAcosh, "Acosh", 1, false},
    {Op::kAtanh, "Atanh", 1, false},
    {Op::kErf, "Erf", 1, false},
    {Op::kErfc, "Erfc", 1, false},
    {Op::kGelu, "_TftrtGelu", 1, false},
    {Op::kFloor, "Floor", 1, false},
    {Op::kCeil, "Ceil", 1, false},
    {Op::kRound, "Round", 1, true},
    {Op::kRelu, "Relu", 1, true},
    {Op::kRelu6, "Relu6", 1, true},
    {Op::kLeakyRelu, "LeakyRelu", 1, false},
    {Op::kFakeQuantInt8, "_TftrtFakeQuantInt8", 1, false},
    {Op::kSigmoid, "Sigmoid", 1, false},
    {Op::kTanh, "Tanh", 1, false},
    {Op::kElu, "Elu", 1, false},
    {Op::kSelu, "Selu", 1, false},
    {Op::kSoftsign, "Softsign", 1, false},
    {Op::kSoftplus, "Softplus", 1, false},
    {Op::kLogicalNot, "LogicalNot", 1, true},
    {Op::kCast, "Cast", 1, true},
    {Op::kSelect, "SelectV2", 3, true},
    {Op::kClipByValue, "ClipByValue", 3, true},
};

// TF names that are aliases of another op's computation.
struct Alias {
  const char* name;
  Op op;
};
constexpr Alias kAliases[] = {
    {"Add", Op::kAdd},        {"BiasAdd", Op::kAdd}, {"Select", Op::kSelect},
    {"Inv", Op::kReciprocal}, {"Rint", Op::kRound},
};

const OpInfo* FindOp(Op op) {
  for (const OpInfo& info : kOps) {
    if (info.op == op) return &info;
  }
  return nullptr;
}

// ---- Device math: one op on values of the compute type ----

__device__ __forceinline__ float Bool(bool b) { return b ? 1.0f : 0.0f; }

// Float ops on L lanes at once: the op's switch is taken once for all of them, and the
// lanes' math interleaves (one element per dispatch made a long activation such as GELU
// bound by instruction issue rather than by memory).
template <int L, typename F>
__device__ __forceinline__ void EachLane(float (&v)[L], F f) {
#pragma unroll
  for (int j = 0; j < L; ++j) v[j] = f(v[j]);
}
template <int L, typename F>
__device__ __forceinline__ void EachLane(const float (&a)[L], const float (&b)[L], float (&out)[L],
                                         F f) {
#pragma unroll
  for (int j = 0; j < L; ++j) out[j] = f(a[j], b[j]);
}

// FloorMod: the remainder takes the divisor's sign (TF's FloorMod).
__device__ __forceinline__ float FloatFloorMod(float a, float b) {
  float r = fmodf(a, b);
  if (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) r = __fadd_rn(r, b);
  return r;
}
// Maximum / Minimum propagate a NaN from either side.
__device__ __forceinline__ float FloatMaximum(float a, float b) {
  if (isnan(a)) return a;
  if (isnan(b)) return b;
  return a < b ? b : a;
}
__device__ __forceinline__ float FloatMinimum(float a, float b) {
  if (isnan(a)) return a;
  if (isnan(b)) return b;
  return b < a ? b : a;
}

// out = op(a, b), lane by lane (out may be a or b).
template <int L>
__device__ __forceinline__ void FloatBinary(Op op, const float (&a)[L], const float (&b)[L],
                                            float (&out)[L]) {
  switch (op) {
    case Op::kAdd:
      return EachLane(a, b, out, [](float a, float b) { return __fadd_rn(a, b); });
    case Op::kSub:
      return EachLane(a, b, out, [](float a, float b) { return __fsub_rn(a, b); });
    case Op::kMul:
      return EachLane(a, b, out, [](float a, float b) { return __fmul_rn(a, b); });
    case Op::kRealDiv:
    case Op::kDiv:
      return EachLane(a, b, out, [](float a, float b) { return __fdiv_rn(a, b); });
    case Op::kFloorDiv:
      return EachLane(a, b, out, [](float a, float b) { return floorf(__fdiv_rn(a, b)); });
    case Op::kFloorMod:
      return EachLane(a, b, out, FloatFloorMod);
    case Op::kPow:
      return EachLane(a, b, out, [](float a, float b) { return powf(a, b); });
    case Op::kMaximum:
      return EachLane(a, b, out, FloatMaximum);
    case Op::kMinimum:
      return EachLane(a, b, out, FloatMinimum);
    case Op::kSquaredDifference:
      return EachLane(a, b, out, [](float a, float b) {
        const float d = __fsub_rn(a, b);
        return __fmul_rn(d, d);
      });
    case Op::kGreater:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a > b); });
    case Op::kGreaterEqual:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a >= b); });
    case Op::kLess:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a < b); });
    case Op::kLessEqual:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a <= b); });
    case Op::kEqual:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a == b); });
    case Op::kNotEqual:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a != b); });
    case Op::kLogicalAnd:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a != 0.0f && b != 0.0f); });
    case Op::kLogicalOr:
      return EachLane(a, b, out, [](float a, float b) { return Bool(a != 0.0f || b != 0.0f); });
    default:  // not binary: ValidateElementwiseProgram rejects it
      return EachLane(a, b, out, [](float, float) { return 0.0f; });
  }
}

// TF's Softplus threshold for float: log(FLT_EPSILON) + 2, rounded to float
// (-13.942384719848633).
constexpr float kSoftplusThreshold = -0x1.be2804p+3f;

__device__ __forceinline__ float FloatSign(float x) {
  if (isnan(x)) return x;
  return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
}
// TF's stable Softplus: x where log1p(exp(x)) == x in float, exp(x) where it is tiny.
__device__ __forceinline__ float FloatSoftplus(float x) {
  if (x > -kSoftplusThreshold) return x;
  const float e = expf(x);
  return x < kSoftplusThreshold ? e : log1pf(e);
}
__device__ __forceinline__ float FloatCast(float x, DType to) {
  switch (to) {
    case DType::kFloat32:
      return x;
    case DType::kFloat16:
      return __half2float(__float2half_rn(x));
    case DType::kInt32:
      return static_cast<float>(TfFloatToInt32(x));  // exact: |result| <= 2^31
    case DType::kBool:
      return Bool(x != 0.0f);
  }
  return x;
}

// v = op(v), lane by lane.
template <int L>
__device__ __forceinline__ void FloatUnary(const ElementwiseInstruction& ins, float (&v)[L]) {
  const float alpha = ins.alpha;
  const DType cast_to = ins.cast_to;
  switch (ins.op) {
    case Op::kIdentity:
      return;
    case Op::kNeg:
      return EachLane(v, [](float x) { return -x; });
    case Op::kAbs:
      return EachLane(v, [](float x) { return fabsf(x); });
    case Op::kSquare:
      return EachLane(v, [](float x) { return __fmul_rn(x, x); });
    case Op::kSign:
      return EachLane(v, FloatSign);
    case Op::kExp:
      return EachLane(v, [](float x) { return expf(x); });
    case Op::kLog:
      return EachLane(v, [](float x) { return logf(x); });
    case Op::kLog1p:
      return EachLane(v, [](float x) { return log1pf(x); });
    case Op::kSqrt:
      return EachLane(v, [](float x) { return __fsqrt_rn(x); });
    case Op::kRsqrt:  // rsqrtf is approximate; TF computes 1/sqrt
      return EachLane(v, [](float x) { return __fdiv_rn(1.0f, __fsqrt_rn(x)); });
    case Op::kReciprocal:
      return EachLane(v, [](float x) { return __fdiv_rn(1.0f, x); });
    case Op::kSin:
      return EachLane(v, [](float x) { return sinf(x); });
    case Op::kCos:
      return EachLane(v, [](float x) { return cosf(x); });
    case Op::kTan:
      return EachLane(v, [](float x) { return tanf(x); });
    case Op::kSinh:
      return EachLane(v, [](float x) { return sinhf(x); });
    case Op::kCosh:
      return EachLane(v, [](float x) { return coshf(x); });
    case Op::kAsin:
      return EachLane(v, [](float x) { return asinf(x); });
    case Op::kAcos:
      return EachLane(v, [](float x) { return acosf(x); });
    case Op::kAtan:
      return EachLane(v, [](float x) { return atanf(x); });
    case Op::kAsinh:
      return EachLane(v, [](float x) { return asinhf(x); });
    case Op::kAcosh:
      return EachLane(v, [](float x) { return acoshf(x); });
    case Op::kAtanh:
      return EachLane(v, [](float x) { return atanhf(x); });
    case Op::kErf:
      return EachLane(v, [](float x) { return erff(x); });
    case Op::kErfc:
      return EachLane(v, [](float x) { return erfcf(x); });
    case Op::kGelu:
      return EachLane(v, TfGelu);
    case Op::kFloor:
      return EachLane(v, [](float x) { return floorf(x); });
    case Op::kCeil:
      return EachLane(v, [](float x) { return ceilf(x); });
    case Op::kRound:  // round to nearest even in the default rounding mode
      return EachLane(v, [](float x) { return rintf(x); });
    case Op::kRelu:  // NaN passes, as TF
      return EachLane(v, [](float x) { return x < 0.0f ? 0.0f : x; });
    case Op::kRelu6:
      return EachLane(v, [](float x) { return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x); });
    case Op::kLeakyRelu:
      return EachLane(v, [alpha](float x) { return x > 0.0f ? x : __fmul_rn(x, alpha); });
    case Op::kFakeQuantInt8:  // as kernels/cpu/int8_quantize.h, alpha being the scale
      return EachLane(v, [alpha](float x) {
        const float q = __fdiv_rn(x, alpha);
        return isnan(q) ? 0.0f : __fmul_rn(rintf(fminf(fmaxf(q, -128.0f), 127.0f)), alpha);
      });
    case Op::kSigmoid:
      return EachLane(v, [](float x) { return __fdiv_rn(1.0f, __fadd_rn(1.0f, expf(-x))); });
    case Op::kTanh:
      return EachLane(v, [](float x) { return tanhf(x); });
    case Op::kElu:  // TF uses exp(x) - 1, not expm1
      return EachLane(v, [](float x) { return x < 0.0f ? __fsub_rn(expf(x), 1.0f) : x; });
    case Op::kSelu:
      return EachLane(v, [](float x) {
        return x < 0.0f ? __fmul_rn(1.7580993408473768599402175208123f, __fsub_rn(expf(x), 1.0f))
                        : __fmul_rn(1.0507009873554804934193349852946f, x);
      });
    case Op::kSoftsign:
      return EachLane(v, [](float x) { return __fdiv_rn(x, __fadd_rn(fabsf(x), 1.0f)); });
    case Op::kSoftplus:
      return EachLane(v, FloatSoftplus);
    case Op::kLogicalNot:
      return EachLane(v, [](float x) { return Bool(x == 0.0f); });
    case Op::kCast:
      return EachLane(v, [cast_to](float x) { return FloatCast(x, cast_to); });
    default:  // not unary: ValidateElementwiseProgram rejects it
      return EachLane(v, [](float) { return 0.0f; });
  }
}

// Wrap-around int32 arithmetic (signed overflow is undefined in C++; TF wraps).
__device__ __forceinline__ int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
__device__ __forceinline__ int32_t WrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
__device__ __forceinline__ int32_t WrapMul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}
// Truncating division and remainder; INT_MIN / -1 wraps to INT_MIN as in TF. Division by
// zero gives 0 (documented in the header).
__device__ __forceinline__ int32_t TruncDiv(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (b == -1) return WrapSub(0, a);
  return a / b;
}
__device__ __forceinline__ int32_t TruncMod(int32_t a, int32_t b) {
  if (b == 0 || b == -1) return 0;
  return a % b;
}

__device__ int32_t IntBinary(Op op, int32_t a, int32_t b) {
  switch (op) {
    case Op::kAdd:
      return WrapAdd(a, b);
    case Op::kSub:
      return WrapSub(a, b);
    case Op::kMul:
      return WrapMul(a, b);
    case Op::kDiv:
      return TruncDiv(a, b);
    case Op::kFloorDiv: {
      if (b == 0) return 0;
      int32_t q = TruncDiv(a, b);
      if (TruncMod(a, b) != 0 && ((a < 0) != (b < 0))) --q;
      return q;
    }
    case Op::kFloorMod: {
      if (b == 0) return 0;
      int32_t r = TruncMod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;  // |r| < |b|, opposite signs: no overflow
      return r;
    }
    case Op::kPow: {
      if (b < 0) return 0;  // TF fails the op; documented in the header
      int32_t result = 1;
      for (int32_t base = a, e = b; e != 0; e >>= 1) {
        if (e & 1) result = WrapMul(result, base);
        base = WrapMul(base, base);
      }
      return result;
    }
    case Op::kMaximum:
      return a < b ? b : a;
    case Op::kMinimum:
      return b < a ? b : a;
    case Op::kSquaredDifference: {
      const int32_t d = WrapSub(a, b);
      return WrapMul(d, d);
    }
    case Op::kGreater:
      return a > b;
    case Op::kGreaterEqual:
      return a >= b;
    case Op::kLess:
      return a < b;
    case Op::kLessEqual:
      return a <= b;
    case Op::kEqual:
      return a == b;
    case Op::kNotEqual:
      return a != b;
    case Op::kLogicalAnd:
      return a != 0 && b != 0;
    case Op::kLogicalOr:
      return a != 0 || b != 0;
    default:
      return 0;
  }
}

__device__ int32_t IntUnary(const ElementwiseInstruction& ins, int32_t x) {
  switch (ins.op) {
    case Op::kIdentity:
    case Op::kRound:  // integers are already round
      return x;
    case Op::kNeg:
      return WrapSub(0, x);
    case Op::kAbs:
      return x < 0 ? WrapSub(0, x) : x;  // Abs(INT_MIN) wraps to INT_MIN, as in TF
    case Op::kSquare:
      return WrapMul(x, x);
    case Op::kSign:
      return x > 0 ? 1 : (x < 0 ? -1 : 0);
    case Op::kRelu:
      return x < 0 ? 0 : x;
    case Op::kRelu6:
      return x < 0 ? 0 : (x > 6 ? 6 : x);
    case Op::kLogicalNot:
      return x == 0;
    case Op::kCast:
      return ins.cast_to == DType::kBool ? (x != 0) : x;  // int32 or bool (validated)
    default:
      return 0;
  }
}

// The ops on L lanes of the compute type (the int32 ones dispatch per lane: integer chains
// are index arithmetic, short and rare).
template <int L>
__device__ __forceinline__ void Binary(Op op, const float (&a)[L], const float (&b)[L],
                                       float (&out)[L]) {
  FloatBinary(op, a, b, out);
}
template <int L>
__device__ __forceinline__ void Binary(Op op, const int32_t (&a)[L], const int32_t (&b)[L],
                                       int32_t (&out)[L]) {
#pragma unroll
  for (int j = 0; j < L; ++j) out[j] = IntBinary(op, a[j], b[j]);
}
template <int L>
__device__ __forceinline__ void Unary(const ElementwiseInstruction& ins, float (&v)[L]) {
  FloatUnary(ins, v);
}
template <int L>
__device__ __forceinline__ void Unary(const ElementwiseInstruction& ins, int32_t (&v)[L]) {
#pragma unroll
  for (int j = 0; j < L; ++j) v[j] = IntUnary(ins, v[j]);
}

template <typename C>
__device__ C Ternary(Op op, C a, C b, C c) {
  if (op == Op::kSelect) return a != C(0) ? b : c;
  // ClipByValue as Eigen's cwiseMin then cwiseMax: NaN passes, low wins where low > high.
  const C upper_clipped = c < a ? c : a;
  return upper_clipped < b ? b : upper_clipped;
}

// The op's operand count by its place in the enum (the table is host-only).
__host__ __device__ constexpr bool IsBinary(Op op) {
  return op >= Op::kAdd && op <= Op::kLogicalOr;
}
__host__ __device__ constexpr bool IsTernary(Op op) {
  return op == Op::kSelect || op == Op::kClipByValue;
}

// ---- The kernel ----

// How an input's offset follows from the output index i.
enum class Access : uint8_t {
  kDense,    // i: the output's own shape and strides
  kScalar,   // 0
  kInner,    // i % n: the trailing dims dense, the leading ones broadcast (a bias vector)
  kOuter,    // i / n: the leading dims dense, the trailing ones broadcast (a row statistic)
  kStrided,  // the dot product of i's coordinates with the input's strides
};

struct ChainParams {
  ElementwiseProgram program;
  int num_inputs;
  const void* data[kMaxElementwiseInputs];
  DType dtype[kMaxElementwiseInputs];
  Access access[kMaxElementwiseInputs];
  int64_t block[kMaxElementwiseInputs];          // kInner / kOuter: n
  FastDivmod fast_block[kMaxElementwiseInputs];  // n, for 32-bit launches
  Dims strides[kMaxElementwiseInputs];
  Dims out_shape;
  FastDivmod fast_out_dims[kMaxRank];  // out_shape's dims, for 32-bit launches
  int64_t num_elements;
};

// i / n and i % n, in the launch's index type.
__device__ __forceinline__ uint32_t DivBy(uint32_t i, const FastDivmod& fast, int64_t) {
  return fast.Div(i);
}
__device__ __forceinline__ int64_t DivBy(int64_t i, const FastDivmod&, int64_t n) { return i / n; }
template <typename Index>
__device__ __forceinline__ Index ModBy(Index i, const FastDivmod& fast, int64_t n) {
  return i - DivBy(i, fast, n) * static_cast<Index>(n);
}

// x[index], by selects over an unrolled loop: indexing the array with a run-time value would
// put it in local memory.
template <typename C, int N>
__device__ __forceinline__ C Pick(const C (&x)[N], int index) {
  C value = x[0];
#pragma unroll
  for (int k = 1; k < N; ++k) {
    if (k == index) value = x[k];
  }
  return value;
}

// Input k's element for output index i. kStrided: whether any input needs i decomposed into
// coordinates.
template <typename C, bool kStrided, typename Index>
__device__ __forceinline__ void LoadInputs(const ChainParams& p, Index i,
                                           C (&x)[kMaxElementwiseInputs]) {
  Index coords[kMaxRank];
  if constexpr (kStrided) {
    Index rest = i;
    for (int d = p.out_shape.rank - 1; d >= 0; --d) {
      const Index next = DivBy(rest, p.fast_out_dims[d], p.out_shape.d[d]);
      coords[d] = rest - next * static_cast<Index>(p.out_shape.d[d]);
      rest = next;
    }
  }
#pragma unroll
  for (int k = 0; k < kMaxElementwiseInputs; ++k) {
    if (k >= p.num_inputs) break;
    Index offset = 0;
    switch (p.access[k]) {
      case Access::kDense:
        offset = i;
        break;
      case Access::kScalar:
        offset = 0;
        break;
      case Access::kInner:
        offset = ModBy(i, p.fast_block[k], p.block[k]);
        break;
      case Access::kOuter:
        offset = DivBy(i, p.fast_block[k], p.block[k]);
        break;
      case Access::kStrided:
        if constexpr (kStrided) {
          for (int d = 0; d < p.out_shape.rank; ++d) {
            offset += coords[d] * static_cast<Index>(p.strides[k].d[d]);
          }
        }
        break;
    }
    x[k] = LoadAs<C>(p.data[k], p.dtype[k], offset);
  }
}

// The program on L elements at once: x[j][k] is input k's value for lane j (K >= the
// program's inputs); v[j] is lane j's result.
template <typename C, int L, int K>
__device__ __forceinline__ void Evaluate(const ElementwiseProgram& program, const C (&x)[L][K],
                                         C (&v)[L]) {
  const ElementwiseInstruction& first = program.first;
  C operand[L];
#pragma unroll
  for (int j = 0; j < L; ++j) operand[j] = Pick(x[j], first.operands[0]);
  if (IsTernary(first.op)) {
#pragma unroll
    for (int j = 0; j < L; ++j) {
      v[j] = Ternary(first.op, operand[j], Pick(x[j], first.operands[1]),
                     Pick(x[j], first.operands[2]));
    }
  } else if (IsBinary(first.op)) {
#pragma unroll
    for (int j = 0; j < L; ++j) v[j] = Pick(x[j], first.operands[1]);
    Binary(first.op, operand, v, v);
  } else {
#pragma unroll
    for (int j = 0; j < L; ++j) v[j] = operand[j];
    Unary(first, v);
  }
  for (int s = 0; s < program.num_steps; ++s) {
    const ElementwiseInstruction& step = program.steps[s];
    if (IsBinary(step.op)) {
#pragma unroll
      for (int j = 0; j < L; ++j) operand[j] = Pick(x[j], step.operands[0]);
      if (step.operand_first) {
        Binary(step.op, operand, v, v);
      } else {
        Binary(step.op, v, operand, v);
      }
    } else {
      Unary(step, v);
    }
  }
}

// Elements a thread has in flight: its loads for all of them are issued before the first
// is computed, so memory latency overlaps (one element at a time reached about a fifth of
// the H100's bandwidth). Each of the kElementsInFlight sweeps of the grid stays coalesced.
constexpr int kElementsInFlight = 4;

// kWide: 64-bit indices (some offset reaches 2^31); otherwise 32-bit ones and FastDivmod.
template <typename C, typename Out, bool kStrided, bool kWide>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ElementwiseChainKernel(const __grid_constant__ ChainParams p, Out* __restrict__ out) {
  using Index = std::conditional_t<kWide, int64_t, uint32_t>;
  const Index n = static_cast<Index>(p.num_elements);
  const Index stride = static_cast<Index>(GridStride());
  for (Index base = static_cast<Index>(GlobalThreadIndex()); base < n;
       base += stride * kElementsInFlight) {
    C x[kElementsInFlight][1][kMaxElementwiseInputs];
#pragma unroll
    for (int j = 0; j < kElementsInFlight; ++j) {
      const Index i = base + j * stride;
      if (i < n) LoadInputs<C, kStrided>(p, i, x[j][0]);
    }
#pragma unroll
    for (int j = 0; j < kElementsInFlight; ++j) {
      const Index i = base + j * stride;
      C v[1];
      if (i < n) {
        Evaluate(p.program, x[j], v);
        out[i] = ConvertForStore<Out, C>(v[0]);
      }
    }
  }
}

// ---- The vector path ----
//
// Where every input is read densely, as a broadcast scalar or as a row-constant / repeating
// block of whole vectors (Access kDense, kScalar, kOuter, kInner with n a multiple of
// kVector8), the tensors are aligned and the element count is a multiple of kVector8, a
// thread handles kVector8 consecutive elements: one to two 16-byte loads per dense input
// and one to two 16-byte stores, instead of one 2- or 4-byte access per element. Only the
// float compute type with float32 / float16 outputs takes it (what activations are).

__device__ __forceinline__ void LoadVectorAs(const void* base, DType dtype, uint32_t offset,
                                             float (&x)[kVector8]) {
  switch (dtype) {
    case DType::kFloat32:
      return LoadVector8(static_cast<const float*>(base) + offset, x);
    case DType::kFloat16:
      return LoadVector8(static_cast<const __half*>(base) + offset, x);
    case DType::kInt32:
      return LoadVector8(static_cast<const int32_t*>(base) + offset, x);
    case DType::kBool:
      return LoadVector8(static_cast<const bool*>(base) + offset, x);
  }
}

// The kVector8 elements from output index i (a multiple of kVector8) of each of the first
// kInputs inputs: x[j][k] is input k's value for element i + j.
template <int kInputs>
__device__ __forceinline__ void LoadInputVectors(const ChainParams& p, uint32_t i,
                                                 float (&x)[kVector8][kInputs]) {
#pragma unroll
  for (int k = 0; k < kInputs; ++k) {
    if (k >= p.num_inputs) break;
    float values[kVector8];
    switch (p.access[k]) {
      case Access::kDense:
        LoadVectorAs(p.data[k], p.dtype[k], i, values);
        break;
      case Access::kInner:
        LoadVectorAs(p.data[k], p.dtype[k], p.fast_block[k].Mod(i), values);
        break;
      default: {  // kScalar, kOuter: one value for the whole vector
        const uint32_t offset = p.access[k] == Access::kOuter ? p.fast_block[k].Div(i) : 0;
        const float value = LoadAs<float>(p.data[k], p.dtype[k], offset);
#pragma unroll
        for (int j = 0; j < kVector8; ++j) values[j] = value;
      }
    }
#pragma unroll
    for (int j = 0; j < kVector8; ++j) x[j][k] = values[j];
  }
}

// kInputs: at least the program's inputs; fewer registers for the usual one or two.
template <typename Out, int kInputs>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ElementwiseVectorKernel(const __grid_constant__ ChainParams p, Out* __restrict__ out) {
  const uint32_t vectors = static_cast<uint32_t>(p.num_elements / kVector8);
  const uint32_t stride = static_cast<uint32_t>(GridStride());
  for (uint32_t v = static_cast<uint32_t>(GlobalThreadIndex()); v < vectors; v += stride) {
    const uint32_t i = v * kVector8;
    float x[kVector8][kInputs];
    LoadInputVectors(p, i, x);
    float y[kVector8];
    Evaluate(p.program, x, y);
    StoreVector8(y, out + i);
  }
}

template <typename Out>
void LaunchVectorChain(const ChainParams& params, Out* out, cudaStream_t stream) {
  const unsigned blocks = GridStrideBlocks(params.num_elements / kVector8);
  if (params.num_inputs <= 2) {
    ElementwiseVectorKernel<Out, 2><<<blocks, kThreadsPerBlock, 0, stream>>>(params, out);
  } else if (params.num_inputs <= 4) {
    ElementwiseVectorKernel<Out, 4><<<blocks, kThreadsPerBlock, 0, stream>>>(params, out);
  } else {
    ElementwiseVectorKernel<Out, kMaxElementwiseInputs>
        <<<blocks, kThreadsPerBlock, 0, stream>>>(params, out);
  }
}

// Whether the vector path can run `params` (classified, 32-bit) writing to `out`.
bool VectorPathApplies(const ChainParams& params, const void* out, DType out_dtype) {
  if (params.program.compute != DType::kFloat32 || params.num_elements % kVector8 != 0 ||
      (out_dtype != DType::kFloat32 && out_dtype != DType::kFloat16) || !Aligned16(out)) {
    return false;
  }
  for (int k = 0; k < params.num_inputs; ++k) {
    switch (params.access[k]) {
      case Access::kScalar:
        break;
      case Access::kOuter:
        if (params.block[k] % kVector8 != 0) return false;
        break;
      case Access::kInner:
        if (params.block[k] % kVector8 != 0) return false;
        [[fallthrough]];
      case Access::kDense:
        if (!Aligned16(params.data[k])) return false;
        break;
      case Access::kStrided:
        return false;
    }
  }
  return true;
}

// ---- Host side ----

// Whether `strides` over `shape` address the elements like `pattern` does, ignoring dims
// of size 1 (whose stride is never used).
bool SameUsedStrides(const Dims& shape, const Dims& strides, const Dims& pattern) {
  for (int d = 0; d < shape.rank; ++d) {
    if (shape.d[d] != 1 && strides.d[d] != pattern.d[d]) return false;
  }
  return true;
}

// How an input with `strides` over `out_shape` is read (Access), and its n for kInner and
// kOuter: the product of the output dims after the split between broadcast and dense dims.
struct InputAccess {
  Access access = Access::kStrided;
  int64_t block = 1;
};

InputAccess ClassifyAccess(const Dims& out_shape, const Dims& strides) {
  const Dims dense = DenseStrides(out_shape);
  if (SameUsedStrides(out_shape, strides, dense)) return {Access::kDense, 1};
  Dims zeros;
  zeros.rank = out_shape.rank;
  if (SameUsedStrides(out_shape, strides, zeros)) return {Access::kScalar, 1};
  for (int split = 1; split < out_shape.rank; ++split) {
    const int64_t block = dense.d[split - 1];  // the product of the dims from `split` on
    Dims inner = zeros, outer = zeros;
    for (int d = 0; d < out_shape.rank; ++d) {
      if (d >= split) inner.d[d] = dense.d[d];
      if (d < split) outer.d[d] = dense.d[d] / block;
    }
    if (SameUsedStrides(out_shape, strides, inner)) return {Access::kInner, block};
    if (SameUsedStrides(out_shape, strides, outer)) return {Access::kOuter, block};
  }
  return {Access::kStrided, 1};
}

// The largest offset `strides` reach over `shape` (negative strides count as positive).
int64_t MaxOffset(const Dims& shape, const Dims& strides) {
  int64_t offset = 0;
  for (int d = 0; d < shape.rank; ++d) {
    offset += (shape.d[d] - 1) * (strides.d[d] < 0 ? -strides.d[d] : strides.d[d]);
  }
  return offset;
}

template <typename C, typename Out>
Status LaunchChain(const ChainParams& params, bool wide, void* out, cudaStream_t stream) {
  const unsigned blocks = GridStrideBlocks(params.num_elements);
  bool strided = false;
  for (int k = 0; k < params.num_inputs; ++k) strided |= params.access[k] == Access::kStrided;
  Out* typed_out = static_cast<Out*>(out);
  if (wide) {  // rare: one general instance
    ElementwiseChainKernel<C, Out, true, true>
        <<<blocks, kThreadsPerBlock, 0, stream>>>(params, typed_out);
  } else if (strided) {
    ElementwiseChainKernel<C, Out, true, false>
        <<<blocks, kThreadsPerBlock, 0, stream>>>(params, typed_out);
  } else {
    ElementwiseChainKernel<C, Out, false, false>
        <<<blocks, kThreadsPerBlock, 0, stream>>>(params, typed_out);
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

template <typename C>
Status LaunchChainForOutput(const ChainParams& params, bool wide, void* out, DType out_dtype,
                            cudaStream_t stream) {
  switch (out_dtype) {
    case DType::kFloat32:
      return LaunchChain<C, float>(params, wide, out, stream);
    case DType::kFloat16:
      return LaunchChain<C, __half>(params, wide, out, stream);
    case DType::kInt32:
      return LaunchChain<C, int32_t>(params, wide, out, stream);
    case DType::kBool:
      return LaunchChain<C, bool>(params, wide, out, stream);
  }
  return Status::InvalidArgument("ElementwiseChain: invalid output dtype");
}

Status ValidateInstruction(const ElementwiseInstruction& ins, bool is_first, DType compute,
                           int num_inputs, const std::string& where) {
  const OpInfo* info = FindOp(ins.op);
  if (info == nullptr) return Status::InvalidArgument(where + ": unknown op code");
  if (compute == DType::kInt32 && !info->int32) {
    return Status::InvalidArgument(where + ": " + info->name +
                                   " is not defined for the int32 compute type");
  }
  if (!is_first && info->arity == 3) {
    return Status::InvalidArgument(where + ": " + info->name +
                                   " takes three operands and can only be the first op");
  }
  if (ins.op == Op::kCast && compute == DType::kInt32 && ins.cast_to != DType::kInt32 &&
      ins.cast_to != DType::kBool) {
    return Status::InvalidArgument(where + ": Cast to " + DTypeName(ins.cast_to) +
                                   " needs the float32 compute type");
  }
  const int used = is_first ? info->arity : (info->arity == 2 ? 1 : 0);
  for (int j = 0; j < used; ++j) {
    if (ins.operands[j] < 0 || ins.operands[j] >= num_inputs) {
      return Status::InvalidArgument(where + ": operand " + std::to_string(ins.operands[j]) +
                                     " of " + info->name + " is not one of the " +
                                     std::to_string(num_inputs) + " inputs");
    }
  }
  return Status::Ok();
}

}  // namespace

std::optional<ElementwiseOp> ElementwiseOpFromTfName(std::string_view name) {
  for (const OpInfo& info : kOps) {
    if (name == info.name) return info.op;
  }
  for (const Alias& alias : kAliases) {
    if (name == alias.name) return alias.op;
  }
  return std::nullopt;
}

const char* ElementwiseOpName(ElementwiseOp op) {
  const OpInfo* info = FindOp(op);
  return info != nullptr ? info->name : "unknown";
}

int ElementwiseOpArity(ElementwiseOp op) {
  const OpInfo* info = FindOp(op);
  return info != nullptr ? info->arity : 0;
}

bool ElementwiseOpSupportsInt32(ElementwiseOp op) {
  const OpInfo* info = FindOp(op);
  return info != nullptr && info->int32;
}

StatusOr<Dims> BroadcastShape(const Dims& a, const Dims& b) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(a, "BroadcastShape"));
  TFTRT_RETURN_IF_ERROR(ValidateShape(b, "BroadcastShape"));
  Dims out;
  out.rank = a.rank > b.rank ? a.rank : b.rank;
  for (int d = 0; d < out.rank; ++d) {
    const int da = d - (out.rank - a.rank), db = d - (out.rank - b.rank);
    const int64_t size_a = da >= 0 ? a.d[da] : 1, size_b = db >= 0 ? b.d[db] : 1;
    if (size_a != size_b && size_a != 1 && size_b != 1) {
      return Status::InvalidArgument("Incompatible shapes: " + DimsToString(a) + " vs. " +
                                     DimsToString(b));
    }
    out.d[d] = size_a == 1 ? size_b : size_a;
  }
  return out;
}

StatusOr<ElementwiseInput> BroadcastInput(const void* data, DType dtype, const Dims& shape,
                                          const Dims& out_shape) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(shape, "BroadcastInput"));
  TFTRT_RETURN_IF_ERROR(ValidateShape(out_shape, "BroadcastInput"));
  if (shape.rank > out_shape.rank) {
    return Status::InvalidArgument("BroadcastInput: shape " + DimsToString(shape) +
                                   " has a higher rank than " + DimsToString(out_shape));
  }
  const Dims dense = DenseStrides(shape);
  ElementwiseInput input;
  input.data = data;
  input.dtype = dtype;
  input.strides.rank = out_shape.rank;
  const int lead = out_shape.rank - shape.rank;
  for (int d = 0; d < out_shape.rank; ++d) {
    if (d < lead) continue;  // stride 0
    const int64_t size = shape.d[d - lead];
    if (size != out_shape.d[d] && size != 1) {
      return Status::InvalidArgument("BroadcastInput: shape " + DimsToString(shape) +
                                     " does not broadcast to " + DimsToString(out_shape));
    }
    input.strides.d[d] = size == 1 ? 0 : dense.d[d - lead];
  }
  return input;
}

Status ValidateElementwiseProgram(const ElementwiseProgram& program,
                                  const std::vector<DType>& input_dtypes, DType out_dtype) {
  (void)out_dtype;  // every dtype is a valid output
  if (program.compute != DType::kFloat32 && program.compute != DType::kInt32) {
    return Status::InvalidArgument(std::string("ElementwiseChain: compute type ") +
                                   DTypeName(program.compute) + " is not float32 or int32");
  }
  const int num_inputs = static_cast<int>(input_dtypes.size());
  if (num_inputs < 1 || num_inputs > kMaxElementwiseInputs) {
    return Status::InvalidArgument("ElementwiseChain: " + std::to_string(num_inputs) +
                                   " inputs (1 to " + std::to_string(kMaxElementwiseInputs) +
                                   " supported)");
  }
  if (program.num_steps < 0 || program.num_steps > kMaxElementwiseSteps) {
    return Status::InvalidArgument("ElementwiseChain: " + std::to_string(program.num_steps) +
                                   " steps (0 to " + std::to_string(kMaxElementwiseSteps) +
                                   " supported)");
  }
  TFTRT_RETURN_IF_ERROR(ValidateInstruction(program.first, /*is_first=*/true, program.compute,
                                            num_inputs, "ElementwiseChain first op"));
  for (int s = 0; s < program.num_steps; ++s) {
    TFTRT_RETURN_IF_ERROR(ValidateInstruction(program.steps[s], /*is_first=*/false, program.compute,
                                              num_inputs,
                                              "ElementwiseChain step " + std::to_string(s)));
  }
  return Status::Ok();
}

Status ElementwiseChain(const ElementwiseProgram& program,
                        const std::vector<ElementwiseInput>& inputs, const Dims& out_shape,
                        void* out, DType out_dtype, cudaStream_t stream) {
  std::vector<DType> dtypes;
  for (const ElementwiseInput& input : inputs) dtypes.push_back(input.dtype);
  TFTRT_RETURN_IF_ERROR(ValidateElementwiseProgram(program, dtypes, out_dtype));
  TFTRT_RETURN_IF_ERROR(ValidateShape(out_shape, "ElementwiseChain output"));
  ChainParams params;
  params.program = program;
  params.num_inputs = static_cast<int>(inputs.size());
  params.out_shape = out_shape;
  params.num_elements = NumElements(out_shape);
  for (int k = 0; k < params.num_inputs; ++k) {
    if (inputs[k].strides.rank != out_shape.rank) {
      return Status::InvalidArgument("ElementwiseChain: input " + std::to_string(k) +
                                     " has strides of rank " +
                                     std::to_string(inputs[k].strides.rank) +
                                     " for an output of rank " + std::to_string(out_shape.rank));
    }
    params.data[k] = inputs[k].data;
    params.dtype[k] = inputs[k].dtype;
    params.strides[k] = inputs[k].strides;
  }
  if (params.num_elements == 0) return Status::Ok();
  constexpr int64_t kNarrowLimit = int64_t{1} << 31;  // FastDivmod's range
  bool wide = params.num_elements >= kNarrowLimit;
  for (int k = 0; k < params.num_inputs; ++k) {
    const InputAccess access = ClassifyAccess(out_shape, inputs[k].strides);
    params.access[k] = access.access;
    params.block[k] = access.block;
    wide |= MaxOffset(out_shape, inputs[k].strides) >= kNarrowLimit;
  }
  if (!wide) {  // every divisor below is at most num_elements < 2^31
    for (int d = 0; d < out_shape.rank; ++d) {
      params.fast_out_dims[d] = FastDivmod(static_cast<uint32_t>(out_shape.d[d]));
    }
    for (int k = 0; k < params.num_inputs; ++k) {
      params.fast_block[k] = FastDivmod(static_cast<uint32_t>(params.block[k]));
    }
  }
  if (!wide && VectorPathApplies(params, out, out_dtype)) {
    if (out_dtype == DType::kFloat16) {
      LaunchVectorChain(params, static_cast<__half*>(out), stream);
    } else {
      LaunchVectorChain(params, static_cast<float*>(out), stream);
    }
    TFTRT_CUDA_CHECK(cudaGetLastError());
    return Status::Ok();
  }
  if (program.compute == DType::kInt32) {
    return LaunchChainForOutput<int32_t>(params, wide, out, out_dtype, stream);
  }
  return LaunchChainForOutput<float>(params, wide, out, out_dtype, stream);
}

Status ElementwiseOpLaunch(ElementwiseOp op, DType compute,
                           const std::vector<ElementwiseInput>& inputs, const Dims& out_shape,
                           void* out, DType out_dtype, cudaStream_t stream, float alpha) {
  ElementwiseProgram program;
  program.compute = compute;
  program.first.op = op;
  program.first.operands[0] = 0;
  program.first.operands[1] = 1;
  program.first.operands[2] = 2;
  program.first.alpha = alpha;
  program.first.cast_to = out_dtype;
  return ElementwiseChain(program, inputs, out_shape, out, out_dtype, stream);
}

Status AddN(const std::vector<const void*>& inputs, const Dims& shape, DType dtype, void* out,
            cudaStream_t stream) {
  if (inputs.empty()) return Status::InvalidArgument("AddN: expected at least 1 input");
  if (dtype == DType::kBool) return Status::InvalidArgument("AddN: unsupported dtype bool");
  const DType compute = dtype == DType::kInt32 ? DType::kInt32 : DType::kFloat32;
  const Dims dense = DenseStrides(shape);
  // Groups of up to kMaxElementwiseInputs inputs; every group after the first adds to the
  // partial sum already in `out` (input 0 of its chain, read before it is overwritten).
  size_t next = 0;
  while (next < inputs.size()) {
    std::vector<ElementwiseInput> group;
    if (next > 0) group.push_back({out, dtype, dense});
    while (group.size() < kMaxElementwiseInputs && next < inputs.size()) {
      group.push_back({inputs[next++], dtype, dense});
    }
    ElementwiseProgram program;
    program.compute = compute;
    if (group.size() == 1) {
      program.first.op = Op::kIdentity;
    } else {
      program.first.op = Op::kAdd;
      program.first.operands[0] = 0;
      program.first.operands[1] = 1;
      for (size_t k = 2; k < group.size(); ++k) {
        ElementwiseInstruction& step = program.steps[program.num_steps++];
        step.op = Op::kAdd;
        step.operands[0] = static_cast<int8_t>(k);
      }
    }
    TFTRT_RETURN_IF_ERROR(ElementwiseChain(program, group, shape, out, dtype, stream));
  }
  return Status::Ok();
}

}  // namespace tftrt::cuda
