#include "kernels/cpu/einsum.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <type_traits>

#include "kernels/cpu/nn_numeric.h"
#include "kernels/cpu/transpose.h"

namespace tftrt {
namespace {

// Labels are letters (their char code) or, for the dimensions a "..." stands for,
// kEllipsisLabel + position, positions aligned at the right across all operands.
constexpr int kEllipsisLabel = 256;
constexpr int kEllipsisMarker = -1;  // where "..." sits in a parsed subscript

std::string LabelName(int label) {
  if (label >= kEllipsisLabel) return "... dimension " + std::to_string(label - kEllipsisLabel);
  return std::string(1, static_cast<char>(label));
}

Status EinsumError(std::string_view equation, const std::string& message) {
  return Status::InvalidArgument("Einsum '" + std::string(equation) + "': " + message);
}

// The labels of one subscript ("ab...c"), with kEllipsisMarker for "...".
StatusOr<std::vector<int>> ParseSubscript(std::string_view text, std::string_view equation) {
  std::vector<int> labels;
  bool has_ellipsis = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      labels.push_back(c);
    } else if (text.substr(i, 3) == "...") {
      if (has_ellipsis) return EinsumError(equation, "more than one '...' in a subscript");
      has_ellipsis = true;
      labels.push_back(kEllipsisMarker);
      i += 2;
    } else {
      return EinsumError(equation, std::string("invalid character '") + c + "' in subscript '" +
                                       std::string(text) + "'");
    }
  }
  return labels;
}

bool HasEllipsis(const std::vector<int>& labels) {
  return std::find(labels.begin(), labels.end(), kEllipsisMarker) != labels.end();
}

// Replaces "..." by the labels of its `ellipsis_dims` dimensions (the last ones of
// `max_ellipsis_dims`).
std::vector<int> ExpandEllipsis(const std::vector<int>& labels, int64_t ellipsis_dims,
                                int64_t max_ellipsis_dims) {
  std::vector<int> expanded;
  for (int label : labels) {
    if (label != kEllipsisMarker) {
      expanded.push_back(label);
      continue;
    }
    for (int64_t i = max_ellipsis_dims - ellipsis_dims; i < max_ellipsis_dims; ++i) {
      expanded.push_back(kEllipsisLabel + static_cast<int>(i));
    }
  }
  return expanded;
}

int AxisOf(const std::vector<int>& labels, int label) {
  auto it = std::find(labels.begin(), labels.end(), label);
  return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
}
bool Contains(const std::vector<int>& labels, int label) { return AxisOf(labels, label) >= 0; }

