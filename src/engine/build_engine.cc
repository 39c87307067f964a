#include "engine/build_engine.h"

#include <chrono>

#include "common/logging.h"

namespace tftrt {

StatusOr<std::unique_ptr<Engine>> BuildEngine(const std::string& name, const Graph& segment,
                                              const std::vector<EngineArg>& args,
                                              const BuildOptions& options,
                                              const EngineBackend& backend) {
  const auto start = std::chrono::steady_clock::now();
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork plan, BuildNetwork(segment, args, options));
  const int num_layers = plan.layer_size();
  std::string shapes;
  for (const Shape& shape : EngineInputShapes(plan)) shapes += ShapeToString(shape);
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, backend.Compile(std::move(plan)));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  LogInfo("built an " + std::string(PrecisionName(options.precision)) + " engine for '" + name +
          "' on " + backend.target() + " (inputs " + shapes + ", " + std::to_string(num_layers) +
          " layers) in " + std::to_string(static_cast<int>(ms)) + " ms");
  return engine;
}

}  // namespace tftrt
