// Models made from graphs in memory rather than read from a directory: the converter's
// converted function (include/tftrt/converter.h) is one. Model::Load goes through here too.
#ifndef TFTRT_RUNTIME_MODEL_FACTORY_H_
#define TFTRT_RUNTIME_MODEL_FACTORY_H_

#include <memory>
#include <string>

#include "graph/graph.h"
#include "runtime/engine_cache.h"
#include "tftrt/model.h"

namespace tftrt {

class ModelFactory {
 public:
  // A model running `graph` (args = signature inputs, rets = outputs) with `functions`
  // and the engine caches of its engine nodes. Checks that every op has a kernel.
  static StatusOr<std::unique_ptr<Model>> FromGraph(std::string signature_key,
                                                    std::shared_ptr<const Graph> graph,
                                                    std::shared_ptr<const FunctionGraphs> functions,
                                                    std::shared_ptr<EngineCaches> engine_caches);
};

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_MODEL_FACTORY_H_
