// The elementwise chain: one generic CUDA kernel for TensorFlow's elementwise ops (unary
// and binary math, activations, comparisons, logic, Select, ClipByValue, Cast, AddN) and
// for fused chains of them, with numpy / TF broadcasting.
//
// A chain is a small program run per output element:
//   v = first.op(inputs[first.operands[0]], inputs[first.operands[1]], ...)
//   for each step: v = step.op(v)                            (unary step)
//                  v = step.op(v, inputs[step.operands[0]])  (binary step)
//                  v = step.op(inputs[step.operands[0]], v)  (binary, operand_first)
//   out[i] = v converted to the output dtype (TF's Cast rules)
// Every input is read through its own element strides over the OUTPUT's index space
// (stride 0 broadcasts that dimension), so out[i0..ik] reads input j at
// data_j[sum(i_d * strides_j[d])]. BroadcastInput builds these strides for a dense input
// of a numpy-broadcastable shape.
//
// Compute types: a program computes either in float32 (float ops; half and int32 inputs
// are widened) or in int32 (integer ops; wrap-around arithmetic, as TF). Bool values are
// 0 / 1 of the compute type: comparisons and logical ops produce them, logical ops and
// Select treat any non-zero value as true. Loads convert each input's dtype to the compute
// type and the store converts to the output dtype, both with TF's Cast rules (float ->
// int32 truncates, NaN and out-of-range give INT32_MIN as TF's CPU kernel; -> bool is
// x != 0; -> half rounds to nearest even). Float arithmetic (add, sub, mul, div) is done
// with IEEE round-to-nearest intrinsics, never fused into FMAs, so that it is bit-exact
// with TF's CPU kernels; transcendental functions use CUDA's libdevice (a few ulp from
// glibc).
//
// Integer division by zero (Div, FloorDiv, FloorMod; TF's CPU kernel fails the op) gives 0
// here, and integer Pow with a negative exponent (TF fails) gives 0: the backend rejects
// such constant operands when it builds an engine; at run time the result is defined but
// not TF's error.
#ifndef TFTRT_BACKENDS_CUDA_KERNELS_ELEMENTWISE_H_
#define TFTRT_BACKENDS_CUDA_KERNELS_ELEMENTWISE_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "backends/cuda/kernels/kernel_types.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

enum class ElementwiseOp : uint8_t {
  // v = its operand (a first op that only loads and converts an input).
  kIdentity,
  // ---- binary ----
  kAdd,  // Add, AddV2, BiasAdd
  kSub,
  kMul,
  kRealDiv,  // float division (RealDiv; Div of floats)
  kDiv,      // TF's Div: float division, truncating integer division
  kFloorDiv,
  kFloorMod,
  kPow,
  kMaximum,  // NaN from either side wins, as TF
  kMinimum,
  kSquaredDifference,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  kEqual,
  kNotEqual,
  kLogicalAnd,
  kLogicalOr,
  // ---- unary ----
  kNeg,
  kAbs,
  kSquare,
  kSign,
  kExp,
  kLog,
  kLog1p,
  kSqrt,
  kRsqrt,
  kReciprocal,
  kSin,
  kCos,
  kTan,
  kSinh,
  kCosh,
  kAsin,
  kAcos,
  kAtan,
  kAsinh,
  kAcosh,
  kAtanh,
  kErf,
  kErfc,
  kGelu,  // the engine-only _TftrtGelu (engine/gelu_folding.h)
  kFloor,
  kCeil,
  kRound,  // halves to even, as TF
  kRelu,
  kRelu6,
  kLeakyRelu,  // alpha: ElementwiseInstruction::alpha
  // The engine-only _TftrtFakeQuantInt8 (engine/int8_as_fp16.h); its scale:
  // ElementwiseInstruction::alpha.
  kFakeQuantInt8,
  kSigmoid,
  kTanh,
  kElu,
  kSelu,
  kSoftsign,
  kSoftplus,
  kLogicalNot,
  kCast,  // round v to ElementwiseInstruction::cast_to and back (mid-chain casts)
  // ---- ternary: only as the first op ----
  kSelect,       // operands (condition, then, else): Select and SelectV2
  kClipByValue,  // operands (x, low, high): min(max) as Eigen's cwiseMin / cwiseMax
};

