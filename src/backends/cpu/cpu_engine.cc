#include "backends/cpu/cpu_engine.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/int8_layer.h"
#include "backends/cpu/layer_kernel.h"
#include "engine/ops/op_converter.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/half_rounding.h"
#include "kernels/cpu/int8_quantize.h"
#include "runtime/kernel.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {
namespace {

// Rows of an epilogue block: about 64 KiB of float32, so every fused step works in cache.
constexpr int64_t kBlockElements = 16384;

// Whether an FP16 layer's float outputs need rounding to half: not when the op's outputs
// are values of its (already half) inputs and no epilogue computed new ones.
bool RoundsToHalf(const EngineLayer& layer) {
  if (layer.epilogue_size() > 0) return true;
  const OpConverter* converter = ConverterTable::Global().Find(layer.op());
  return converter == nullptr || !converter->preserves_values;
}

// The precision of a layer: its own, or the network's.
const std::string& LayerPrecision(const EngineLayer& layer, const EngineNetwork& network) {
  return layer.precision().empty() ? network.precision() : layer.precision();
}

// Whether a layer stores its float outputs as half: FP16 layers, and INT8 layers (whose
// outputs are otherwise stored as int8 values, see Layer::int8_output_scale).
bool IsHalfLayer(const EngineLayer& layer, const EngineNetwork& network) {
  const std::string& precision = LayerPrecision(layer, network);
  return precision == "FP16" || precision == "INT8";
}

// The scale of an INT8 layer's output where it is stored as int8 values; 0 otherwise.
float Int8OutputScale(const EngineLayer& layer, const EngineNetwork& network) {
  if (LayerPrecision(layer, network) != "INT8" || layer.output_size() != 1) return 0;
  const int output = layer.output(0);
  if (output < 0 || output >= network.tensor_size()) return 0;
  const EngineTensor& tensor = network.tensor(output);
  return tensor.int8() && tensor.dynamic_range() > 0 ? Int8Scale(tensor.dynamic_range()) : 0;
}

struct Operand {
  int tensor = -1;
  Tensor weight;
};

StatusOr<Operand> CompileOperand(const EngineOperand& proto, int num_tensors) {
  Operand operand;
  if (proto.has_tensor()) {
    if (proto.tensor() < 0 || proto.tensor() >= num_tensors) {
      return Status::InvalidArgument("engine operand refers to tensor " +
                                     std::to_string(proto.tensor()) + " of " +
                                     std::to_string(num_tensors));
    }
    operand.tensor = proto.tensor();
    return operand;
  }
  TFTRT_ASSIGN_OR_RETURN(operand.weight, TensorFromProto(proto.weight()));
  if (proto.compute_dtype() == tensorflow::DT_FLOAT && IsFloat16(operand.weight.dtype())) {
    operand.weight = WidenToFloat(operand.weight);
  }
  return operand;
}

// Rounds every element of a float tensor to the nearest half, in place when the buffer
// is not shared.
void RoundToHalf(Tensor& tensor) {
  if (tensor.dtype() != DataType::kFloat) return;
  if (!tensor.RefCountIsOne()) tensor = tensor.Clone();
  RoundToHalfPrecision(tensor.flat<float>(), tensor.NumElements());
}

// Stores a float tensor as int8 values of `scale` (q * scale), in place when the buffer is
// not shared.
void FakeQuantize(Tensor& tensor, float scale) {
  if (tensor.dtype() != DataType::kFloat) return;
  if (!tensor.RefCountIsOne()) tensor = tensor.Clone();
  FakeQuantizeInt8(tensor.flat<float>(), tensor.NumElements(), scale);
}

// Rows [row, row + rows) of a tensor viewed as [N / C, C], as a new [rows, C] tensor.
Tensor CopyRows(const Tensor& tensor, int64_t row, int64_t rows, int64_t columns) {
  Tensor block(tensor.dtype(), {rows, columns});
  const size_t row_bytes = columns * DataTypeSize(tensor.dtype());
  std::memcpy(block.raw_data(), static_cast<const uint8_t*>(tensor.raw_data()) + row * row_bytes,
              rows * row_bytes);
  return block;
}

void StoreRows(const Tensor& block, int64_t row, Tensor& tensor) {
  const size_t row_bytes = block.dim(1) * DataTypeSize(tensor.dtype());
  std::memcpy(static_cast<uint8_t*>(tensor.raw_data()) + row * row_bytes, block.raw_data(),
              block.dim(0) * row_bytes);
}

}  // namespace

