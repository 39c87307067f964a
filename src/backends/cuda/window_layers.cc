// Layers over windows of NHWC images and over rows: pooling (kernels/pooling.h), resizing
// (kernels/resize.h) and softmax (kernels/softmax.h).
#include "backends/cuda/kernels/elementwise.h"
#include "backends/cuda/kernels/pooling.h"
#include "backends/cuda/kernels/resize.h"
#include "backends/cuda/kernels/softmax.h"
#include "backends/cuda/layer_runner.h"

namespace tftrt::cuda {
namespace {

bool AttrBool(const EngineLayer& layer, const char* name) {
  auto it = layer.attr().find(name);
  return it != layer.attr().end() && it->second.b();
}

Status RequireRank4(const Shape& shape, const std::string& op) {
  if (shape.size() == 4) return Status::Ok();
  return Status::InvalidArgument(op + " takes NHWC images, not " + ShapeToString(shape));
}

class PoolingRunner : public LayerRunner {
 public:
  PoolingRunner(PoolOp op, Pool2DParams params, DeviceOperand in, int out, DType dtype)
      : op_(op), params_(params), in_(std::move(in)), out_(out), dtype_(dtype) {}
  Status Enqueue(const RunBuffers& b) const override {
    return Pool2D(op_, params_, b.operand(in_), dtype_, b.tensor(out_), b.stream());
  }

 private:
  PoolOp op_;
  Pool2DParams params_;
  DeviceOperand in_;
  int out_;
  DType dtype_;
};

class SoftmaxRunner : public LayerRunner {
 public:
  SoftmaxRunner(DeviceOperand in, int64_t rows, int64_t classes, bool log, int out, DType dtype)
      : in_(std::move(in)), rows_(rows), classes_(classes), log_(log), out_(out), dtype_(dtype) {}
  Status Enqueue(const RunBuffers& b) const override {
    return Softmax(b.operand(in_), rows_, classes_, dtype_, log_, b.tensor(out_), b.stream());
  }

 private:
  DeviceOperand in_;
  int64_t rows_, classes_;
  bool log_;
  int out_;
  DType dtype_;
};

// ResizeBilinear computes float32; an FP16 engine stores its output as half, through
// the workspace.
class ResizeRunner : public LayerRunner {
 public:
  ResizeRunner(bool bilinear, ResizeParams params, DeviceOperand in, int out, DType out_dtype)
      : bilinear_(bilinear),
        params_(params),
        in_(std::move(in)),
        out_(out),
        out_dtype_(out_dtype) {}

  size_t workspace_bytes() const override { return StagesFloat() ? Elements() * sizeof(float) : 0; }

  Status Enqueue(const RunBuffers& b) const override {
    if (!bilinear_) {
      return ResizeNearestNeighbor(params_, b.operand(in_), in_.dtype, b.tensor(out_), b.stream());
    }
    float* result =
        StagesFloat() ? static_cast<float*>(b.workspace()) : static_cast<float*>(b.tensor(out_));
    TFTRT_RETURN_IF_ERROR(ResizeBilinear(params_, b.operand(in_), in_.dtype, result, b.stream()));
    if (!StagesFloat()) return Status::Ok();
    const Dims shape = Dims::From({Elements()});
    return ElementwiseOpLaunch(ElementwiseOp::kIdentity, DType::kFloat32,
                               {{result, DType::kFloat32, DenseStrides(shape)}}, shape,
                               b.tensor(out_), out_dtype_, b.stream());
  }

 private:
  bool StagesFloat() const { return bilinear_ && out_dtype_ != DType::kFloat32; }
  int64_t Elements() const {
    return params_.batch * params_.out_height * params_.out_width * params_.channels;
  }

  bool bilinear_;
  ResizeParams params_;
  DeviceOperand in_;
  int out_;
  DType out_dtype_;
};

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakePoolingRunner(const LayerSpec& spec) {
  const PoolingParams& pooling = spec.layer.pooling();
  const Shape& in = spec.input_shape(0);
  const Shape& out = spec.output().shape;
  TFTRT_RETURN_IF_ERROR(RequireRank4(in, spec.layer.op()));
  Pool2DParams params{.batch = in[0],
                      .in_height = in[1],
                      .in_width = in[2],
                      .channels = in[3],
                      .window_height = pooling.window_h(),
                      .window_width = pooling.window_w(),
                      .stride_height = pooling.stride_h(),
                      .stride_width = pooling.stride_w(),
                      .pad_top = pooling.pad_top(),
                      .pad_left = pooling.pad_left(),
                      .out_height = out[1],
                      .out_width = out[2]};
  std::unique_ptr<LayerRunner> main(
      new PoolingRunner(pooling.average() ? PoolOp::kAvg : PoolOp::kMax, params, spec.inputs[0],
                        spec.outputs[0], spec.output().dtype));
  return WithEpilogue(std::move(main), spec, 0);
}

StatusOr<std::unique_ptr<LayerRunner>> MakeSoftmaxRunner(const LayerSpec& spec) {
  const Shape& shape = spec.input_shape(0);
  if (shape.empty()) return Status::InvalidArgument(spec.layer.op() + " of a scalar");
  int64_t elements = 1;
  for (int64_t d : shape) elements *= d;
  const int64_t classes = shape.back();
  std::unique_ptr<LayerRunner> main(
      new SoftmaxRunner(spec.inputs[0], classes == 0 ? 0 : elements / classes, classes,
                        spec.layer.op() == "LogSoftmax", spec.outputs[0], spec.output().dtype));
  return WithEpilogue(std::move(main), spec, 0);
}

StatusOr<std::unique_ptr<LayerRunner>> MakeResizeRunner(const LayerSpec& spec) {
  const Shape& in = spec.input_shape(0);
  const Shape& out = spec.output().shape;
  TFTRT_RETURN_IF_ERROR(RequireRank4(in, spec.layer.op()));
  ResizeParams params{.batch = in[0],
                      .in_height = in[1],
                      .in_width = in[2],
                      .channels = in[3],
                      .out_height = out[1],
                      .out_width = out[2],
                      .align_corners = AttrBool(spec.layer, "align_corners"),
                      .half_pixel_centers = AttrBool(spec.layer, "half_pixel_centers")};
  std::unique_ptr<LayerRunner> main(new ResizeRunner(spec.layer.op() == "ResizeBilinear", params,
                                                     spec.inputs[0], spec.outputs[0],
                                                     spec.output().dtype));
  return WithEpilogue(std::move(main), spec, 0);
}

}  // namespace tftrt::cuda
