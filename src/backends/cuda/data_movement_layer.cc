// Data-movement layers: reshapes (a copy), Transpose, ConcatV2 / Pack, Split / SplitV /
// Unpack, Slice / StridedSlice, Pad / PadV2 / MirrorPad, Tile, GatherV2, Shape and Fill, on the
// kernels of kernels/data_movement.h. Every parameter (perm, axis, begin, paddings, ...) is
// a constant resolved here, once, against the shapes the plan records.
#include <functional>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/layer_runner.h"
#include "kernels/cpu/strided_slice.h"

namespace tftrt::cuda {
namespace {

using EnqueueFn = std::function<Status(const RunBuffers&)>;

// A runner that is a closure over the values resolved at compile time.
class ClosureRunner : public LayerRunner {
 public:
  explicit ClosureRunner(EnqueueFn enqueue) : enqueue_(std::move(enqueue)) {}
  Status Enqueue(const RunBuffers& buffers) const override { return enqueue_(buffers); }

 private:
  EnqueueFn enqueue_;
};

std::unique_ptr<LayerRunner> Runner(EnqueueFn enqueue) {
  return std::make_unique<ClosureRunner>(std::move(enqueue));
}

int64_t AttrIntOr(const EngineLayer& layer, const char* name, int64_t fallback) {
  auto it = layer.attr().find(name);
  return it == layer.attr().end() ? fallback : it->second.i();
}

// `axis` in [-rank, rank) as a dimension index.
StatusOr<int> NormalizeAxis(int64_t axis, size_t rank, const std::string& op) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) {
    return Status::InvalidArgument(op + ": axis " + std::to_string(axis) +
                                   " out of range for rank " + std::to_string(rank));
  }
  return static_cast<int>(axis < 0 ? axis + r : axis);
}

std::vector<int64_t> DenseStrideVector(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int d = static_cast<int>(shape.size()) - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * shape[d + 1];
  }
  return strides;
}

// A strided view of input `input`: element (i_0, ...) of the output is
// in[offset + sum(i_k * strides[k])].
StatusOr<std::unique_ptr<LayerRunner>> StridedView(const LayerSpec& spec, int64_t offset,
                                                   const std::vector<int64_t>& strides,
                                                   int input = 0) {
  TFTRT_ASSIGN_OR_RETURN(Dims in_strides, ToDims(strides));
  TFTRT_ASSIGN_OR_RETURN(Dims out_shape, ToDims(spec.output().shape));
  const DeviceOperand in = spec.inputs[input];
  const int out = spec.outputs[0];
  const DType dtype = spec.output().dtype;
  const int64_t offset_bytes = offset * static_cast<int64_t>(DTypeSize(dtype));
  return Runner([=](const RunBuffers& b) {
    return StridedCopy(static_cast<const char*>(b.operand(in)) + offset_bytes, in_strides,
                       out_shape, dtype, b.tensor(out), b.stream());
  });
}

StatusOr<std::unique_ptr<LayerRunner>> Copy(const LayerSpec& spec) {
  const DeviceOperand in = spec.inputs[0];
  const int out = spec.outputs[0];
  const size_t bytes = spec.output().bytes;
  return Runner([=](const RunBuffers& b) -> Status {
    // The engine may give a reshape's output its input's buffer (cuda_engine.cc).
    if (bytes == 0 || b.tensor(out) == b.operand(in)) return Status::Ok();
    TFTRT_CUDA_CHECK(
        cudaMemcpyAsync(b.tensor(out), b.operand(in), bytes, cudaMemcpyDeviceToDevice, b.stream()));
    return Status::Ok();
  });
}

StatusOr<std::unique_ptr<LayerRunner>> MakeTranspose(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> perm64, ConstantInts(spec.inputs[1], "perm"));
  std::vector<int> perm(perm64.begin(), perm64.end());
  TFTRT_ASSIGN_OR_RETURN(Dims in_shape, ToDims(spec.input_shape(0)));
  const DeviceOperand in = spec.inputs[0];
  const int out = spec.outputs[0];
  const DType dtype = spec.output().dtype;
  return Runner([=](const RunBuffers& b) {
    return Transpose(b.operand(in), in_shape, perm, dtype, b.tensor(out), b.stream());
  });
}

