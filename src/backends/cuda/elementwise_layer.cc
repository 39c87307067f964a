// Elementwise layers (math, activations, comparisons, logic, Cast, Select, AddN), inference
// batch normalization, and the epilogues of every other kind: all become one pass of the
// generic elementwise chain kernel (kernels/elementwise.h) over the layer's output, its
// main op first and each fused epilogue step after it.
#include <cmath>
#include <optional>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/kernels/elementwise.h"
#include "backends/cuda/layer_runner.h"
#include "graph/attrs.h"

namespace tftrt::cuda {
namespace {

// A chain input: where to read (resolved per run) and how (broadcast strides).
struct ChainInput {
  DeviceOperand operand;
  Dims strides;
};

bool IsFloat(DType dtype) { return dtype == DType::kFloat32 || dtype == DType::kFloat16; }

float AttrFloatOr(const google::protobuf::Map<std::string, tensorflow::AttrValue>& attrs,
                  const char* name, float fallback) {
  auto it = attrs.find(name);
  return it == attrs.end() ? fallback : it->second.f();
}

// Builds an elementwise program over an output of fixed shape and dtype.
class ChainBuilder {
 public:
  ChainBuilder(Dims out_shape, DType out_dtype) : out_shape_(out_shape), out_dtype_(out_dtype) {}

  // Adds `operand`, broadcast to the output (a rank-1 `leading_dim` operand is aligned to
  // the output's first dimension instead: Select's row condition, NCHW biases).
  StatusOr<int> AddInput(const DeviceOperand& operand, bool align_leading = false) {
    if (inputs_.size() >= static_cast<size_t>(kMaxElementwiseInputs)) {
      return Status::Unimplemented("an elementwise layer reads more than " +
                                   std::to_string(kMaxElementwiseInputs) + " tensors");
    }
    Shape shape = operand.shape;
    if (align_leading && shape.size() == 1 && out_shape_.rank > 1) {
      shape.resize(out_shape_.rank, 1);
    }
    TFTRT_ASSIGN_OR_RETURN(Dims dims, ToDims(shape));
    TFTRT_ASSIGN_OR_RETURN(ElementwiseInput input,
                           BroadcastInput(nullptr, operand.dtype, dims, out_shape_));
    inputs_.push_back({operand, input.strides});
    return static_cast<int>(inputs_.size()) - 1;
  }

  // The instruction running TF op `op` (with `attrs`) on inputs `operands`.
  StatusOr<ElementwiseInstruction> Instruction(
      const std::string& op, const google::protobuf::Map<std::string, tensorflow::AttrValue>& attrs,
      const std::vector<int>& operands) {
    ElementwiseInstruction instruction;
    if (op == "Cast") {
      instruction.op = ElementwiseOp::kIdentity;  // the store converts
    } else {
      auto mapped = ElementwiseOpFromTfName(op);
      if (!mapped.has_value()) {
        return Status::Unimplemented("the cuda backend has no elementwise op " + op);
      }
      instruction.op = *mapped;
    }
    instruction.alpha = instruction.op == ElementwiseOp::kFakeQuantInt8
                            ? AttrFloatOr(attrs, "scale", 1.0f)
                            : AttrFloatOr(attrs, "alpha", 0.2f);
    for (size_t i = 0; i < operands.size() && i < 3; ++i) {
      instruction.operands[i] = static_cast<int8_t>(operands[i]);
    }
    return instruction;
  }

  void SetFirst(ElementwiseInstruction first) { program_.first = first; }

  Status AddStep(ElementwiseInstruction step) {
    if (program_.num_steps >= kMaxElementwiseSteps) {
      return Status::Unimplemented("an elementwise chain of more than " +
                                   std::to_string(kMaxElementwiseSteps) + " steps");
    }
    program_.steps[program_.num_steps++] = step;
    return Status::Ok();
  }

  // Float arithmetic unless every input and the output are integers or bools.
  StatusOr<ElementwiseProgram> Finish() {
    bool float_compute = IsFloat(out_dtype_);
    std::vector<DType> dtypes;
    for (const ChainInput& input : inputs_) {
      float_compute |= IsFloat(input.operand.dtype);
      dtypes.push_back(input.operand.dtype);
    }
    program_.compute = float_compute ? DType::kFloat32 : DType::kInt32;
    TFTRT_RETURN_IF_ERROR(ValidateElementwiseProgram(program_, dtypes, out_dtype_));
    return program_;
  }

  std::vector<ChainInput> TakeInputs() { return std::move(inputs_); }