bool IsIdentity(const std::vector<int64_t>& permutation) {
  for (size_t i = 0; i < permutation.size(); ++i) {
    if (permutation[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

// The axes of `operand` holding `labels`, in that order, appended to `permutation`;
// returns the product of their sizes.
int64_t AppendAxes(const std::vector<int>& operand, const Shape& shape,
                   const std::vector<int>& labels, std::vector<int64_t>& permutation) {
  int64_t size = 1;
  for (int label : labels) {
    const int axis = AxisOf(operand, label);
    permutation.push_back(axis);
    size *= shape[axis];
  }
  return size;
}

// One operand's plan given the label groups its permuted layout is made of (in order),
// the last group being summed away. Leaves the permutation empty when it is the identity.
EinsumPlan::Operand PlanOperand(const std::vector<int>& labels, const Shape& shape,
                                const std::vector<std::vector<int>>& kept_groups,
                                const std::vector<int>& summed_labels) {
  EinsumPlan::Operand operand;
  operand.shape = shape;
  operand.kept = 1;
  for (const auto& group : kept_groups) {
    operand.kept *= AppendAxes(labels, shape, group, operand.permutation);
  }
  operand.summed = AppendAxes(labels, shape, summed_labels, operand.permutation);
  if (IsIdentity(operand.permutation)) operand.permutation.clear();
  return operand;
}

// Labels of `labels` for which `keep(label)` holds, in the order of `labels`.
template <typename Pred>
std::vector<int> Select(const std::vector<int>& labels, Pred keep) {
  std::vector<int> selected;
  for (int label : labels) {
    if (keep(label)) selected.push_back(label);
  }
  return selected;
}

int64_t DimOf(const std::vector<int>& labels, const Shape& shape, int label) {
  const int axis = AxisOf(labels, label);
  return axis < 0 ? 1 : shape[axis];
}

void PlanBinary(const std::vector<std::vector<int>>& in_labels, const std::vector<Shape>& inputs,
                const std::vector<int>& out_labels, const std::map<int, int64_t>& sizes,
                EinsumPlan& plan) {
  const std::vector<int>& a = in_labels[0];
  const std::vector<int>& b = in_labels[1];
  auto in_out = [&](int l) { return Contains(out_labels, l); };
  const std::vector<int> batch =
      Select(out_labels, [&](int l) { return Contains(a, l) && Contains(b, l); });
  const std::vector<int> free_a =
      Select(out_labels, [&](int l) { return Contains(a, l) && !Contains(b, l); });
  const std::vector<int> free_b =
      Select(out_labels, [&](int l) { return Contains(b, l) && !Contains(a, l); });
  const std::vector<int> contract = Select(a, [&](int l) { return Contains(b, l) && !in_out(l); });
  const std::vector<int> summed_a = Select(a, [&](int l) { return !Contains(b, l) && !in_out(l); });
  const std::vector<int> summed_b = Select(b, [&](int l) { return !Contains(a, l) && !in_out(l); });

  // Each operand is used as [batch, M, K] / [batch, K, N], or transposed as
  // [batch, K, M] / [batch, N, K] when that is how it is already laid out.
  EinsumPlan::Operand op_a = PlanOperand(a, inputs[0], {batch, free_a, contract}, summed_a);
  if (!op_a.permutation.empty() && summed_a.empty()) {
    EinsumPlan::Operand transposed = PlanOperand(a, inputs[0], {batch, contract, free_a}, {});
    if (transposed.permutation.empty()) {
      op_a = transposed;
      plan.matmul.transpose_a = true;
    }
  }
  EinsumPlan::Operand op_b = PlanOperand(b, inputs[1], {batch, contract, free_b}, summed_b);
  if (!op_b.permutation.empty() && summed_b.empty()) {
    EinsumPlan::Operand transposed = PlanOperand(b, inputs[1], {batch, free_b, contract}, {});
    if (transposed.permutation.empty()) {
      op_b = transposed;
      plan.matmul.transpose_b = true;
    }
  }
  plan.operands = {op_a, op_b};

  plan.matmul.m = plan.matmul.n = plan.matmul.k = 1;
  for (int l : batch) {
    plan.matmul.a_batch.push_back(DimOf(a, inputs[0], l));
    plan.matmul.b_batch.push_back(DimOf(b, inputs[1], l));
    plan.product_shape.push_back(sizes.at(l));
  }
  for (int l : free_a) {
    plan.matmul.m *= sizes.at(l);
    plan.product_shape.push_back(sizes.at(l));
  }
  for (int l : free_b) {
    plan.matmul.n *= sizes.at(l);
    plan.product_shape.push_back(sizes.at(l));
  }
  for (int l : contract) plan.matmul.k *= sizes.at(l);

  std::vector<int> product_labels = batch;
  product_labels.insert(product_labels.end(), free_a.begin(), free_a.end());
  product_labels.insert(product_labels.end(), free_b.begin(), free_b.end());
  for (int l : out_labels) plan.output_permutation.push_back(AxisOf(product_labels, l));
  if (IsIdentity(plan.output_permutation)) plan.output_permutation.clear();
}

// Storage type of T's elements for kernels/cpu/transpose.h.
template <typename T>
using StorageOf = std::conditional_t<sizeof(T) == 2, uint16_t,
                                     std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>;

template <typename T>
void TransposeValues(const T* in, const Shape& shape, const std::vector<int64_t>& permutation,
                     T* out) {
  using S = StorageOf<T>;
  static_assert(sizeof(S) == sizeof(T));
  Transpose<S>(reinterpret_cast<const S*>(in), shape, permutation, reinterpret_cast<S*>(out));
}

// The operand in its planned [kept] layout: `input` itself, or a copy in `buffer`.
template <typename T>
const T* PrepareOperand(const EinsumPlan::Operand& operand, const T* input,
                        std::vector<T>& buffer) {
  const T* data = input;
  if (!operand.permutation.empty()) {
    buffer.resize(NumElements(operand.shape));
    TransposeValues(input, operand.shape, operand.permutation, buffer.data());
    data = buffer.data();
  }
  if (operand.summed != 1) {
    std::vector<T> sums(operand.kept);
    for (int64_t r = 0; r < operand.kept; ++r) {
      WideType<T> sum{0};
      const T* row = data + r * operand.summed;
      for (int64_t j = 0; j < operand.summed; ++j) sum = WrappingAdd(sum, Widen(row[j]));
      sums[r] = Narrow<T>(sum);
    }
    buffer = std::move(sums);
    data = buffer.data();
  }
  return data;
}

}  // namespace

StatusOr<EinsumPlan> PlanEinsum(std::string_view equation, const std::vector<Shape>& inputs) {
  const size_t arrow = equation.find("->");
  if (arrow == std::string_view::npos || equation.find("->", arrow + 2) != std::string_view::npos) {
    return EinsumError(equation, "expecting exactly one '->'");
  }
  std::vector<std::string_view> input_texts;
  for (std::string_view lhs = equation.substr(0, arrow);;) {
    const size_t comma = lhs.find(',');
    input_texts.push_back(lhs.substr(0, comma));
    if (comma == std::string_view::npos) break;
    lhs.remove_prefix(comma + 1);
  }
  if (input_texts.size() > 2) {
    return EinsumError(
        equation, "expecting 1 or 2 input subscripts, got " + std::to_string(input_texts.size()));
  }
  if (input_texts.size() != inputs.size()) {
    return EinsumError(equation, std::to_string(input_texts.size()) + " input subscripts but " +
                                     std::to_string(inputs.size()) + " inputs");
  }

  // Expand "..." per operand; its dimensions align at the right across operands.
  std::vector<std::vector<int>> in_labels;
  std::vector<int64_t> ellipsis_dims;
  int64_t max_ellipsis_dims = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    TFTRT_ASSIGN_OR_RETURN(std::vector<int> labels, ParseSubscript(input_texts[i], equation));
    const bool has_ellipsis = HasEllipsis(labels);
    const int64_t named = static_cast<int64_t>(labels.size()) - (has_ellipsis ? 1 : 0);
    const int64_t rank = static_cast<int64_t>(inputs[i].size());
    if (has_ellipsis ? rank < named : rank != named) {
      return EinsumError(equation, "input " + std::to_string(i) + " has shape " +
                                       ShapeToString(inputs[i]) + " but its subscript '" +
                                       std::string(input_texts[i]) + "' names " +
                                       std::to_string(named) + " dimensions");
    }
    ellipsis_dims.push_back(rank - named);
    max_ellipsis_dims = std::max(max_ellipsis_dims, rank - named);
    in_labels.push_back(std::move(labels));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    in_labels[i] = ExpandEllipsis(in_labels[i], ellipsis_dims[i], max_ellipsis_dims);
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<int> out_labels,
                         ParseSubscript(equation.substr(arrow + 2), equation));
  if (!HasEllipsis(out_labels) && max_ellipsis_dims > 0) {
    return EinsumError(equation,
                       "the output subscript must contain '...' when an input's "
                       "'...' stands for dimensions");
  }
  out_labels = ExpandEllipsis(out_labels, max_ellipsis_dims, max_ellipsis_dims);

  // Label sizes: named labels must agree exactly, "..." dimensions broadcast.
  std::map<int, int64_t> sizes;
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (size_t axis = 0; axis < in_labels[i].size(); ++axis) {
      const int label = in_labels[i][axis];
      if (AxisOf(in_labels[i], label) != static_cast<int>(axis)) {
        return Status::Unimplemented("Einsum '" + std::string(equation) + "': label '" +
                                     LabelName(label) + "' is repeated in input " +
                                     std::to_string(i) + " (diagonals/traces are not supported)");
      }
      const int64_t dim = inputs[i][axis];
      auto [it, inserted] = sizes.emplace(label, dim);
      if (inserted || it->second == dim) continue;
      if (label >= kEllipsisLabel && (it->second == 1 || dim == 1)) {
        if (it->second == 1) it->second = dim;  // 1 stretches to anything, 0 included
        continue;
      }
      return EinsumError(equation, "label '" + LabelName(label) + "' has size " +
                                       std::to_string(it->second) + " in one input but " +
                                       std::to_string(dim) + " in input " + std::to_string(i) +
                                       " (shape " + ShapeToString(inputs[i]) + ")");
    }
  }
  EinsumPlan plan;
  for (size_t j = 0; j < out_labels.size(); ++j) {
    const int label = out_labels[j];
    if (!sizes.contains(label)) {
      return EinsumError(equation,
                         "output label '" + LabelName(label) + "' does not appear in any input");
    }
    if (AxisOf(out_labels, label) != static_cast<int>(j)) {
      return EinsumError(equation, "output label '" + LabelName(label) + "' is repeated");
    }
    plan.output_shape.push_back(sizes.at(label));
  }

  if (inputs.size() == 1) {
    const std::vector<int> summed =
        Select(in_labels[0], [&](int l) { return !Contains(out_labels, l); });
    plan.operands = {PlanOperand(in_labels[0], inputs[0], {out_labels}, summed)};
  } else {
    PlanBinary(in_labels, inputs, out_labels, sizes, plan);
    // b x a may produce the output's label order directly where a x b would need a
    // final transpose (attention scores "aecd,abcd->acbe").
    if (!plan.output_permutation.empty()) {
      EinsumPlan swapped = plan;
      swapped.operands.clear();
      swapped.matmul = BatchMatMulShape();
      swapped.product_shape.clear();
      swapped.output_permutation.clear();
      PlanBinary({in_labels[1], in_labels[0]}, {inputs[1], inputs[0]}, out_labels, sizes, swapped);
      if (swapped.output_permutation.empty()) {
        swapped.swap_inputs = true;
        plan = std::move(swapped);
      }
    }
  }
  return plan;
}

template <typename T>
void RunEinsum(const EinsumPlan& plan, const std::vector<const T*>& inputs, T* output) {
  std::vector<T> buffers[2];
  const T* prepared[2] = {nullptr, nullptr};
  for (size_t i = 0; i < plan.operands.size(); ++i) {
    const T* input = inputs[plan.swap_inputs ? 1 - i : i];
    prepared[i] = PrepareOperand(plan.operands[i], input, buffers[i]);
  }
  if (plan.operands.size() == 1) {
    std::copy_n(prepared[0], NumElements(plan.output_shape), output);
    return;
  }
  if (plan.output_permutation.empty()) {
    BatchMatMul(plan.matmul, prepared[0], prepared[1], output);
    return;
  }
  std::vector<T> product(NumElements(plan.product_shape));
  BatchMatMul(plan.matmul, prepared[0], prepared[1], product.data());
  TransposeValues(product.data(), plan.product_shape, plan.output_permutation, output);
}

#define TFTRT_INSTANTIATE_EINSUM_(T) \
  template void RunEinsum<T>(const EinsumPlan&, const std::vector<const T*>&, T*);
TFTRT_INSTANTIATE_EINSUM_(float)
TFTRT_INSTANTIATE_EINSUM_(double)
TFTRT_INSTANTIATE_EINSUM_(int32_t)
TFTRT_INSTANTIATE_EINSUM_(int64_t)
TFTRT_INSTANTIATE_EINSUM_(Half)
TFTRT_INSTANTIATE_EINSUM_(BFloat16)
#undef TFTRT_INSTANTIATE_EINSUM_

}  // namespace tftrt
