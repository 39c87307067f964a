// Reductions over axes (Sum, Mean, Prod, Max, Min, All, Any, EuclideanNorm), ArgMax /
// ArgMin along one axis, and the scans Cumsum / Cumprod.
//
// A reduction first merges adjacent input dimensions that are all reduced or all kept
// (dimensions of size 1 drop out), then reduces one group of reduced dimensions per pass,
// innermost first, each pass being a plain [outer, reduced, inner] loop. Accumulators
// are wider than the data where TF's results need it: double for floating point (TF's
// Eigen sums float32 as a tree; a sequential float sum would drift from it), int64 /
// uint64 for integer Mean (TF's integer Mean does not overflow in the sum), and the
// element type itself, wrapping, for integer Sum and Prod.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/elementwise.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

using type_class::kBools;
using type_class::kRealNumbers;

using ReductionTypes = TypeList<float, double, Half, BFloat16, int8_t, int16_t, int32_t, int64_t,
                                uint8_t, uint16_t, uint32_t, uint64_t, bool>;

// ---- Reading axes ----

// The values of an int32 or int64 input, whatever its shape.
StatusOr<std::vector<int64_t>> ReadIndices(const OpKernelContext& ctx, int index,
                                           std::string_view what) {
  const Tensor& t = ctx.input(index);
  if (t.dtype() != DataType::kInt32 && t.dtype() != DataType::kInt64) {
    return OpError(ctx, std::string(what) + " must be int32 or int64, got " +
                            std::string(DataTypeName(t.dtype())));
  }
  std::vector<int64_t> values(t.NumElements());
  for (int64_t i = 0; i < t.NumElements(); ++i) values[i] = t.ElementAsInt64(i);
  return values;
}

// One axis (a scalar input) in [-rank, rank), made non-negative; `what` names it in the
// error as TF does ("Expected dimension in the range [-2, 2), but got 2").
StatusOr<int> ReadAxis(const OpKernelContext& ctx, int index, int rank, std::string_view what) {
  if (ctx.input(index).NumElements() != 1) {
    return OpError(ctx,
                   "axis must be a scalar, got shape " + ShapeToString(ctx.input(index).shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndices(ctx, index, "axis"));
  const int64_t axis = values[0];
  if (axis < -rank || axis >= rank) {
    return OpError(ctx, "Expected " + std::string(what) + " in the range [" +
                            std::to_string(-rank) + ", " + std::to_string(rank) + "), but got " +
                            std::to_string(axis));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

// The input seen as [outer, size of `axis`, inner].
struct AxisView {
  int64_t outer = 1, length = 1, inner = 1;
};
AxisView ViewAround(const Shape& shape, int axis) {
  AxisView view;
  for (int d = 0; d < axis; ++d) view.outer *= shape[d];
  view.length = shape[axis];
  for (size_t d = axis + 1; d < shape.size(); ++d) view.inner *= shape[d];
  return view;
}

// ---- Reductions over axes ----

// What a reduction does with the input's shape.
struct ReductionLayout {
  Shape output_shape;
  // The input's dimensions after merging (sizes of 1 dropped), and which are reduced.
  std::vector<int64_t> dims;
  std::vector<bool> reduced;
  int64_t reduced_count = 1;  // elements reduced into each output element
};

StatusOr<ReductionLayout> PlanReduction(const OpKernelContext& ctx, const Shape& shape,
                                        bool keep_dims) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadIndices(ctx, 1, "reduction_indices"));
  const int rank = static_cast<int>(shape.size());
  std::vector<bool> is_reduced(rank, false);
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank) {
      return OpError(ctx, "Invalid reduction dimension (" + std::to_string(axis) +
                              " for input with " + std::to_string(rank) + " dimension(s)");
    }
    const int64_t d = axis < 0 ? axis + rank : axis;
    if (is_reduced[d]) {
      return OpError(ctx, "Invalid reduction arguments: Axes contains duplicate dimension: " +
                              std::to_string(d));
    }
    is_reduced[d] = true;
  }
  ReductionLayout layout;
  for (int d = 0; d < rank; ++d) {
    if (is_reduced[d]) {
      layout.reduced_count *= shape[d];
      if (keep_dims) layout.output_shape.push_back(1);
    } else {
      layout.output_shape.push_back(shape[d]);
    }
    if (shape[d] == 1) continue;
    if (!layout.dims.empty() && layout.reduced.back() == is_reduced[d]) {
      layout.dims.back() *= shape[d];
    } else {
      layout.dims.push_back(shape[d]);
      layout.reduced.push_back(is_reduced[d]);
    }
  }
  return layout;
}