// Concat of `inputs`, each seen with `shapes[i]`, along `axis`.
StatusOr<std::unique_ptr<LayerRunner>> ConcatOf(const LayerSpec& spec,
                                                std::vector<DeviceOperand> inputs,
                                                const std::vector<Shape>& shapes, int axis) {
  std::vector<Dims> dims;
  for (const Shape& shape : shapes) {
    TFTRT_ASSIGN_OR_RETURN(Dims d, ToDims(shape));
    dims.push_back(d);
  }
  const int out = spec.outputs[0];
  const DType dtype = spec.output().dtype;
  return Runner([=](const RunBuffers& b) {
    std::vector<const void*> pointers;
    for (const DeviceOperand& input : inputs) pointers.push_back(b.operand(input));
    return Concat(pointers, dims, axis, dtype, b.tensor(out), b.stream());
  });
}

StatusOr<std::unique_ptr<LayerRunner>> MakeConcat(const LayerSpec& spec) {
  std::vector<DeviceOperand> inputs(spec.inputs.begin(), spec.inputs.end() - 1);
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ConstantInts(spec.inputs.back(), "axis"));
  TFTRT_ASSIGN_OR_RETURN(int dim,
                         NormalizeAxis(axis.at(0), spec.output().shape.size(), "ConcatV2"));
  std::vector<Shape> shapes;
  for (const DeviceOperand& input : inputs) shapes.push_back(input.shape);
  return ConcatOf(spec, inputs, shapes, dim);
}

StatusOr<std::unique_ptr<LayerRunner>> MakePack(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(int axis, NormalizeAxis(AttrIntOr(spec.layer, "axis", 0),
                                                 spec.output().shape.size(), "Pack"));
  std::vector<Shape> shapes;
  for (const DeviceOperand& input : spec.inputs) {
    Shape shape = input.shape;
    shape.insert(shape.begin() + axis, 1);
    shapes.push_back(shape);
  }
  return ConcatOf(spec, spec.inputs, shapes, axis);
}

// Split of input `value` along `axis` into the layer's outputs (their sizes along the
// axis are the plan's output shapes). `squeezed`: the outputs lack the axis (Unpack).
StatusOr<std::unique_ptr<LayerRunner>> SplitInto(const LayerSpec& spec, int value, int axis,
                                                 bool squeezed) {
  std::vector<int64_t> sizes;
  for (size_t i = 0; i < spec.outputs.size(); ++i) {
    sizes.push_back(squeezed ? 1 : spec.output(static_cast<int>(i)).shape.at(axis));
  }
  TFTRT_ASSIGN_OR_RETURN(Dims in_shape, ToDims(spec.input_shape(value)));
  const DeviceOperand in = spec.inputs[value];
  const std::vector<int> outs = spec.outputs;
  const DType dtype = spec.output().dtype;
  return Runner([=](const RunBuffers& b) {
    std::vector<void*> pointers;
    for (int out : outs) pointers.push_back(b.tensor(out));
    return Split(b.operand(in), in_shape, axis, sizes, pointers, dtype, b.stream());
  });
}

StatusOr<std::unique_ptr<LayerRunner>> MakeSlice(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> begin, ConstantInts(spec.inputs[1], "begin"));
  const std::vector<int64_t> strides = DenseStrideVector(spec.input_shape(0));
  int64_t offset = 0;
  for (size_t d = 0; d < begin.size() && d < strides.size(); ++d) offset += begin[d] * strides[d];
  return StridedView(spec, offset, strides);
}

StatusOr<std::unique_ptr<LayerRunner>> MakeStridedSlice(const LayerSpec& spec) {
  StridedSliceSpec slice;
  TFTRT_ASSIGN_OR_RETURN(slice.begin, ConstantInts(spec.inputs[1], "begin"));
  TFTRT_ASSIGN_OR_RETURN(slice.end, ConstantInts(spec.inputs[2], "end"));
  TFTRT_ASSIGN_OR_RETURN(slice.strides, ConstantInts(spec.inputs[3], "strides"));
  slice.begin_mask = AttrIntOr(spec.layer, "begin_mask", 0);
  slice.end_mask = AttrIntOr(spec.layer, "end_mask", 0);
  slice.ellipsis_mask = AttrIntOr(spec.layer, "ellipsis_mask", 0);
  slice.new_axis_mask = AttrIntOr(spec.layer, "new_axis_mask", 0);
  slice.shrink_axis_mask = AttrIntOr(spec.layer, "shrink_axis_mask", 0);
  const Shape& in_shape = spec.input_shape(0);
  TFTRT_ASSIGN_OR_RETURN(ResolvedStridedSlice resolved, ResolveStridedSlice(in_shape, slice));
  const std::vector<int64_t> dense = DenseStrideVector(in_shape);
  int64_t offset = 0;
  for (size_t d = 0; d < in_shape.size(); ++d) {
    // An empty dimension contributes no element, and its begin may be out of range.
    if (resolved.processing_shape[d] > 0) offset += resolved.begin[d] * dense[d];
  }
  std::vector<int64_t> strides;
  for (int in_dim : resolved.final_dims) {
    strides.push_back(in_dim == kStridedSliceNewAxis ? 0
                                                     : resolved.strides[in_dim] * dense[in_dim]);
  }
  return StridedView(spec, offset, strides);
}

