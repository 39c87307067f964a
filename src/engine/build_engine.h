// One engine build, the same for the Converter (Build) and for the runtime (engines built
// when a model runs with new input shapes): the segment is lowered to a plan for concrete
// input shapes (engine/network_builder.h), then compiled by a backend.
#ifndef TFTRT_ENGINE_BUILD_ENGINE_H_
#define TFTRT_ENGINE_BUILD_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "engine/network_builder.h"

namespace tftrt {

// `name` names the engine in the log line that reports the build and its time.
StatusOr<std::unique_ptr<Engine>> BuildEngine(const std::string& name, const Graph& segment,
                                              const std::vector<EngineArg>& args,
                                              const BuildOptions& options,
                                              const EngineBackend& backend);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_BUILD_ENGINE_H_
