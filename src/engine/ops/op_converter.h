// Op converters: which TF ops an engine can take, under which conditions, and every fact
// the engine builder needs about them (TF-TRT's converter registry and onnx-tensorrt's
// importer table are the models).
//
// A converter is declared as data, once per op, in its family's file
// (src/engine/ops/*_converters.cc): the dtypes its tensors may have, which inputs must be
// constant weights (baked into the engine), an optional attribute check, the layer kind it
// lowers to, its output shapes for given input shapes, how it fuses, and how it behaves in
// FP16. The segmenter asks Validate (validate-only mode) for every node; the network
// builder then lowers an accepted node to one layer of the engine plan.
// ConverterTable::Global() lists them all in one table.
#ifndef TFTRT_ENGINE_OPS_OP_CONVERTER_H_
#define TFTRT_ENGINE_OPS_OP_CONVERTER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/native_reason.h"
#include "graph/graph.h"
#include "proto/engine.pb.h"

namespace tftrt {

// What validation knows about one node: its input and output dtypes, and which data
// inputs are constants.
struct NodeSignature {
  std::vector<DataType> input_dtypes;
  std::vector<bool> input_is_constant;
  std::vector<DataType> output_dtypes;
};

// Dtype sets, as bits.
namespace engine_dtypes {
inline constexpr unsigned kFloat = 1;  // float32 and float16
inline constexpr unsigned kInt32 = 2;
inline constexpr unsigned kBool = 4;
inline constexpr unsigned kNumeric = kFloat | kInt32;
inline constexpr unsigned kAll = kNumeric | kBool;
}  // namespace engine_dtypes

// How the builder may fuse the op into a preceding layer's epilogue.
enum class FusionRole {
  kNone,
  kUnary,   // elementwise on one tensor: Relu, Sigmoid, ...
  kBinary,  // elementwise on two broadcast tensors: Add, Mul, BiasAdd, ...
};

// What the lowering knows about one input of a node: its dtype and concrete shape, and
// its value when it is a constant (a weight, or folded at build time).
struct LayerInput {
  DataType dtype = DataType::kInvalid;
  Shape shape;
  const Tensor* value = nullptr;
};

using ConverterCheck = std::optional<NativeReason> (*)(const Node& node);
// The shapes of the node's outputs (all of them, in order) for these inputs.
// InvalidArgument when the inputs do not fit the op (TF would fail too).
using ShapeFunction = StatusOr<std::vector<Shape>> (*)(const Node& node,
                                                       const std::vector<LayerInput>& inputs);
// Fills the layer's normalized parameters (EngineLayer.params) from the node.
using LowerFunction = Status (*)(const Node& node, const std::vector<LayerInput>& inputs,
                                 EngineLayer* layer);

struct OpConverter {
  std::string op;
  // Dtypes the op's non-weight inputs and its outputs may have.
  unsigned dtypes = engine_dtypes::kFloat;
  // Data inputs that must be constants; they become weights of the layer. Negative
  // indices count from the end (ConcatV2's axis is its last input).
  std::vector<int> weight_inputs;
  // Data inputs whose values decide the output shape but that may be computed inside the
  // segment (Reshape's shape from Shape -> StridedSlice -> Pack): the builder needs them
  // constant once it has folded the shape computations of concrete input shapes.
  std::vector<int> shape_inputs;
  // Attribute restrictions beyond dtypes: a reason when the node is not convertible.
  ConverterCheck check = nullptr;
  // What `check` requires, in words, for the op table (docs/ops.md); set with `check`.
  const char* conditions = nullptr;
  LayerKind kind = LAYER_KIND_UNSPECIFIED;
  ShapeFunction shape = nullptr;
  // Only for kinds with normalized parameters (convolution, pooling, matmul).
  LowerFunction lower = nullptr;
  FusionRole fusion = FusionRole::kNone;
  // FP16: the op's float outputs are values of its float inputs (reshapes, max, ...), so
  // they are already half values and need no rounding.
  bool preserves_values = false;
};

class ConverterTable {
 public:
  // Every converter, registered once by the op-family files.
  static const ConverterTable& Global();

  // REQUIRES: no converter registered for `converter.op` yet; kind and shape set.
  void Register(OpConverter converter);
  // Null if no converter takes `op`.
  const OpConverter* Find(const std::string& op) const;
  std::vector<std::string> Ops() const;

  // Validate-only mode: why `node` cannot go into an engine, or nullopt if it can.
  std::optional<NativeReason> Validate(const Node& node, const NodeSignature& signature) const;

 private:
  std::map<std::string, OpConverter> converters_;
};

// Whether data input `input` of a node with `num_inputs` inputs is one of the converter's
// weight inputs.
bool IsWeightInput(const OpConverter& converter, int input, int num_inputs);

// Ops that only forward a tensor: engines alias them and they do not count towards a
// segment's size (TF-TRT's "effective nodes").
bool IsIdentityLike(const std::string& op);

// Ops that only the engine's own rewrites create (named _Tftrt*: engine/gelu_folding.h,
// engine/layer_norm_folding.h), never found in a TF graph.
bool IsEngineOnlyOp(const std::string& op);

// Registration of each op family's converters (one file each).
void RegisterConvolutionConverters(ConverterTable& table);
void RegisterMatMulConverters(ConverterTable& table);
void RegisterElementwiseConverters(ConverterTable& table);
void RegisterActivationConverters(ConverterTable& table);
void RegisterPoolingConverters(ConverterTable& table);
void RegisterReductionConverters(ConverterTable& table);
void RegisterNormalizationConverters(ConverterTable& table);
void RegisterShapeConverters(ConverterTable& table);
void RegisterResizeConverters(ConverterTable& table);
void RegisterCastSelectConverters(ConverterTable& table);
void RegisterQuantizationConverters(ConverterTable& table);
void RegisterVolumeConverters(ConverterTable& table);
void RegisterSpaceDepthConverters(ConverterTable& table);
void RegisterNmsConverters(ConverterTable& table);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_OPS_OP_CONVERTER_H_
