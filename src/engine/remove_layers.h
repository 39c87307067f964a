// Removes the layers that a rewrite of an engine network (fusion, pad folding) folded into
// others, keeping the order of the rest.
#ifndef TFTRT_ENGINE_REMOVE_LAYERS_H_
#define TFTRT_ENGINE_REMOVE_LAYERS_H_

#include <vector>

#include "proto/engine.pb.h"

namespace tftrt {

// REQUIRES: removed.size() == network->layer_size().
void RemoveLayers(const std::vector<bool>& removed, EngineNetwork* network);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_REMOVE_LAYERS_H_