struct Step {
  Node node;
  KernelFn kernel = nullptr;
  bool unary = true;
  Operand operand;
  bool operand_first = false;
};

struct CpuEngine::Layer {
  Node node;
  bool round_to_half = false;       // FP16 storage of the float outputs
  float int8_output_scale = 0;      // > 0: the output is stored as int8 values of this scale
  std::unique_ptr<Int8Layer> int8;  // INT8 layers: runs instead of `kernel`
  KernelFn kernel = nullptr;
  std::vector<Operand> inputs;
  std::vector<int> outputs;
  std::vector<Step> epilogue;
  std::vector<int> release_before;  // last read as a main input: handed to the kernel
  std::vector<int> release_after;   // last read by the epilogue
};

namespace {

// The running value `v` after one epilogue step with operand value `operand`.
StatusOr<Tensor> ApplyStep(const Step& step, Tensor v, const Tensor& operand) {
  std::vector<Tensor> inputs;
  if (step.unary) {
    inputs.push_back(std::move(v));
  } else if (step.operand_first) {
    inputs = {operand, std::move(v)};
  } else {
    inputs = {std::move(v), operand};
  }
  TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                         RunLayerKernel(step.node, step.kernel, std::move(inputs)));
  return std::move(outputs[0]);
}

const Tensor& OperandValue(const Operand& operand, const std::vector<Tensor>& values) {
  return operand.tensor >= 0 ? values[operand.tensor] : operand.weight;
}

// The value of an epilogue step's operand for running value `v`: a tensor with as many
// elements as `v` is read in v's shape (the fuser may move a step ahead of a reshape;
// docs/engine-format.md, `epilogue`), anything else as it is (TF broadcasting).
Tensor StepOperandValue(const Operand& operand, const Tensor& v,
                        const std::vector<Tensor>& values) {
  const Tensor& value = OperandValue(operand, values);
  if (operand.tensor < 0) return value;
  if (value.shape() == v.shape() || value.NumElements() != v.NumElements()) return value;
  StatusOr<Tensor> reshaped = value.Reshaped(v.shape());
  return reshaped.ok() ? *std::move(reshaped) : value;
}

// The layer's op on its inputs (before the epilogue): its kernel, or its INT8 runner.
StatusOr<std::vector<Tensor>> RunLayer(const CpuEngine::Layer& layer, std::vector<Tensor> inputs) {
  if (layer.int8 == nullptr) return RunLayerKernel(layer.node, layer.kernel, std::move(inputs));
  TFTRT_ASSIGN_OR_RETURN(Tensor output, layer.int8->Run(inputs));
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(output));
  return outputs;
}

// Whether every step keeps v's shape when run on [rows, C] blocks of it.
bool Blockable(const std::vector<Step>& steps, const Tensor& v, const std::vector<Tensor>& values) {
  if (v.rank() == 0 || v.NumElements() == 0) return false;
  const int64_t columns = v.dim(v.rank() - 1);
  for (const Step& step : steps) {
    if (step.unary) continue;
    const Tensor operand = StepOperandValue(step.operand, v, values);
    if (operand.dtype() != v.dtype()) return false;
    if (step.operand.tensor >= 0) {
      if (operand.shape() != v.shape()) return false;
    } else if (!(operand.rank() <= 1 &&
                 (operand.NumElements() == 1 || operand.NumElements() == columns))) {
      return false;
    }
  }
  return true;
}

