// The serialized engine: a versioned, checksummed container of an engine network
// (docs/engine-format.md). A blob names its target (the backend and device it was built
// for); loading checks magic, format version, target and checksum, so a blob from another
// tftrt version, another backend or a damaged file is never run.
#ifndef TFTRT_ENGINE_ENGINE_BLOB_H_
#define TFTRT_ENGINE_ENGINE_BLOB_H_

#include <string>
#include <string_view>

#include "backends/backend.h"

namespace tftrt {

inline constexpr std::string_view kEngineMagic = "TFTRTENG";
inline constexpr uint32_t kEngineFormatVersion = 2;  // 2: tensor shapes, layer kinds, params

std::string SerializeEngine(const EngineNetwork& network, std::string_view target);

// The target a blob was built for (its header only); DataLoss when the header is damaged,
// FailedPrecondition for another format version.
StatusOr<std::string> EngineBlobTarget(std::string_view blob);

// DataLoss: not an engine blob, truncated, checksum mismatch, undecodable payload.
// FailedPrecondition: another format version, or a target that `backend` does not accept.
StatusOr<EngineNetwork> DeserializeEngine(std::string_view blob, const EngineBackend& backend);

// The plan of a blob built for any target (what summaries read): DataLoss as above,
// FailedPrecondition for another format version.
StatusOr<EngineNetwork> EngineBlobPlan(std::string_view blob);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_ENGINE_BLOB_H_
