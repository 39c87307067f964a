#include "engine/remove_layers.h"

#include <utility>

namespace tftrt {

void RemoveLayers(const std::vector<bool>& removed, EngineNetwork* network) {
  auto* layers = network->mutable_layer();
  google::protobuf::RepeatedPtrField<EngineLayer> kept;
  for (int i = 0; i < layers->size(); ++i) {
    if (!removed[i]) kept.Add(std::move(*layers->Mutable(i)));
  }
  layers->Swap(&kept);
}

}  // namespace tftrt
