#include "engine/build_engine.h"

#include <chrono>

#include "common/logging.h"
#include "engine/int8_precision.h"

namespace tftrt {
namespace {

// ", 3 of 4 convolution/matmul layers in INT8": how much of an INT8 engine is integer.
std::string Int8Summary(const EngineNetwork& plan) {
  int int8 = 0;
  int candidates = 0;
  for (const EngineLayer& layer : plan.layer()) {
    int8 += layer.precision() == "INT8";
    candidates += layer.precision() == "INT8" || IsInt8Candidate(layer, plan);
  }
  return ", " + std::to_string(int8) + " of " + std::to_string(candidates) +
         " convolution/matmul layers in INT8";
}

}  // namespace

StatusOr<std::unique_ptr<Engine>> BuildEngine(const std::string& name, const Graph& segment,
                                              const std::vector<EngineArg>& args,
                                              const BuildOptions& options,
                                              const EngineBackend& backend) {
  const auto start = std::chrono::steady_clock::now();
  TFTRT_ASSIGN_OR_RETURN(EngineNetwork plan, BuildNetwork(segment, args, options));
  const int num_layers = plan.layer_size();
  const std::string int8 = options.precision == Precision::kINT8 ? Int8Summary(plan) : "";
  std::string shapes;
  for (const Shape& shape : EngineInputShapes(plan)) shapes += ShapeToString(shape);
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, backend.Compile(std::move(plan)));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  LogInfo("built an " + std::string(PrecisionName(options.precision)) + " engine for '" + name +
          "' on " + backend.target() + " (inputs " + shapes + ", " + std::to_string(num_layers) +
          " layers" + int8 + ") in " + std::to_string(static_cast<int>(ms)) + " ms");
  return engine;
}

}  // namespace tftrt
