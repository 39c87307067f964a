#include <cuda_fp16.h>

#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/device_utils.cuh"
#include "backends/cuda/kernels/reduction.h"

namespace tftrt::cuda {
namespace {

// ---- Reducers: identity, combine (associative), finalize ----

// Acc is float for float32 / float16 inputs, long long for int32.
template <ReduceOp kOp, typename Acc>
struct Reducer;

template <ReduceOp kOp>
struct Reducer<kOp, float> {
  __device__ static float Identity() {
    if (kOp == ReduceOp::kProd) return 1.0f;
    if (kOp == ReduceOp::kMax) return -INFINITY;
    if (kOp == ReduceOp::kMin) return INFINITY;
    return 0.0f;
  }
  __device__ static float Combine(float a, float b) {
    switch (kOp) {
      case ReduceOp::kProd:
        return __fmul_rn(a, b);
      case ReduceOp::kMax:  // NaN on either side wins
        if (isnan(b)) return b;
        return a < b ? b : a;
      case ReduceOp::kMin:
        if (isnan(b)) return b;
        return b < a ? b : a;
      default:
        return __fadd_rn(a, b);
    }
  }
  __device__ static float Finalize(float a, int64_t count) {
    return kOp == ReduceOp::kMean ? __fdiv_rn(a, static_cast<float>(count)) : a;
  }
};

template <ReduceOp kOp>
struct Reducer<kOp, long long> {
  __device__ static long long Identity() {
    if (kOp == ReduceOp::kProd) return 1;
    if (kOp == ReduceOp::kMax) return INT32_MIN;
    if (kOp == ReduceOp::kMin) return INT32_MAX;
    return 0;
  }
  __device__ static long long Combine(long long a, long long b) {
    using U = unsigned long long;  // wrap-around: the low 32 bits are int32's arithmetic
    switch (kOp) {
      case ReduceOp::kProd:
        return static_cast<long long>(static_cast<U>(a) * static_cast<U>(b));
      case ReduceOp::kMax:
        return a < b ? b : a;
      case ReduceOp::kMin:
        return b < a ? b : a;
      default:
        return static_cast<long long>(static_cast<U>(a) + static_cast<U>(b));
    }
  }
  __device__ static long long Finalize(long long a, int64_t count) {
    if (kOp == ReduceOp::kMean) return count == 0 ? 0 : a / count;
    return a;
  }
};

template <typename T>
using AccOf = std::conditional_t<std::is_same_v<T, int32_t>, long long, float>;

template <typename T>
__device__ __forceinline__ AccOf<T> LoadAcc(const T* p) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return *p;
  } else {
    return LoadFloat(p);
  }
}

template <typename T, typename Acc>
__device__ __forceinline__ T StoreAcc(Acc a) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<unsigned long long>(a)));
  } else {
    return ConvertForStore<T, float>(a);
  }
}

// ---- Layout: kept and reduced dims, merged ----

// The input seen as groups of dims; each group is a set of adjacent dims that are all
// kept or all reduced, merged into one (dims of size 1 dropped).
struct ReduceLayout {
  Dims kept_shape, kept_strides;  // the output's index space, in input strides
  Dims red_shape, red_strides;    // the reduced index space
  int64_t num_outputs = 1, reduced_count = 1;
  bool inner_reduced = false;  // the innermost group is reduced (contiguous, stride 1)
};

ReduceLayout MakeLayout(const Dims& shape, const bool* reduced) {
  const Dims strides = DenseStrides(shape);
  ReduceLayout layout;
  int last_kind = -1;  // 0 kept, 1 reduced
  for (int d = 0; d < shape.rank; ++d) {
    if (shape.d[d] == 1) continue;
    const int kind = reduced[d] ? 1 : 0;
    Dims& group_shape = kind ? layout.red_shape : layout.kept_shape;
    Dims& group_strides = kind ? layout.red_strides : layout.kept_strides;
    if (kind == last_kind) {  // extends the previous group: contiguous with it
      group_shape.d[group_shape.rank - 1] *= shape.d[d];
      group_strides.d[group_shape.rank - 1] = strides.d[d];
    } else {
      group_shape.d[group_shape.rank] = shape.d[d];
      group_strides.d[group_shape.rank] = strides.d[d];
      ++group_shape.rank;
    }
    group_strides.rank = group_shape.rank;
    last_kind = kind;
  }
  layout.inner_reduced = last_kind == 1;
  layout.num_outputs = NumElements(layout.kept_shape);
  layout.reduced_count = NumElements(layout.red_shape);
  return layout;
}