 private:
  Dims out_shape_;
  DType out_dtype_;
  ElementwiseProgram program_;
  std::vector<ChainInput> inputs_;
};

class ChainRunner : public LayerRunner {
 public:
  ChainRunner(ElementwiseProgram program, std::vector<ChainInput> inputs, int output,
              Dims out_shape, DType out_dtype)
      : program_(program),
        inputs_(std::move(inputs)),
        output_(output),
        out_shape_(out_shape),
        out_dtype_(out_dtype) {}

  Status Enqueue(const RunBuffers& buffers) const override {
    std::vector<ElementwiseInput> inputs;
    for (const ChainInput& input : inputs_) {
      inputs.push_back({buffers.operand(input.operand), input.operand.dtype, input.strides});
    }
    return ElementwiseChain(program_, inputs, out_shape_, buffers.tensor(output_), out_dtype_,
                            buffers.stream());
  }

 private:
  ElementwiseProgram program_;
  std::vector<ChainInput> inputs_;
  int output_;
  Dims out_shape_;
  DType out_dtype_;
};

// Appends the layer's epilogue steps [first_step, end) to `chain`.
Status AddEpilogueSteps(const LayerSpec& spec, int first_step, ChainBuilder& chain) {
  for (int i = first_step; i < spec.layer.epilogue_size(); ++i) {
    const EngineEpilogueStep& step = spec.layer.epilogue(i);
    std::vector<int> operands;
    if (step.has_operand()) {
      TFTRT_ASSIGN_OR_RETURN(int index, chain.AddInput(spec.epilogue_operands[i]));
      operands.push_back(index);
    }
    TFTRT_ASSIGN_OR_RETURN(ElementwiseInstruction instruction,
                           chain.Instruction(step.op(), step.attr(), operands));
    instruction.operand_first = step.operand_first();
    TFTRT_RETURN_IF_ERROR(chain.AddStep(instruction));
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<LayerRunner>> FinishChain(ChainBuilder& chain, const LayerSpec& spec) {
  TFTRT_ASSIGN_OR_RETURN(ElementwiseProgram program, chain.Finish());
  TFTRT_ASSIGN_OR_RETURN(Dims out_shape, ToDims(spec.output().shape));
  return std::unique_ptr<LayerRunner>(new ChainRunner(program, chain.TakeInputs(), spec.outputs[0],
                                                      out_shape, spec.output().dtype));
}

// AddN: its own kernel (any number of inputs), then the epilogue.
class AddNRunner : public LayerRunner {
 public:
  AddNRunner(std::vector<DeviceOperand> inputs, int output, Dims shape, DType dtype)
      : inputs_(std::move(inputs)), output_(output), shape_(shape), dtype_(dtype) {}

  Status Enqueue(const RunBuffers& buffers) const override {
    std::vector<const void*> inputs;
    for (const DeviceOperand& input : inputs_) inputs.push_back(buffers.operand(input));
    return AddN(inputs, shape_, dtype_, buffers.tensor(output_), buffers.stream());
  }

 private:
  std::vector<DeviceOperand> inputs_;
  int output_;
  Dims shape_;
  DType dtype_;
};

// Runs runners one after the other.
class SequenceRunner : public LayerRunner {
 public:
  SequenceRunner(std::unique_ptr<LayerRunner> first, std::unique_ptr<LayerRunner> second)
      : first_(std::move(first)), second_(std::move(second)) {}
  size_t workspace_bytes() const override {
    return std::max(first_->workspace_bytes(), second_->workspace_bytes());
  }
  Status Enqueue(const RunBuffers& buffers) const override {
    TFTRT_RETURN_IF_ERROR(first_->Enqueue(buffers));
    return second_->Enqueue(buffers);
  }

 private:
  std::unique_ptr<LayerRunner> first_;
  std::unique_ptr<LayerRunner> second_;
};

bool IsNchwBiasAdd(const EngineLayer& layer) {
  auto it = layer.attr().find("data_format");
  return layer.op() == "BiasAdd" && it != layer.attr().end() && it->second.s() == "NCHW";
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> MakeElementwiseRunner(const LayerSpec& spec) {
  const EngineLayer& layer = spec.layer;
  if (spec.outputs.size() != 1) {
    return Status::Unimplemented(layer.op() + " with several outputs");
  }
  TFTRT_ASSIGN_OR_RETURN(Dims out_shape, ToDims(spec.output().shape));
  if (layer.op() == "AddN") {
    std::unique_ptr<LayerRunner> add_n(
        new AddNRunner(spec.inputs, spec.outputs[0], out_shape, spec.output().dtype));
    return WithEpilogue(std::move(add_n), spec, 0);
  }
  ChainBuilder chain(out_shape, spec.output().dtype);
  std::vector<int> operands;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    // Select's condition may be a vector over the first dimension; an NCHW bias aligns with
    // the channel dimension, which for the shapes engines see is the second.
    const bool leading = (layer.op() == "Select" && i == 0);
    DeviceOperand operand = spec.inputs[i];
    if (IsNchwBiasAdd(layer) && i == 1 && spec.output().shape.size() >= 2) {
      operand.shape.resize(spec.output().shape.size() - 1, 1);  // [C] -> [C, 1, 1]
    }
    TFTRT_ASSIGN_OR_RETURN(int index, chain.AddInput(operand, leading));
    operands.push_back(index);
  }
  TFTRT_ASSIGN_OR_RETURN(ElementwiseInstruction first,
                         chain.Instruction(layer.op(), layer.attr(), operands));
  chain.SetFirst(first);
  TFTRT_RETURN_IF_ERROR(AddEpilogueSteps(spec, 0, chain));
  return FinishChain(chain, spec);
}

StatusOr<std::unique_ptr<LayerRunner>> MakeNormalizationRunner(const LayerSpec& spec) {
  if (spec.layer.op() == "_TftrtLayerNorm") return MakeLayerNormRunner(spec);
  // FusedBatchNorm in inference: y = (x - mean) * (scale * rsqrt(variance + epsilon)) +
  // offset, in TF's order; the per-channel factor is folded once here.
  const EngineLayer& layer = spec.layer;
  if (spec.inputs.size() != 5 || !spec.inputs[1].is_constant() || !spec.inputs[4].is_constant()) {
    return Status::InvalidArgument(layer.op() + " needs constant scale, offset, mean, variance");
  }
  const float epsilon = AttrFloatOr(layer.attr(), "epsilon", 1e-4f);
  const std::vector<float> scale = TensorToFloats(*spec.inputs[1].host);
  const std::vector<float> variance = TensorToFloats(*spec.inputs[4].host);
  Tensor factor(DataType::kFloat, {static_cast<int64_t>(scale.size())});
  for (size_t c = 0; c < scale.size(); ++c) {
    factor.flat<float>()[c] = scale[c] * (1.0f / std::sqrt(variance[c] + epsilon));
  }
  TFTRT_ASSIGN_OR_RETURN(DeviceOperand factor_operand,
                         spec.constants.Add(std::move(factor), DType::kFloat32));
  TFTRT_ASSIGN_OR_RETURN(Dims out_shape, ToDims(spec.output().shape));
  ChainBuilder chain(out_shape, spec.output().dtype);
  TFTRT_ASSIGN_OR_RETURN(int x, chain.AddInput(spec.inputs[0]));
  TFTRT_ASSIGN_OR_RETURN(int mean, chain.AddInput(spec.inputs[3]));
  TFTRT_ASSIGN_OR_RETURN(int factor_index, chain.AddInput(factor_operand));
  TFTRT_ASSIGN_OR_RETURN(int offset, chain.AddInput(spec.inputs[2]));
  ElementwiseInstruction subtract{
      .op = ElementwiseOp::kSub,
      .operands = {static_cast<int8_t>(x), static_cast<int8_t>(mean), 0}};
  chain.SetFirst(subtract);
  TFTRT_RETURN_IF_ERROR(chain.AddStep(
      {.op = ElementwiseOp::kMul, .operands = {static_cast<int8_t>(factor_index), 0, 0}}));
  TFTRT_RETURN_IF_ERROR(
      chain.AddStep({.op = ElementwiseOp::kAdd, .operands = {static_cast<int8_t>(offset), 0, 0}}));
  TFTRT_RETURN_IF_ERROR(AddEpilogueSteps(spec, 0, chain));
  return FinishChain(chain, spec);
}

StatusOr<std::unique_ptr<LayerRunner>> WithEpilogue(std::unique_ptr<LayerRunner> main,
                                                    const LayerSpec& spec, int first_step) {
  if (first_step >= spec.layer.epilogue_size()) return main;
  TFTRT_ASSIGN_OR_RETURN(Dims out_shape, ToDims(spec.output().shape));
  ChainBuilder chain(out_shape, spec.output().dtype);
  DeviceOperand output{
      .tensor = spec.outputs[0], .dtype = spec.output().dtype, .shape = spec.output().shape};
  TFTRT_ASSIGN_OR_RETURN(int value, chain.AddInput(output));
  chain.SetFirst({.op = ElementwiseOp::kIdentity, .operands = {static_cast<int8_t>(value), 0, 0}});
  TFTRT_RETURN_IF_ERROR(AddEpilogueSteps(spec, first_step, chain));
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<LayerRunner> epilogue, FinishChain(chain, spec));
  return std::unique_ptr<LayerRunner>(new SequenceRunner(std::move(main), std::move(epilogue)));
}

}  // namespace tftrt::cuda