// The op that computes TF op `name` ("AddV2", "Relu6", "SelectV2", ...), or nullopt.
// AddN is not an op of the enum: see AddN below.
std::optional<ElementwiseOp> ElementwiseOpFromTfName(std::string_view name);
const char* ElementwiseOpName(ElementwiseOp op);

// How many operands the op takes: 1, 2 or 3.
int ElementwiseOpArity(ElementwiseOp op);

// Whether the op is defined for the int32 compute type (arithmetic, comparisons, logic,
// Select, ClipByValue, Relu, Relu6, Round (identity), Cast to int32 / bool).
bool ElementwiseOpSupportsInt32(ElementwiseOp op);

inline constexpr int kMaxElementwiseInputs = 8;
inline constexpr int kMaxElementwiseSteps = 16;

struct ElementwiseInstruction {
  ElementwiseOp op = ElementwiseOp::kIdentity;
  // Input indices of the operands. The first instruction uses ElementwiseOpArity(op) of
  // them; a binary step uses operands[0] (its other operand is v); unary steps none.
  int8_t operands[3] = {0, 0, 0};
  // For binary steps: compute op(input, v) instead of op(v, input) (Sub, Div, Pow, ...).
  bool operand_first = false;
  float alpha = 0.2f;               // LeakyRelu's alpha; _TftrtFakeQuantInt8's scale
  DType cast_to = DType::kFloat32;  // Cast
};

struct ElementwiseProgram {
  DType compute = DType::kFloat32;  // kFloat32 or kInt32
  ElementwiseInstruction first;
  int num_steps = 0;
  ElementwiseInstruction steps[kMaxElementwiseSteps];
};

// One input of a chain: a device pointer, its dtype, and its strides (in elements) over
// the output's index space (rank == the output's rank).
struct ElementwiseInput {
  const void* data = nullptr;
  DType dtype = DType::kFloat32;
  Dims strides;
};

// The broadcast shape of two numpy-broadcastable shapes (aligned at the right; a dim of
// 1 stretches), or InvalidArgument.
StatusOr<Dims> BroadcastShape(const Dims& a, const Dims& b);

// An input for a dense row-major tensor of `shape` broadcast to `out_shape` (aligned at
// the right: dims of size 1 and missing leading dims get stride 0), or InvalidArgument if
// `shape` does not broadcast to `out_shape`.
StatusOr<ElementwiseInput> BroadcastInput(const void* data, DType dtype, const Dims& shape,
                                          const Dims& out_shape);

// OK if `program` is well formed for `num_inputs` inputs of `input_dtypes` and output
// `out_dtype`: compute type float32 or int32, ops valid for it, step count and operand
// indices in range, ternary ops only first. Host-only.
Status ValidateElementwiseProgram(const ElementwiseProgram& program,
                                  const std::vector<DType>& input_dtypes, DType out_dtype);

// out[i] = program(inputs at i) for every index i of `out_shape` (dense row-major output
// of `out_dtype`). Nothing is launched for 0 elements. The output may alias an input only
// when that input has the output's dense strides and dtype (each element is read before
// it is written by the same thread).
// REQUIRES: device pointers valid for the stream; every input's strides keep its reads
// inside its allocation.
Status ElementwiseChain(const ElementwiseProgram& program,
                        const std::vector<ElementwiseInput>& inputs, const Dims& out_shape,
                        void* out, DType out_dtype, cudaStream_t stream);

// A single op (unary, binary or ternary) over inputs [0, arity): the common case.
Status ElementwiseOpLaunch(ElementwiseOp op, DType compute,
                           const std::vector<ElementwiseInput>& inputs, const Dims& out_shape,
                           void* out, DType out_dtype, cudaStream_t stream, float alpha = 0.2f);

// TF's AddN: out = inputs[0] + inputs[1] + ... (left to right), all of `shape` and `dtype`
// (float32, float16 or int32; for float16 the sum is kept in float32 within each group of
// kMaxElementwiseInputs inputs and rounded to half between groups). At least one input.
Status AddN(const std::vector<const void*>& inputs, const Dims& shape, DType dtype, void* out,
            cudaStream_t stream);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_KERNELS_ELEMENTWISE_H_