// out[a, b] = combine over r of map(in[a, r, b]), starting from `init`.
template <typename In, typename Acc, typename Map, typename Combine>
void ReducePass(const In* in, Acc* out, int64_t outer, int64_t length, int64_t inner, Acc init,
                const Map& map, const Combine& combine) {
  for (int64_t a = 0; a < outer; ++a) {
    const In* block = in + a * length * inner;
    Acc* out_row = out + a * inner;
    if (inner == 1) {
      Acc acc = init;
      for (int64_t r = 0; r < length; ++r) acc = combine(acc, map(block[r]));
      out_row[0] = acc;
    } else {
      for (int64_t b = 0; b < inner; ++b) out_row[b] = init;
      for (int64_t r = 0; r < length; ++r) {
        const In* row = block + r * inner;
        for (int64_t b = 0; b < inner; ++b) out_row[b] = combine(out_row[b], map(row[b]));
      }
    }
  }
}

// Reduces `input` with Reducer (see the reducers below) as `layout` says.
template <typename Reducer, typename T>
Tensor Reduce(const Tensor& input, const ReductionLayout& layout) {
  using Acc = typename Reducer::Acc;
  std::vector<int64_t> dims = layout.dims;
  std::vector<bool> reduced = layout.reduced;
  const T* data = input.flat<T>();
  std::unique_ptr<Acc[]> acc;
  int64_t acc_size = 0;
  // Reduces group `g` of `dims` from `in`, mapping each element with `map`.
  auto reduce_group = [&](const auto* in, size_t g, const auto& map) {
    int64_t outer = 1, inner = 1;
    for (size_t i = 0; i < g; ++i) outer *= dims[i];
    for (size_t i = g + 1; i < dims.size(); ++i) inner *= dims[i];
    auto out = std::make_unique<Acc[]>(outer * inner);
    ReducePass(in, out.get(), outer, dims[g], inner, Reducer::Init(), map, Reducer::Combine);
    acc = std::move(out);
    acc_size = outer * inner;
    dims.erase(dims.begin() + g);
    reduced.erase(reduced.begin() + g);
  };
  auto last_reduced = [&]() -> int {
    for (size_t g = dims.size(); g-- > 0;) {
      if (reduced[g]) return static_cast<int>(g);
    }
    return -1;
  };
  int g = last_reduced();
  if (g < 0) {  // nothing to reduce: each element on its own (EuclideanNorm still maps)
    acc_size = input.NumElements();
    acc = std::make_unique<Acc[]>(acc_size);
    for (int64_t i = 0; i < acc_size; ++i) acc[i] = Reducer::Map(data[i]);
  } else {
    reduce_group(data, g, Reducer::Map);
    while ((g = last_reduced()) >= 0) {
      std::unique_ptr<Acc[]> previous = std::move(acc);
      reduce_group(previous.get(), g, [](Acc x) { return x; });
    }
  }
  Tensor output(input.dtype(), layout.output_shape);
  T* out = output.flat<T>();
  for (int64_t i = 0; i < acc_size; ++i) out[i] = Reducer::Finalize(acc[i], layout.reduced_count);
  return output;
}

// The reducers. Each has an accumulator type Acc, Init() (the result over no elements),
// Map(element), Combine(acc, acc) and Finalize(acc, count).

