#include "common/check.h"
#include "engine/ops/op_converter.h"

namespace tftrt {
namespace {

// The engine dtype class of `dtype`, 0 if engines do not take it.
unsigned DtypeClass(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat:
    case DataType::kHalf:
      return engine_dtypes::kFloat;
    case DataType::kInt32:
      return engine_dtypes::kInt32;
    case DataType::kBool:
      return engine_dtypes::kBool;
    default:
      return 0;
  }
}

std::optional<NativeReason> CheckDtype(const OpConverter& converter, const char* what, int index,
                                       DataType dtype) {
  if ((DtypeClass(dtype) & converter.dtypes) != 0) return std::nullopt;
  return NativeReason{NativeReasonKind::kDtype, std::string(what) + " " + std::to_string(index) +
                                                    " has dtype " +
                                                    std::string(DataTypeName(dtype)) +
                                                    ", which an engine does not take here"};
}

}  // namespace

bool IsWeightInput(const OpConverter& converter, int input, int num_inputs) {
  for (int index : converter.weight_inputs) {
    if (index == input || (index < 0 && num_inputs + index == input)) return true;
  }
  return false;
}

const char* NativeReasonKindName(NativeReasonKind kind) {
  switch (kind) {
    case NativeReasonKind::kOp:
      return "unsupported op";
    case NativeReasonKind::kAttribute:
      return "unsupported attribute";
    case NativeReasonKind::kDtype:
      return "unsupported dtype";
    case NativeReasonKind::kConstInput:
      return "non-constant weight";
    case NativeReasonKind::kBackend:
      return "unsupported by the engine backend";
    case NativeReasonKind::kDenylisted:
      return "denylisted";
    case NativeReasonKind::kSegmentSize:
      return "segment too small";
    case NativeReasonKind::kEngineLimit:
      return "engine limit";
    case NativeReasonKind::kNoInputs:
      return "segment without inputs";
    case NativeReasonKind::kGraphBoundary:
      return "graph boundary";
  }
  return "unknown";
}

bool IsEngineOnlyOp(const std::string& op) { return op.rfind("_Tftrt", 0) == 0; }

bool IsIdentityLike(const std::string& op) {
  return op == "Identity" || op == "Snapshot" || op == "StopGradient";
}

const ConverterTable& ConverterTable::Global() {
  static const ConverterTable* table = [] {
    auto* t = new ConverterTable();
    RegisterConvolutionConverters(*t);
    RegisterMatMulConverters(*t);
    RegisterElementwiseConverters(*t);
    RegisterActivationConverters(*t);
    RegisterPoolingConverters(*t);
    RegisterReductionConverters(*t);
    RegisterNormalizationConverters(*t);
    RegisterShapeConverters(*t);
    RegisterResizeConverters(*t);
    RegisterCastSelectConverters(*t);
    RegisterQuantizationConverters(*t);
    RegisterVolumeConverters(*t);
    RegisterSpaceDepthConverters(*t);
    RegisterNmsConverters(*t);
    return t;
  }();
  return *table;
}

void ConverterTable::Register(OpConverter converter) {
  TFTRT_CHECK_MSG(!converters_.contains(converter.op), "converter registered twice");
  TFTRT_CHECK_MSG(converter.kind != LAYER_KIND_UNSPECIFIED, "a converter needs a layer kind");
  TFTRT_CHECK_MSG((converter.check == nullptr) == (converter.conditions == nullptr),
                  "a converter's check needs its conditions in words, and only a check does");
  std::string op = converter.op;
  converters_[op] = std::move(converter);
}

const OpConverter* ConverterTable::Find(const std::string& op) const {
  auto it = converters_.find(op);
  return it == converters_.end() ? nullptr : &it->second;
}

std::vector<std::string> ConverterTable::Ops() const {
  std::vector<std::string> ops;
  for (const auto& [op, converter] : converters_) ops.push_back(op);
  return ops;
}

std::optional<NativeReason> ConverterTable::Validate(const Node& node,
                                                     const NodeSignature& signature) const {
  const OpConverter* converter = Find(node.op);
  if (converter == nullptr) {
    return NativeReason{NativeReasonKind::kOp, "no engine converter for op " + node.op};
  }
  const int num_inputs = static_cast<int>(signature.input_dtypes.size());
  for (int i = 0; i < num_inputs; ++i) {
    if (IsWeightInput(*converter, i, num_inputs)) {
      if (!signature.input_is_constant[i]) {
        return NativeReason{NativeReasonKind::kConstInput,
                            "input " + std::to_string(i) + " must be a constant"};
      }
      continue;
    }
    if (auto reason = CheckDtype(*converter, "input", i, signature.input_dtypes[i])) return reason;
  }
  for (int i = 0; i < static_cast<int>(signature.output_dtypes.size()); ++i) {
    if (auto reason = CheckDtype(*converter, "output", i, signature.output_dtypes[i])) {
      return reason;
    }
  }
  if (converter->check != nullptr) return converter->check(node);
  return std::nullopt;
}

}  // namespace tftrt