StatusOr<std::unique_ptr<LayerRunner>> MakePad(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> paddings, ConstantInts(spec.inputs[1], "paddings"));
  const size_t rank = spec.input_shape(0).size();
  if (paddings.size() != 2 * rank) {
    return Status::InvalidArgument(spec.layer.op() + ": paddings must be [rank, 2]");
  }
  std::vector<int64_t> before, after;
  for (size_t d = 0; d < rank; ++d) {
    before.push_back(paddings[2 * d]);
    after.push_back(paddings[2 * d + 1]);
  }
  PadMode mode = PadMode::kConstant;
  if (spec.layer.op() == "MirrorPad") {
    auto it = spec.layer.attr().find("mode");
    const std::string name = it == spec.layer.attr().end() ? "" : it->second.s();
    if (name != "REFLECT" && name != "SYMMETRIC") {
      return Status::InvalidArgument("MirrorPad mode must be REFLECT or SYMMETRIC, not '" + name +
                                     "'");
    }
    mode = name == "REFLECT" ? PadMode::kReflect : PadMode::kSymmetric;
  }
  double constant = 0;
  if (spec.layer.op() == "PadV2") {
    const DeviceOperand& value = spec.inputs[2];
    if (!value.is_constant() || value.host->NumElements() != 1) {
      return Status::InvalidArgument("PadV2's constant_values must be a constant scalar");
    }
    constant = value.host->ElementAsDouble(0);
  }
  TFTRT_ASSIGN_OR_RETURN(Dims in_shape, ToDims(spec.input_shape(0)));
  const DeviceOperand in = spec.inputs[0];
  const int out = spec.outputs[0];
  const DType dtype = spec.output().dtype;
  return Runner([=](const RunBuffers& b) {
    return Pad(b.operand(in), in_shape, before, after, mode, constant, dtype, b.tensor(out),
               b.stream());
  });
}

StatusOr<std::unique_ptr<LayerRunner>> MakeTile(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> multiples, ConstantInts(spec.inputs[1], "multiples"));
  TFTRT_ASSIGN_OR_RETURN(Dims in_shape, ToDims(spec.input_shape(0)));
  const DeviceOperand in = spec.inputs[0];
  const int out = spec.outputs[0];
  const DType dtype = spec.output().dtype;
  return Runner([=](const RunBuffers& b) {
    return Tile(b.operand(in), in_shape, multiples, dtype, b.tensor(out), b.stream());
  });
}

int64_t Elements(const Shape& shape, size_t from = 0) {
  int64_t elements = 1;
  for (size_t d = from; d < shape.size(); ++d) elements *= shape[d];
  return elements;
}

// GatherV2; with batch_dims b, one gather per batch element (the leading b dimensions of
// params and indices), each over that element's slices.
StatusOr<std::unique_ptr<LayerRunner>> MakeGather(const LayerSpec& spec) {
  const Shape& params_full = spec.input_shape(0);
  const DeviceOperand indices = spec.inputs[1];
  TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ConstantInts(spec.inputs[2], "axis"));
  TFTRT_ASSIGN_OR_RETURN(int dim, NormalizeAxis(axis.at(0), params_full.size(), "GatherV2"));
  int64_t batch_dims = AttrIntOr(spec.layer, "batch_dims", 0);
  if (batch_dims < 0) batch_dims += static_cast<int64_t>(indices.shape.size());
  if (batch_dims < 0 || batch_dims > dim) {
    return Status::InvalidArgument("GatherV2: batch_dims must be in [0, axis]");
  }
  if (indices.dtype != DType::kInt32) {
    return Status::Unimplemented("GatherV2 indices of dtype " +
                                 std::string(DTypeName(indices.dtype)));
  }
  const Shape params_slice(params_full.begin() + batch_dims, params_full.end());
  TFTRT_ASSIGN_OR_RETURN(Dims params_shape, ToDims(params_slice));
  const Shape batch_shape(params_full.begin(), params_full.begin() + batch_dims);
  const int64_t batches = Elements(batch_shape);
  const int64_t num_indices = Elements(indices.shape, batch_dims);
  const DType dtype = spec.output().dtype;
  const int64_t params_bytes = Elements(params_slice) * DTypeSize(dtype);
  const int64_t out_bytes = Elements(spec.output().shape, batch_dims) * DTypeSize(dtype);
  const int64_t indices_bytes = num_indices * static_cast<int64_t>(sizeof(int32_t));
  const int slice_axis = dim - static_cast<int>(batch_dims);
  const DeviceOperand params = spec.inputs[0];
  const int out = spec.outputs[0];
  return Runner([=](const RunBuffers& b) -> Status {
    for (int64_t i = 0; i < batches; ++i) {
      TFTRT_RETURN_IF_ERROR(Gather(
          static_cast<const char*>(b.operand(params)) + i * params_bytes, params_shape, slice_axis,
          static_cast<const char*>(b.operand(indices)) + i * indices_bytes, IndexType::kInt32,
          num_indices, dtype, static_cast<char*>(b.tensor(out)) + i * out_bytes,
          /*bad_index_flag=*/nullptr, b.stream()));
    }
    return Status::Ok();
  });
}

