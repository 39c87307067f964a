// Op converters: which TF ops an engine can take, and under which conditions.
//
// A converter is declared as data (TF-TRT's converter registry and onnx-tensorrt's
// importer table are the models): the dtypes its tensors may have, which inputs must be
// constant weights (baked into the engine), and an optional attribute check. The
// segmenter asks Validate (validate-only mode) for every node; the network builder then
// lowers an accepted node to one layer running that op on the engine's backend. Each op
// family registers its converters from its own file (src/engine/ops/*_converters.cc);
// ConverterTable::Global() lists them all in one table.
#ifndef TFTRT_ENGINE_OPS_OP_CONVERTER_H_
#define TFTRT_ENGINE_OPS_OP_CONVERTER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace tftrt {

// Why a node stays native (runs on the native executor instead of in an engine).
enum class NativeReasonKind {
  kOp,             // no converter for the op type
  kAttribute,      // an attribute value the converter does not take
  kDtype,          // a tensor dtype engines do not take
  kConstInput,     // an input that must be a constant weight is not
  kDenylisted,     // TF_TRT_OP_DENYLIST names the op
  kSegmentSize,    // its segment has fewer effective nodes than minimum_segment_size
  kEngineLimit,    // its segment was dropped by TF_TRT_MAX_ALLOWED_ENGINES
  kNoInputs,       // its segment has no non-constant input
  kGraphBoundary,  // graph arguments and constants stay outside engines
};
const char* NativeReasonKindName(NativeReasonKind kind);

struct NativeReason {
  NativeReasonKind kind;
  std::string detail;
};

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

using ConverterCheck = std::optional<NativeReason> (*)(const Node& node);

struct OpConverter {
  std::string op;
  // Dtypes the op's non-weight inputs and its outputs may have.
  unsigned dtypes = engine_dtypes::kFloat;
  // Data inputs that must be constants; they become weights of the layer.
  std::vector<int> weight_inputs;
  // Attribute restrictions beyond dtypes: a reason when the node is not convertible.
  ConverterCheck check = nullptr;
  FusionRole fusion = FusionRole::kNone;
};

class ConverterTable {
 public:
  // Every converter, registered once by the op-family files.
  static const ConverterTable& Global();

  // REQUIRES: no converter registered for `op` yet.
  void Register(std::string op, unsigned dtypes, std::vector<int> weight_inputs = {},
                ConverterCheck check = nullptr, FusionRole fusion = FusionRole::kNone);
  // Null if no converter takes `op`.
  const OpConverter* Find(const std::string& op) const;
  std::vector<std::string> Ops() const;

  // Validate-only mode: why `node` cannot go into an engine, or nullopt if it can.
  std::optional<NativeReason> Validate(const Node& node, const NodeSignature& signature) const;

 private:
  std::map<std::string, OpConverter> converters_;
};

// Ops that only forward a tensor: engines alias them and they do not count towards a
// segment's size (TF-TRT's "effective nodes").
bool IsIdentityLike(const std::string& op);

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

}  // namespace tftrt

#endif  // TFTRT_ENGINE_OPS_OP_CONVERTER_H_
