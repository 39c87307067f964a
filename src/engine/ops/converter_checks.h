// Attribute checks shared by the op-family converter files.
#ifndef TFTRT_ENGINE_OPS_CONVERTER_CHECKS_H_
#define TFTRT_ENGINE_OPS_CONVERTER_CHECKS_H_

#include <optional>
#include <string>

#include "engine/ops/op_converter.h"
#include "graph/attrs.h"

namespace tftrt {

// A reason unless the string attribute `name` is absent or equals `expected`.
inline std::optional<NativeReason> RequireStringAttr(const Node& node, const char* name,
                                                     const std::string& expected) {
  auto value = GetStringAttrOr(node, name, expected);
  if (value.ok() && *value == expected) return std::nullopt;
  return NativeReason{NativeReasonKind::kAttribute,
                      std::string(name) + " must be " + expected + " in an engine"};
}

// A reason unless the bool attribute `name` is absent or equals `expected`.
inline std::optional<NativeReason> RequireBoolAttr(const Node& node, const char* name,
                                                   bool expected) {
  auto value = GetBoolAttrOr(node, name, expected);
  if (value.ok() && *value == expected) return std::nullopt;
  return NativeReason{
      NativeReasonKind::kAttribute,
      std::string(name) + " must be " + (expected ? "true" : "false") + " in an engine"};
}

// Convolutions and pooling: engines take NHWC, as TF's CPU kernels do.
inline std::optional<NativeReason> RequireNhwc(const Node& node) {
  return RequireStringAttr(node, "data_format", "NHWC");
}

}  // namespace tftrt

#endif  // TFTRT_ENGINE_OPS_CONVERTER_CHECKS_H_