__device__ __forceinline__ int64_t OffsetOf(int64_t index, const Dims& shape, const Dims& strides) {
  int64_t offset = 0;
  for (int d = shape.rank - 1; d >= 0; --d) {
    offset += (index % shape.d[d]) * strides.d[d];
    index /= shape.d[d];
  }
  return offset;
}

// One RowTeam per output: the innermost reduced group (stride 1, length `inner`) is read
// by consecutive threads; the other reduced groups (`outer_red_*`) are looped over.
template <ReduceOp kOp, typename T, bool kWarp>
__global__ void ReduceRowsKernel(const ReduceLayout layout, Dims outer_red_shape,
                                 Dims outer_red_strides, int64_t inner, const T* __restrict__ in,
                                 T* __restrict__ out) {
  using Acc = AccOf<T>;
  using R = Reducer<kOp, Acc>;
  __shared__ Acc scratch[32];
  const RowTeam<kWarp> team;
  const int64_t outer_count = NumElementsDevice(outer_red_shape);
  for (int64_t o = team.first_row(); o < layout.num_outputs; o += team.row_step()) {
    const T* base = in + OffsetOf(o, layout.kept_shape, layout.kept_strides);
    Acc acc = R::Identity();
    for (int64_t r = 0; r < outer_count; ++r) {
      const T* row = base + OffsetOf(r, outer_red_shape, outer_red_strides);
      for (int64_t j = team.rank(); j < inner; j += team.size()) {
        acc = R::Combine(acc, LoadAcc(row + j));
      }
    }
    acc = team.AllReduce(
        acc, [](Acc a, Acc b) { return R::Combine(a, b); }, R::Identity(), scratch);
    if (team.rank() == 0) out[o] = StoreAcc<T>(R::Finalize(acc, layout.reduced_count));
  }
}

// One thread per output, walking the reduced index space with an odometer (no divisions
// per element).
template <ReduceOp kOp, typename T>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ReduceColumnsKernel(const ReduceLayout layout, const T* __restrict__ in, T* __restrict__ out) {
  using Acc = AccOf<T>;
  using R = Reducer<kOp, Acc>;
  const Dims& shape = layout.red_shape;
  const Dims& strides = layout.red_strides;
  for (int64_t o = GlobalThreadIndex(); o < layout.num_outputs; o += GridStride()) {
    const T* base = in + OffsetOf(o, layout.kept_shape, layout.kept_strides);
    Acc acc = R::Identity();
    int64_t coords[kMaxRank] = {};
    int64_t offset = 0;
    for (int64_t r = 0; r < layout.reduced_count; ++r) {
      acc = R::Combine(acc, LoadAcc(base + offset));
      for (int d = shape.rank - 1; d >= 0; --d) {  // next reduced coordinate
        offset += strides.d[d];
        if (++coords[d] < shape.d[d]) break;
        offset -= coords[d] * strides.d[d];
        coords[d] = 0;
      }
    }
    out[o] = StoreAcc<T>(R::Finalize(acc, layout.reduced_count));
  }
}