template <typename T>
inline constexpr bool kIsFloating = std::is_floating_point_v<T> || kIsFloat16<T>;

// double for floating point, T itself (wrapping) for integers.
template <typename T>
using SumAccumulator = std::conditional_t<kIsFloating<T>, double, T>;

template <typename Acc, typename T>
Acc ToAccumulator(T x) {
  if constexpr (kIsFloat16<T>) {
    return static_cast<Acc>(ToFloat(x));
  } else {
    return static_cast<Acc>(x);
  }
}
template <typename T, typename Acc>
T FromAccumulator(Acc x) {
  if constexpr (kIsFloat16<T>) {
    return FromFloat<T>(static_cast<float>(x));
  } else {
    return static_cast<T>(x);
  }
}

template <typename T>
struct SumReducer {
  using Acc = SumAccumulator<T>;
  static Acc Init() { return Acc{0}; }
  static Acc Map(T x) { return ToAccumulator<Acc>(x); }
  static Acc Combine(Acc a, Acc b) { return WrappingAdd(a, b); }
  static T Finalize(Acc a, int64_t) { return FromAccumulator<T>(a); }
};

template <typename T>
struct ProdReducer {
  using Acc = SumAccumulator<T>;
  static Acc Init() { return Acc{1}; }
  static Acc Map(T x) { return ToAccumulator<Acc>(x); }
  static Acc Combine(Acc a, Acc b) { return WrappingMul(a, b); }
  static T Finalize(Acc a, int64_t) { return FromAccumulator<T>(a); }
};

// Integer means divide a 64-bit sum, truncating; a mean over nothing is 0 for integers
// and NaN for floating point, as in TF.
template <typename T>
struct MeanReducer {
  using Acc = std::conditional_t<kIsFloating<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;
  static Acc Init() { return Acc{0}; }
  static Acc Map(T x) { return ToAccumulator<Acc>(x); }
  static Acc Combine(Acc a, Acc b) { return WrappingAdd(a, b); }
  static T Finalize(Acc a, int64_t count) {
    if constexpr (kIsFloating<T>) {
      return FromAccumulator<T>(a / static_cast<double>(count));
    } else {
      return count == 0 ? T{0} : static_cast<T>(a / static_cast<Acc>(count));
    }
  }
};

// Max and Min propagate NaN; over nothing they give the type's lowest / highest value
// (-inf / +inf for floating point).
template <typename T>
struct MaxReducer {
  using Acc = std::conditional_t<kIsFloat16<T>, float, T>;
  static Acc Init() {
    if constexpr (std::numeric_limits<Acc>::has_infinity) {
      return -std::numeric_limits<Acc>::infinity();
    } else {
      return std::numeric_limits<Acc>::lowest();
    }
  }
  static Acc Map(T x) { return ToAccumulator<Acc>(x); }
  static Acc Combine(Acc a, Acc b) {
    if constexpr (std::is_floating_point_v<Acc>) {
      if (std::isnan(b)) return b;
    }
    return a < b ? b : a;
  }
  static T Finalize(Acc a, int64_t) { return FromAccumulator<T>(a); }
};

template <typename T>
struct MinReducer {
  using Acc = std::conditional_t<kIsFloat16<T>, float, T>;
  static Acc Init() {
    if constexpr (std::numeric_limits<Acc>::has_infinity) {
      return std::numeric_limits<Acc>::infinity();
    } else {
      return std::numeric_limits<Acc>::max();
    }
  }
  static Acc Map(T x) { return ToAccumulator<Acc>(x); }
  static Acc Combine(Acc a, Acc b) {
    if constexpr (std::is_floating_point_v<Acc>) {
      if (std::isnan(b)) return b;
    }
    return b < a ? b : a;
  }
  static T Finalize(Acc a, int64_t) { return FromAccumulator<T>(a); }
};

