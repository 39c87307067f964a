// The engine-only _TftrtLayerNorm (engine/layer_norm_folding.h) on kernels/layer_norm.h:
// gamma and beta are uploaded once as float32 vectors.
#include "backends/cuda/device_weights.h"
#include "backends/cuda/kernels/layer_norm.h"
#include "backends/cuda/layer_runner.h"

namespace tftrt::cuda {
namespace {

class LayerNormRunner : public LayerRunner {
 public:
  LayerNormRunner(DeviceOperand x, int64_t rows, int64_t cols, DeviceOperand gamma,
                  DeviceOperand beta, float epsilon, int out, DType dtype)
      : x_(std::move(x)),
        rows_(rows),
        cols_(cols),
        gamma_(std::move(gamma)),
        beta_(std::move(beta)),
        epsilon_(epsilon),
        out_(out),
        dtype_(dtype) {}
  Status Enqueue(const RunBuffers& b) const override {
    return LayerNorm(b.operand(x_), rows_, cols_, static_cast<const float*>(gamma_.data),
                     static_cast<const float*>(beta_.data), epsilon_, dtype_, b.tensor(out_),
                     b.stream());
  }

 private:
  DeviceOperand x_;
  int64_t rows_, cols_;
  DeviceOperand gamma_, beta_;
  float epsilon_;
  int out_;
  DType dtype_;
};

// A constant vector operand of `cols` values, uploaded as float32.
StatusOr<DeviceOperand> FloatVector(const LayerSpec& spec, int input, int64_t cols,
                                    const char* what) {
  const DeviceOperand& operand = spec.inputs.at(input);
  if (!operand.is_constant() || operand.host == nullptr) {
    return Status::InvalidArgument(spec.layer.op() + " needs a constant " + what);
  }
  std::vector<float> values = TensorToFloats(*operand.host);
  if (static_cast<int64_t>(values.size()) != cols) {
    return Status::InvalidArgument(spec.layer.op() + ": " + what + " has " +
                                   std::to_string(values.size()) + " values for " +
                                   std::to_string(cols) + " columns");
  }
  return spec.constants.Add(Tensor::FromVector(values, {cols}), DType::kFloat32);
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakeLayerNormRunner(const LayerSpec& spec) {
  const Shape& shape = spec.input_shape(0);
  if (spec.inputs.size() != 3 || shape.empty()) {
    return Status::InvalidArgument(spec.layer.op() + " takes x (rank >= 1), gamma and beta");
  }
  int64_t elements = 1;
  for (int64_t d : shape) elements *= d;
  const int64_t cols = shape.back();
  TFTRT_ASSIGN_OR_RETURN(DeviceOperand gamma, FloatVector(spec, 1, cols, "gamma"));
  TFTRT_ASSIGN_OR_RETURN(DeviceOperand beta, FloatVector(spec, 2, cols, "beta"));
  auto epsilon = spec.layer.attr().find("epsilon");
  if (epsilon == spec.layer.attr().end()) {
    return Status::InvalidArgument(spec.layer.op() + " has no epsilon");
  }
  std::unique_ptr<LayerRunner> main(new LayerNormRunner(
      spec.inputs[0], cols == 0 ? 0 : elements / cols, cols, std::move(gamma), std::move(beta),
      epsilon->second.f(), spec.outputs[0], spec.output().dtype));
  return WithEpilogue(std::move(main), spec, 0);
}

}  // namespace tftrt::cuda