template <ReduceOp kOp, typename T>
Status LaunchReduce(const ReduceLayout& layout, const void* in, void* out, cudaStream_t stream) {
  const T* typed_in = static_cast<const T*>(in);
  T* typed_out = static_cast<T*>(out);
  if (layout.inner_reduced) {
    Dims outer_shape = layout.red_shape, outer_strides = layout.red_strides;
    const int64_t inner = outer_shape.d[outer_shape.rank - 1];
    outer_shape.rank = outer_strides.rank = outer_shape.rank - 1;
    LaunchRowKernel(layout.num_outputs, inner, stream, ReduceRowsKernel<kOp, T, true>,
                    ReduceRowsKernel<kOp, T, false>, layout, outer_shape, outer_strides, inner,
                    typed_in, typed_out);
  } else {
    ReduceColumnsKernel<kOp, T>
        <<<GridStrideBlocks(layout.num_outputs), kThreadsPerBlock, 0, stream>>>(layout, typed_in,
                                                                                typed_out);
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

template <typename T>
Status LaunchReduceOp(ReduceOp op, const ReduceLayout& layout, const void* in, void* out,
                      cudaStream_t stream) {
  switch (op) {
    case ReduceOp::kSum:
      return LaunchReduce<ReduceOp::kSum, T>(layout, in, out, stream);
    case ReduceOp::kProd:
      return LaunchReduce<ReduceOp::kProd, T>(layout, in, out, stream);
    case ReduceOp::kMax:
      return LaunchReduce<ReduceOp::kMax, T>(layout, in, out, stream);
    case ReduceOp::kMin:
      return LaunchReduce<ReduceOp::kMin, T>(layout, in, out, stream);
    case ReduceOp::kMean:
      return LaunchReduce<ReduceOp::kMean, T>(layout, in, out, stream);
  }
  return Status::InvalidArgument("Reduce: invalid op");
}

// ---- ArgMax / ArgMin ----

// A candidate: its value in the compute type and its index along the axis.
template <typename C>
struct Candidate {
  C value;
  int32_t index;
};

template <typename C>
__device__ __forceinline__ bool IsNan(C x) {
  if constexpr (std::is_same_v<C, float>) {
    return isnan(x);
  } else {
    return false;
  }
}

// The winner of two candidates, independent of their order (so any reduction tree gives
// the sequential result): non-NaN beats NaN, then the greater (kMax) / smaller value, then
// the smaller index.
template <bool kMax, typename C>
__device__ __forceinline__ Candidate<C> Better(Candidate<C> a, Candidate<C> b) {
  const bool a_nan = IsNan(a.value), b_nan = IsNan(b.value);
  if (a_nan != b_nan) return a_nan ? b : a;
  if (!a_nan) {
    if (kMax ? b.value > a.value : b.value < a.value) return b;
    if (kMax ? a.value > b.value : a.value < b.value) return a;
  }
  return b.index < a.index ? b : a;
}

template <typename T>
using ArgCompute = std::conditional_t<std::is_same_v<T, int32_t>, int32_t, float>;

template <typename T>
__device__ __forceinline__ ArgCompute<T> LoadArg(const T* p) {
  return static_cast<ArgCompute<T>>(LoadAcc(p));  // int32 stays exact through long long
}

// Rows along the innermost axis: one RowTeam per row.
template <bool kMax, typename T, bool kWarp>
__global__ void ArgReduceRowsKernel(int64_t rows, int64_t length, const T* __restrict__ in,
                                    int32_t* __restrict__ out) {
  using C = ArgCompute<T>;
  __shared__ C scratch_values[32];
  __shared__ int32_t scratch_indices[32];
  const RowTeam<kWarp> team;
  for (int64_t row = team.first_row(); row < rows; row += team.row_step()) {
    const T* line = in + row * length;
    Candidate<C> best{LoadArg(line), 0};
    for (int64_t j = team.rank(); j < length; j += team.size()) {
      best = Better<kMax>(best, Candidate<C>{LoadArg(line + j), static_cast<int32_t>(j)});
    }
    auto warp_reduce = [](Candidate<C> c) {
      for (int offset = 16; offset > 0; offset /= 2) {
        const Candidate<C> other{__shfl_xor_sync(0xffffffffu, c.value, offset),
                                 __shfl_xor_sync(0xffffffffu, c.index, offset)};
        c = Better<kMax>(c, other);
      }
      return c;
    };
    best = warp_reduce(best);
    if constexpr (!kWarp) {  // then across the block's warps
      const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
      __syncthreads();  // the scratch of the previous row has been read
      if (lane == 0) {
        scratch_values[warp] = best.value;
        scratch_indices[warp] = best.index;
      }
      __syncthreads();
      // Lanes beyond the warp count repeat warp 0's candidate: harmless for Better.
      const int from = lane < static_cast<int>(blockDim.x / 32) ? lane : 0;
      best = warp_reduce(Candidate<C>{scratch_values[from], scratch_indices[from]});
    }
    if (team.rank() == 0) out[row] = best.index;
  }
}

// Any other axis: one thread per output, scanning in index order as TF's CPU loop does.
template <bool kMax, typename T>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ArgReduceColumnsKernel(int64_t outer, int64_t length, int64_t inner, const T* __restrict__ in,
                           int32_t* __restrict__ out) {
  using C = ArgCompute<T>;
  const int64_t n = outer * inner;
  for (int64_t o = GlobalThreadIndex(); o < n; o += GridStride()) {
    const int64_t a = o / inner, b = o % inner;
    const T* line = in + a * length * inner + b;
    Candidate<C> best{LoadArg(line), 0};
    for (int64_t r = 1; r < length; ++r) {
      best = Better<kMax>(best, Candidate<C>{LoadArg(line + r * inner), static_cast<int32_t>(r)});
    }
    out[o] = best.index;
  }
}

template <bool kMax, typename T>
Status LaunchArgReduce(int64_t outer, int64_t length, int64_t inner, const void* in, int32_t* out,
                       cudaStream_t stream) {
  const T* typed_in = static_cast<const T*>(in);
  if (inner == 1) {
    LaunchRowKernel(outer, length, stream, ArgReduceRowsKernel<kMax, T, true>,
                    ArgReduceRowsKernel<kMax, T, false>, outer, length, typed_in, out);
  } else {
    ArgReduceColumnsKernel<kMax, T>
        <<<GridStrideBlocks(outer * inner), kThreadsPerBlock, 0, stream>>>(outer, length, inner,
                                                                           typed_in, out);
  }
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

template <bool kMax>
Status ArgReduceForDtype(DType dtype, int64_t outer, int64_t length, int64_t inner, const void* in,
                         int32_t* out, cudaStream_t stream) {
  switch (dtype) {
    case DType::kFloat32:
      return LaunchArgReduce<kMax, float>(outer, length, inner, in, out, stream);
    case DType::kFloat16:
      return LaunchArgReduce<kMax, __half>(outer, length, inner, in, out, stream);
    case DType::kInt32:
      return LaunchArgReduce<kMax, int32_t>(outer, length, inner, in, out, stream);
    default:
      return Status::InvalidArgument(std::string("ArgMax/ArgMin: unsupported dtype ") +
                                     DTypeName(dtype));
  }
}

}  // namespace

Status Reduce(ReduceOp op, const void* in, const Dims& in_shape, const std::vector<int>& axes,
              DType dtype, void* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "Reduce input"));
  bool reduced[kMaxRank] = {};
  for (int axis : axes) {
    if (axis < 0 || axis >= in_shape.rank || reduced[axis]) {
      return Status::InvalidArgument("Reduce: axis " + std::to_string(axis) +
                                     " is out of range or repeated for an input of rank " +
                                     std::to_string(in_shape.rank));
    }
    reduced[axis] = true;
  }
  const ReduceLayout layout = MakeLayout(in_shape, reduced);
  switch (dtype) {
    case DType::kFloat32:
    case DType::kFloat16:
    case DType::kInt32:
      break;
    default:
      return Status::InvalidArgument(std::string("Reduce: unsupported dtype ") + DTypeName(dtype));
  }
  if (layout.num_outputs == 0) return Status::Ok();
  switch (dtype) {
    case DType::kFloat32:
      return LaunchReduceOp<float>(op, layout, in, out, stream);
    case DType::kFloat16:
      return LaunchReduceOp<__half>(op, layout, in, out, stream);
    default:
      return LaunchReduceOp<int32_t>(op, layout, in, out, stream);
  }
}

Status ArgReduce(ArgReduceOp op, const void* in, const Dims& in_shape, int axis, DType dtype,
                 int32_t* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "ArgMax/ArgMin input"));
  if (axis < 0 || axis >= in_shape.rank) {
    return Status::InvalidArgument("ArgMax/ArgMin: axis " + std::to_string(axis) +
                                   " is out of range for an input of rank " +
                                   std::to_string(in_shape.rank));
  }
  const int64_t length = in_shape.d[axis];
  if (length == 0) {
    return Status::InvalidArgument("ArgMax/ArgMin: Reduction axis " + std::to_string(axis) +
                                   " is empty in shape " + DimsToString(in_shape));
  }
  if (length > INT32_MAX) {
    return Status::InvalidArgument("ArgMax/ArgMin: axis too long for an int32 index");
  }
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= in_shape.d[d];
  for (int d = axis + 1; d < in_shape.rank; ++d) inner *= in_shape.d[d];
  if (outer * inner == 0) return Status::Ok();
  return op == ArgReduceOp::kArgMax
             ? ArgReduceForDtype<true>(dtype, outer, length, inner, in, out, stream)
             : ArgReduceForDtype<false>(dtype, outer, length, inner, in, out, stream);
}

}  // namespace tftrt::cuda