// sqrt of the sum of squares; for integers the square root truncates, as in TF.
template <typename T>
struct EuclideanNormReducer {
  using Acc = SumAccumulator<T>;
  static Acc Init() { return Acc{0}; }
  static Acc Map(T x) {
    const Acc value = ToAccumulator<Acc>(x);
    return WrappingMul(value, value);
  }
  static Acc Combine(Acc a, Acc b) { return WrappingAdd(a, b); }
  static T Finalize(Acc a, int64_t) {
    // A sum of squares that wrapped negative has no root; x86 gives the indefinite value.
    if constexpr (std::is_integral_v<Acc>) {
      if (IsNegative(a)) return std::numeric_limits<T>::min();
    }
    return FromAccumulator<T>(static_cast<Acc>(std::sqrt(static_cast<double>(a))));
  }
};

template <typename T>
struct AllReducer {
  using Acc = bool;
  static Acc Init() { return true; }
  static Acc Map(bool x) { return x; }
  static Acc Combine(bool a, bool b) { return a && b; }
  static bool Finalize(bool a, int64_t) { return a; }
};

template <typename T>
struct AnyReducer {
  using Acc = bool;
  static Acc Init() { return false; }
  static Acc Map(bool x) { return x; }
  static Acc Combine(bool a, bool b) { return a || b; }
  static bool Finalize(bool a, int64_t) { return a; }
};

template <template <typename> class Reducer, unsigned kTypes>
Status ReductionKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(const bool keep_dims, GetBoolAttrOr(ctx.node(), "keep_dims", false));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(const ReductionLayout layout,
                         PlanReduction(ctx, input.shape(), keep_dims));
  Tensor result;
  VisitType(ReductionTypes{}, input.dtype(), [&]<typename T>() {
    if constexpr ((kTypes & TypeClassOf<T>()) != 0) {
      result = Reduce<Reducer<T>, T>(input, layout);
    }
  });
  if (!result.is_valid()) return UnsupportedDtype(ctx.node().op, input.dtype());
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

// ---- ArgMax / ArgMin ----

template <typename T>
auto ToFloatIfFloat16(T x) {
  if constexpr (kIsFloat16<T>) {
    return ToFloat(x);
  } else {
    return x;
  }
}
template <typename T>
bool IsNan(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(x);
  } else {
    return false;
  }
}

// The index of the first greatest (kMax) or least element along the view's axis. NaN
// never wins unless every element is NaN (index 0), as in TF.
template <bool kMax, typename T, typename Index>
void ArgReduce(const T* in, Index* out, const AxisView& view) {
  for (int64_t a = 0; a < view.outer; ++a) {
    for (int64_t b = 0; b < view.inner; ++b) {
      const T* line = in + a * view.length * view.inner + b;
      auto best = ToFloatIfFloat16(line[0]);
      Index best_index = 0;
      for (int64_t r = 1; r < view.length; ++r) {
        const auto value = ToFloatIfFloat16(line[r * view.inner]);
        const bool better = kMax ? value > best : value < best;
        if (better || (IsNan(best) && !IsNan(value))) {
          best = value;
          best_index = static_cast<Index>(r);
        }
      }
      out[a * view.inner + b] = best_index;
    }
  }
}

template <bool kMax>
Status ArgReductionKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(const DataType index_dtype, GetTypeAttr(ctx.node(), "output_type"));
  if (index_dtype != DataType::kInt32 && index_dtype != DataType::kInt64) {
    return OpError(ctx, "output_type must be int32 or int64");
  }
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(const int axis, ReadAxis(ctx, 1, input.rank(), "dimension"));
  if (input.dim(axis) == 0) {
    return OpError(ctx, "Reduction axis " + std::to_string(axis) + " is empty in shape " +
                            ShapeToString(input.shape()));
  }
  Shape output_shape = input.shape();
  output_shape.erase(output_shape.begin() + axis);
  const AxisView view = ViewAround(input.shape(), axis);
  Tensor result;
  VisitType(ReductionTypes{}, input.dtype(), [&]<typename T>() {
    result = Tensor(index_dtype, output_shape);
    if (index_dtype == DataType::kInt32) {
      ArgReduce<kMax>(input.flat<T>(), result.flat<int32_t>(), view);
    } else {
      ArgReduce<kMax>(input.flat<T>(), result.flat<int64_t>(), view);
    }
  });
  if (!result.is_valid()) return UnsupportedDtype(ctx.node().op, input.dtype());
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