StatusOr<Tensor> RunEpilogue(const std::vector<Step>& steps, Tensor v,
                             const std::vector<Tensor>& values) {
  if (steps.empty()) return v;
  if (!Blockable(steps, v, values)) {
    for (const Step& step : steps) {
      Tensor operand = StepOperandValue(step.operand, v, values);
      TFTRT_ASSIGN_OR_RETURN(v, ApplyStep(step, std::move(v), operand));
    }
    return v;
  }
  if (!v.RefCountIsOne()) v = v.Clone();  // a reshape may share its input's buffer
  const int64_t columns = v.dim(v.rank() - 1);
  const int64_t rows = v.NumElements() / columns;
  const int64_t block_rows = std::max<int64_t>(1, kBlockElements / columns);
  for (int64_t row = 0; row < rows; row += block_rows) {
    const int64_t n = std::min(block_rows, rows - row);
    Tensor block = CopyRows(v, row, n, columns);
    for (const Step& step : steps) {
      Tensor operand = StepOperandValue(step.operand, v, values);
      if (step.operand.tensor >= 0) operand = CopyRows(operand, row, n, columns);
      TFTRT_ASSIGN_OR_RETURN(block, ApplyStep(step, std::move(block), operand));
    }
    StoreRows(block, row, v);
  }
  return v;
}

}  // namespace

// Every context runs the shared engine: it keeps no state between runs.
class CpuExecutionContext : public ExecutionContext {
 public:
  explicit CpuExecutionContext(const CpuEngine* engine) : engine_(engine) {}
  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs) override {
    return engine_->RunLayers(std::move(inputs));
  }

 private:
  const CpuEngine* engine_;
};

CpuEngine::CpuEngine(EngineNetwork network) : Engine(std::move(network), kCpuTarget) {}
CpuEngine::~CpuEngine() = default;

StatusOr<std::unique_ptr<ExecutionContext>> CpuEngine::CreateContext() const {
  return std::unique_ptr<ExecutionContext>(new CpuExecutionContext(this));
}

StatusOr<std::unique_ptr<CpuEngine>> CpuEngine::Create(EngineNetwork network) {
  std::unique_ptr<CpuEngine> engine(new CpuEngine(std::move(network)));
  TFTRT_RETURN_IF_ERROR_CTX(engine->Compile(), "while loading an engine on the cpu backend");
  return engine;
}

Status CpuEngine::Compile() {
  const EngineNetwork& network = plan();
  if (network.precision() != "FP32" && network.precision() != "FP16" &&
      network.precision() != "INT8") {
    return Status::Unimplemented("the cpu backend runs FP32, FP16 and INT8 engines, not '" +
                                 network.precision() + "'");
  }
  TFTRT_RETURN_IF_ERROR(CheckPlanTensorCount(network));
  const int num_tensors = network.num_tensors();
  std::vector<int> last_use(num_tensors, -1);
  std::vector<bool> epilogue_use(num_tensors, false);
  for (int i = 0; i < network.layer_size(); ++i) {
    const EngineLayer& proto = network.layer(i);
    auto layer = std::make_unique<Layer>();
    TFTRT_ASSIGN_OR_RETURN(layer->node,
                           MakeLayerNode(proto.name(), proto.op(), proto.attr(), &layer->kernel));
    layer->round_to_half = IsHalfLayer(proto, network) && RoundsToHalf(proto);
    layer->int8_output_scale = Int8OutputScale(proto, network);
    if (LayerPrecision(proto, network) == "INT8") {
      TFTRT_ASSIGN_OR_RETURN(layer->int8, Int8Layer::Compile(proto, network));
    }
    for (const EngineOperand& input : proto.input()) {
      TFTRT_ASSIGN_OR_RETURN(Operand operand, CompileOperand(input, num_tensors));
      if (operand.tensor >= 0) last_use[operand.tensor] = i;
      layer->inputs.push_back(std::move(operand));
    }
    for (int tensor : proto.output()) {
      if (tensor < 0 || tensor >= num_tensors) {
        return Status::InvalidArgument("layer '" + proto.name() + "' writes tensor " +
                                       std::to_string(tensor) + " of " +
                                       std::to_string(num_tensors));
      }
      layer->outputs.push_back(tensor);
    }
    if (proto.epilogue_size() > 0 && proto.output_size() != 1) {
      return Status::InvalidArgument("layer '" + proto.name() +
                                     "' has an epilogue but several outputs");
    }
    for (const EngineEpilogueStep& step_proto : proto.epilogue()) {
      Step step;
      TFTRT_ASSIGN_OR_RETURN(step.node,
                             MakeLayerNode(proto.name() + "/" + step_proto.op(), step_proto.op(),
                                           step_proto.attr(), &step.kernel));
      step.unary = !step_proto.has_operand();
      if (!step.unary) {
        TFTRT_ASSIGN_OR_RETURN(step.operand, CompileOperand(step_proto.operand(), num_tensors));
        if (step.operand.tensor >= 0) {
          last_use[step.operand.tensor] = i;
          epilogue_use[step.operand.tensor] = true;
        }
      }
      step.operand_first = step_proto.operand_first();
      layer->epilogue.push_back(std::move(step));
    }
    layers_.push_back(std::move(layer));
  }
  std::set<int> outputs;
  for (const EngineBinding& binding : network.output()) {
    if (binding.tensor() < 0 || binding.tensor() >= num_tensors) {
      return Status::InvalidArgument("engine output '" + binding.name() + "' is tensor " +
                                     std::to_string(binding.tensor()) + " of " +
                                     std::to_string(num_tensors));
    }
    outputs.insert(binding.tensor());
  }
  for (int tensor = 0; tensor < num_tensors; ++tensor) {
    if (last_use[tensor] < 0 || outputs.contains(tensor)) continue;
    Layer& layer = *layers_[last_use[tensor]];
    (epilogue_use[tensor] ? layer.release_after : layer.release_before).push_back(tensor);
  }
  for (const EngineBinding& binding : network.input()) {
    if (binding.tensor() < 0 || binding.tensor() >= num_tensors) {
      return Status::InvalidArgument("engine input '" + binding.name() + "' is tensor " +
                                     std::to_string(binding.tensor()) + " of " +
                                     std::to_string(num_tensors));
    }
  }
  return Status::Ok();
}

