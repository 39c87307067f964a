// Reduction layers: Sum, Prod, Max, Min, Mean over constant axes, and ArgMax / ArgMin
// (int32 indices), on kernels/reduction.h. keep_dims changes only the recorded shape.
#include "backends/cuda/kernels/reduction.h"
#include "backends/cuda/layer_runner.h"

namespace tftrt::cuda {
namespace {

StatusOr<ReduceOp> ReduceOpOf(const std::string& op) {
  if (op == "Sum") return ReduceOp::kSum;
  if (op == "Prod") return ReduceOp::kProd;
  if (op == "Max") return ReduceOp::kMax;
  if (op == "Min") return ReduceOp::kMin;
  if (op == "Mean") return ReduceOp::kMean;
  return Status::Unimplemented("the cuda backend has no reduction " + op);
}

// `axes` as distinct dimension indices of a rank-`rank` tensor.
StatusOr<std::vector<int>> NormalizeAxes(const std::vector<int64_t>& axes, size_t rank) {
  std::vector<bool> seen(rank, false);
  std::vector<int> normalized;
  for (int64_t axis : axes) {
    const int64_t r = static_cast<int64_t>(rank);
    if (axis < -r || axis >= r) {
      return Status::InvalidArgument("reduction axis " + std::to_string(axis) +
                                     " out of range for rank " + std::to_string(rank));
    }
    const int dim = static_cast<int>(axis < 0 ? axis + r : axis);
    if (!seen[dim]) normalized.push_back(dim);
    seen[dim] = true;
  }
  return normalized;
}

class ReduceRunner : public LayerRunner {
 public:
  ReduceRunner(ReduceOp op, DeviceOperand in, Dims in_shape, std::vector<int> axes, int out,
               DType dtype)
      : op_(op),
        in_(std::move(in)),
        in_shape_(in_shape),
        axes_(std::move(axes)),
        out_(out),
        dtype_(dtype) {}
  Status Enqueue(const RunBuffers& b) const override {
    return Reduce(op_, b.operand(in_), in_shape_, axes_, dtype_, b.tensor(out_), b.stream());
  }

 private:
  ReduceOp op_;
  DeviceOperand in_;
  Dims in_shape_;
  std::vector<int> axes_;
  int out_;
  DType dtype_;
};

class ArgReduceRunner : public LayerRunner {
 public:
  ArgReduceRunner(ArgReduceOp op, DeviceOperand in, Dims in_shape, int axis, int out)
      : op_(op), in_(std::move(in)), in_shape_(in_shape), axis_(axis), out_(out) {}
  Status Enqueue(const RunBuffers& b) const override {
    return ArgReduce(op_, b.operand(in_), in_shape_, axis_, in_.dtype,
                     static_cast<int32_t*>(b.tensor(out_)), b.stream());
  }

 private:
  ArgReduceOp op_;
  DeviceOperand in_;
  Dims in_shape_;
  int axis_;
  int out_;
};

StatusOr<std::unique_ptr<LayerRunner>> MakeMain(const LayerSpec& spec) {
  const std::string& op = spec.layer.op();
  const DeviceOperand& in = spec.inputs.at(0);
  TFTRT_ASSIGN_OR_RETURN(Dims in_shape, ToDims(in.shape));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ConstantInts(spec.inputs.at(1), "axis"));
  TFTRT_ASSIGN_OR_RETURN(std::vector<int> dims, NormalizeAxes(axes, in.shape.size()));
  if (op == "ArgMax" || op == "ArgMin") {
    if (dims.size() != 1) return Status::InvalidArgument(op + " takes one axis");
    return std::unique_ptr<LayerRunner>(
        new ArgReduceRunner(op == "ArgMax" ? ArgReduceOp::kArgMax : ArgReduceOp::kArgMin, in,
                            in_shape, dims[0], spec.outputs[0]));
  }
  TFTRT_ASSIGN_OR_RETURN(ReduceOp reduce, ReduceOpOf(op));
  return std::unique_ptr<LayerRunner>(
      new ReduceRunner(reduce, in, in_shape, dims, spec.outputs[0], spec.output().dtype));
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakeReductionRunner(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<LayerRunner> main, MakeMain(spec));
  return WithEpilogue(std::move(main), spec, 0);
}

}  // namespace tftrt::cuda
