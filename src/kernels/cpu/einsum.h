// Einsum (TF's Einsum op) lowered to the operations it is made of: per operand, one
// transpose that also moves the labels only it has (and the output lacks) to the end,
// where they are summed away; then one broadcasting batch matmul
// [batch..., M, K] x [batch..., K, N]; then one transpose into the output's label order.
// An operand already in matmul order (or its transpose) is used in place.
//
// Supports what TF's op supports with one or two operands, including "..." (broadcast
// over the batch dimensions it stands for), except labels repeated within one operand
// (diagonals such as "ii->i"), which are Unimplemented.
//
// PlanEinsum validates the equation against the input shapes (all errors are found
// there); RunEinsum executes a plan. Instantiated for float, double, int32_t, int64_t,
// Half and BFloat16.
#ifndef TFTRT_KERNELS_CPU_EINSUM_H_
#define TFTRT_KERNELS_CPU_EINSUM_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/cpu/gemm.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

struct EinsumPlan {
  struct Operand {
    Shape shape;                       // the input's shape
    std::vector<int64_t> permutation;  // applied first; empty: used in place
    // After the permutation, the operand is [kept, summed]; the summed part is added up.
    int64_t kept = 0, summed = 1;
  };
  std::vector<Operand> operands;  // one per input (1 or 2)
  bool swap_inputs = false;       // operands[0] is input 1 and operands[1] input 0
  // Two operands: the product [batch..., M, N] of the prepared operands.
  BatchMatMulShape matmul;
  Shape product_shape;
  std::vector<int64_t> output_permutation;  // product -> output; empty: identity
  Shape output_shape;
};

// Parses "<labels>[,<labels>]-><labels>" (labels are letters, plus at most one "..." per
// subscript) and checks it against the input shapes. Errors are InvalidArgument for
// malformed equations or mismatched dimensions, Unimplemented for repeated labels within
// one operand.
StatusOr<EinsumPlan> PlanEinsum(std::string_view equation, const std::vector<Shape>& inputs);

// output (plan.output_shape) = einsum of `inputs` (in the plan's input order).
template <typename T>
void RunEinsum(const EinsumPlan& plan, const std::vector<const T*>& inputs, T* output);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_EINSUM_H_