StatusOr<std::vector<Tensor>> CpuEngine::RunLayers(std::vector<Tensor> inputs) const {
  const EngineNetwork& network = plan();
  // INT8 networks run their other layers in FP16, so they take half inputs as FP16 ones.
  const bool fp16_inputs = network.precision() == "FP16" || network.precision() == "INT8";
  if (static_cast<int>(inputs.size()) != network.input_size()) {
    return Status::InvalidArgument("the engine takes " + std::to_string(network.input_size()) +
                                   " inputs, got " + std::to_string(inputs.size()));
  }
  std::vector<Tensor> values(network.num_tensors());
  for (int i = 0; i < network.input_size(); ++i) {
    const EngineBinding& binding = network.input(i);
    TFTRT_ASSIGN_OR_RETURN(Shape shape, ShapeFromProto(binding.shape()));
    if (DataTypeToProto(inputs[i].dtype()) != binding.dtype() || inputs[i].shape() != shape) {
      return Status::InvalidArgument("engine input '" + binding.name() + "' is " +
                                     std::string(DataTypeName(inputs[i].dtype())) +
                                     ShapeToString(inputs[i].shape()) +
                                     ", the engine was built for " + ShapeToString(shape));
    }
    values[binding.tensor()] = std::move(inputs[i]);
    if (fp16_inputs) RoundToHalf(values[binding.tensor()]);
  }
  for (const auto& layer : layers_) {
    std::vector<Tensor> inputs_of_layer;
    for (const Operand& operand : layer->inputs) {
      inputs_of_layer.push_back(OperandValue(operand, values));
    }
    for (int tensor : layer->release_before) values[tensor] = Tensor();
    TFTRT_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                           RunLayer(*layer, std::move(inputs_of_layer)));
    if (outputs.size() < layer->outputs.size()) {
      return Status::Internal("engine layer '" + layer->node.name + "' produced too few outputs");
    }
    if (!layer->epilogue.empty()) {
      TFTRT_ASSIGN_OR_RETURN(outputs[0],
                             RunEpilogue(layer->epilogue, std::move(outputs[0]), values));
    }
    for (int tensor : layer->release_after) values[tensor] = Tensor();
    for (size_t i = 0; i < layer->outputs.size(); ++i) {
      if (layer->int8_output_scale > 0) {
        FakeQuantize(outputs[i], layer->int8_output_scale);
      } else if (layer->round_to_half) {
        RoundToHalf(outputs[i]);
      }
      values[layer->outputs[i]] = std::move(outputs[i]);
    }
  }
  std::vector<Tensor> results;
  for (const EngineBinding& binding : network.output()) {
    results.push_back(values[binding.tensor()]);
  }
  return results;
}

}  // namespace tftrt