// Shape of a tensor whose shape the plan knows: a constant, copied.
StatusOr<std::unique_ptr<LayerRunner>> MakeShape(const LayerSpec& spec) {
  const Shape& shape = spec.input_shape(0);
  Tensor value(DataType::kInt32, {static_cast<int64_t>(shape.size())});
  for (size_t d = 0; d < shape.size(); ++d)
    value.flat<int32_t>()[d] = static_cast<int32_t>(shape[d]);
  TFTRT_ASSIGN_OR_RETURN(DeviceOperand constant,
                         spec.constants.Add(std::move(value), DType::kInt32));
  const int out = spec.outputs[0];
  const size_t bytes = shape.size() * sizeof(int32_t);
  return Runner([=](const RunBuffers& b) -> Status {
    if (bytes == 0) return Status::Ok();
    TFTRT_CUDA_CHECK(
        cudaMemcpyAsync(b.tensor(out), constant.data, bytes, cudaMemcpyDeviceToDevice, b.stream()));
    return Status::Ok();
  });
}

StatusOr<std::unique_ptr<LayerRunner>> MakeMain(const LayerSpec& spec) {
  const std::string& op = spec.layer.op();
  const size_t rank = spec.input_shape(0).size();
  if (op == "Reshape" || op == "ExpandDims" || op == "Squeeze" || op == "Identity" ||
      op == "Snapshot" || op == "StopGradient") {
    return Copy(spec);
  }
  if (op == "Transpose") return MakeTranspose(spec);
  if (op == "ConcatV2") return MakeConcat(spec);
  if (op == "Pack") return MakePack(spec);
  if (op == "Unpack") {
    TFTRT_ASSIGN_OR_RETURN(int axis, NormalizeAxis(AttrIntOr(spec.layer, "axis", 0), rank, op));
    return SplitInto(spec, 0, axis, /*squeezed=*/true);
  }
  if (op == "Split") {
    TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ConstantInts(spec.inputs[0], "axis"));
    TFTRT_ASSIGN_OR_RETURN(int dim, NormalizeAxis(axis.at(0), spec.input_shape(1).size(), op));
    return SplitInto(spec, 1, dim, false);
  }
  if (op == "SplitV") {
    TFTRT_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ConstantInts(spec.inputs[2], "axis"));
    TFTRT_ASSIGN_OR_RETURN(int dim, NormalizeAxis(axis.at(0), rank, op));
    return SplitInto(spec, 0, dim, false);
  }
  if (op == "Slice") return MakeSlice(spec);
  if (op == "StridedSlice") return MakeStridedSlice(spec);
  if (op == "Pad" || op == "PadV2" || op == "MirrorPad") return MakePad(spec);
  if (op == "Tile") return MakeTile(spec);
  if (op == "GatherV2") return MakeGather(spec);
  if (op == "Shape") return MakeShape(spec);
  if (op == "Fill") {  // Fill(dims, value): the scalar value broadcast, all strides 0
    return StridedView(spec, 0, std::vector<int64_t>(spec.output().shape.size(), 0), 1);
  }
  return Status::Unimplemented("the cuda backend has no data-movement layer " + op);
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakeDataMovementRunner(const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<LayerRunner> main, MakeMain(spec));
  return WithEpilogue(std::move(main), spec, 0);
}

}  // namespace tftrt::cuda
