// Broadcasting with TensorFlow's rules (numpy's, as tensorflow::BCast implements them):
// shapes are aligned at their last dimension, and each pair of dimensions must be equal
// or one of them 1 (a 1 stretches to the other, including to 0).
//
// BroadcastShapes computes the result shape; BroadcastPlan walks the result of any
// number of operands as contiguous runs, so that elementwise kernels need no
// per-element index arithmetic: adjacent dimensions that every operand broadcasts the same
// way are merged first, so a same-shape operation is one run, [N,H,W,C] + [C] is runs of
// C, and tensor + scalar is one run with the scalar's step 0.
//
// Thread safety: a plan is immutable once made; ForEachRun may run concurrently.
#ifndef TFTRT_KERNELS_CPU_BROADCAST_H_
#define TFTRT_KERNELS_CPU_BROADCAST_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "common/check.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The shape of `a` and `b` broadcast together, or InvalidArgument
// "Incompatible shapes: [2,3] vs. [4]" (TF's words).
StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);
// The same for any number of shapes (an empty list gives a scalar shape); the error names
// every shape: "Incompatible shapes: [3] vs. [2,2] vs. []".
StatusOr<Shape> BroadcastShapes(std::span<const Shape> shapes);

// tensorflow::BCast's gradient reduction indices (the BroadcastGradientArgs op): the
// dimensions of the broadcast result, counted in the result's rank, that must be summed
// to get the gradient of `a` and of `b` (dimensions where that operand is 1 and the
// result is not, and where both are 1).
struct BroadcastGradientAxes {
  std::vector<int64_t> a_axes;
  std::vector<int64_t> b_axes;
};
StatusOr<BroadcastGradientAxes> BroadcastGradientArgs(const Shape& a, const Shape& b);

// How the elements of a broadcast result map to the elements of its operands.
class BroadcastPlan {
 public:
  static constexpr int kMaxOperands = 4;

  // Plans broadcasting of 1..kMaxOperands operand shapes; fails as BroadcastShapes does.
  static StatusOr<BroadcastPlan> Make(std::span<const Shape> operand_shapes);
  static StatusOr<BroadcastPlan> Make(const Shape& a, const Shape& b) {
    const Shape shapes[] = {a, b};
    return Make(shapes);
  }

  const Shape& output_shape() const { return output_shape_; }
  int64_t output_size() const { return output_size_; }
  int num_operands() const { return num_operands_; }

  // Visits the output in row-major order as runs of consecutive output elements:
  // fn(out_offset, offsets, steps, length), where offsets[k] is operand k's element for
  // the run's first output element and steps[k] (0 or 1) how far operand k moves per
  // output element within the run. `offsets` and `steps` are std::array<int64_t,
  // kMaxOperands>; entries past num_operands() are 0.
  template <typename Fn>
  void ForEachRun(Fn&& fn) const;

 private:
  int num_operands_ = 0;
  Shape output_shape_;
  int64_t output_size_ = 0;
  // The output's dimensions after merging, outermost first (at least one), and for each
  // operand its element stride along each (0 where the operand is broadcast).
  std::vector<int64_t> dims_;
  std::array<std::vector<int64_t>, kMaxOperands> strides_;
};

template <typename Fn>
void BroadcastPlan::ForEachRun(Fn&& fn) const {
  if (output_size_ == 0) return;
  const int rank = static_cast<int>(dims_.size());
  const int inner = rank - 1;
  const int64_t run_length = dims_[inner];
  std::array<int64_t, kMaxOperands> offsets{};
  std::array<int64_t, kMaxOperands> steps{};
  for (int k = 0; k < num_operands_; ++k) steps[k] = strides_[k][inner];
  // Odometer over the outer dimensions; the operands' offsets follow it incrementally.
  std::vector<int64_t> index(rank, 0);
  for (int64_t out_offset = 0; out_offset < output_size_; out_offset += run_length) {
    fn(out_offset, offsets, steps, run_length);
    for (int d = inner - 1; d >= 0; --d) {
      for (int k = 0; k < num_operands_; ++k) offsets[k] += strides_[k][d];
      if (++index[d] < dims_[d]) break;
      for (int k = 0; k < num_operands_; ++k) offsets[k] -= strides_[k][d] * dims_[d];
      index[d] = 0;
    }
  }
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_BROADCAST_H_
