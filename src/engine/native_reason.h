// Why a node stays native (runs on the native executor instead of in an engine): a typed
// reason that segmentation records for every such node and `tftrt summary` reports.
#ifndef TFTRT_ENGINE_NATIVE_REASON_H_
#define TFTRT_ENGINE_NATIVE_REASON_H_

#include <string>

namespace tftrt {

enum class NativeReasonKind {
  kOp,             // no converter for the op type
  kAttribute,      // an attribute value the converter does not take
  kDtype,          // a tensor dtype engines do not take
  kConstInput,     // an input that must be a constant weight is not
  kBackend,        // the engine backend cannot run this layer
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

}  // namespace tftrt

#endif  // TFTRT_ENGINE_NATIVE_REASON_H_