// ---- Cumsum / Cumprod ----

// Scans each line along the view's axis in T, rounding each step for 16-bit floats, as
// TF's Eigen scan does.
template <typename T, typename Combine>
void Scan(const T* in, T* out, const AxisView& view, bool exclusive, bool reverse, T init,
          const Combine& combine) {
  std::vector<T> running(view.inner);
  for (int64_t a = 0; a < view.outer; ++a) {
    std::fill(running.begin(), running.end(), init);
    const int64_t base = a * view.length * view.inner;
    for (int64_t step = 0; step < view.length; ++step) {
      const int64_t r = reverse ? view.length - 1 - step : step;
      const T* row = in + base + r * view.inner;
      T* out_row = out + base + r * view.inner;
      for (int64_t b = 0; b < view.inner; ++b) {
        const T next = combine(running[b], row[b]);
        out_row[b] = exclusive ? running[b] : next;
        running[b] = next;
      }
    }
  }
}

template <bool kProduct>
Status ScanKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  TFTRT_ASSIGN_OR_RETURN(const bool exclusive, GetBoolAttrOr(ctx.node(), "exclusive", false));
  TFTRT_ASSIGN_OR_RETURN(const bool reverse, GetBoolAttrOr(ctx.node(), "reverse", false));
  const Tensor& input = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(const int axis, ReadAxis(ctx, 1, input.rank(), "scan axis"));
  const AxisView view = ViewAround(input.shape(), axis);
  Tensor result;
  VisitType(ReductionTypes{}, input.dtype(), [&]<typename T>() {
    if constexpr ((kRealNumbers & TypeClassOf<T>()) != 0) {
      result = Tensor(input.dtype(), input.shape());
      auto combine = [](T a, T b) {
        if constexpr (kIsFloat16<T>) {
          return FromFloat<T>(kProduct ? ToFloat(a) * ToFloat(b) : ToFloat(a) + ToFloat(b));
        } else {
          return kProduct ? WrappingMul(a, b) : WrappingAdd(a, b);
        }
      };
      Scan(input.flat<T>(), result.flat<T>(), view, exclusive, reverse,
           FromAccumulator<T>(kProduct ? 1.0f : 0.0f), combine);
    }
  });
  if (!result.is_valid()) return UnsupportedDtype(ctx.node().op, input.dtype());
  ctx.set_output(0, std::move(result));
  return Status::Ok();
}

}  // namespace

void RegisterReductionOps(KernelRegistry& registry) {
  registry.Register("Sum", &ReductionKernel<SumReducer, kRealNumbers>);
  registry.Register("Prod", &ReductionKernel<ProdReducer, kRealNumbers>);
  registry.Register("Mean", &ReductionKernel<MeanReducer, kRealNumbers>);
  registry.Register("Max", &ReductionKernel<MaxReducer, kRealNumbers>);
  registry.Register("Min", &ReductionKernel<MinReducer, kRealNumbers>);
  registry.Register("EuclideanNorm", &ReductionKernel<EuclideanNormReducer, kRealNumbers>);
  registry.Register("All", &ReductionKernel<AllReducer, kBools>);
  registry.Register("Any", &ReductionKernel<AnyReducer, kBools>);
  registry.Register("ArgMax", &ArgReductionKernel<true>);
  registry.Register("ArgMin", &ArgReductionKernel<false>);
  registry.Register("Cumsum", &ScanKernel<false>);
  registry.Register("Cumprod", &ScanKernel<true>);
}

}  // namespace tftrt
