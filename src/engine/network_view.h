// NetworkView: who writes and who reads each tensor of an engine network, for the rewrites
// that match patterns of layers (engine/gelu_folding.h, engine/layer_norm_folding.h), and
// the small questions they ask: is this tensor the output of layer op X, read only inside
// the pattern, is that operand the scalar weight c.
#ifndef TFTRT_ENGINE_NETWORK_VIEW_H_
#define TFTRT_ENGINE_NETWORK_VIEW_H_

#include <map>
#include <optional>
#include <vector>

#include "proto/engine.pb.h"
#include "tftrt/tensor.h"

namespace tftrt {

class NetworkView {
 public:
  // Snapshot of `network`; rewrites that change layers make a new view.
  explicit NetworkView(const EngineNetwork& network);

  // The index of the layer that writes `tensor` with op `op` (any op when empty), or -1
  // (a network input, or another op).
  int Producer(int tensor, const std::string& op = "") const;
  // How many layer inputs read `tensor`; a network output counts as a reader too.
  int Readers(int tensor) const;

  const EngineLayer& layer(int index) const { return network_.layer(index); }
  // A tensor's dims as the plan records them.
  std::vector<int64_t> Dims(int tensor) const;

 private:
  const EngineNetwork& network_;
  std::map<int, int> producer_;
  std::map<int, int> readers_;
};

// The index of the input of a two-input layer that is a tensor when the other is a weight;
// -1 unless exactly one of the two is a tensor.
int TensorInputOfBinary(const EngineLayer& layer);

// The values of a float weight operand (float32 or half) as float32, in its shape; nullopt
// for a tensor operand or another dtype.
std::optional<Tensor> FloatWeight(const EngineOperand& operand);
// The value of a weight operand that holds one float (float32 or half, any rank of size 1).
std::optional<float> ScalarWeight(const EngineOperand& operand);
// The values of a float weight operand whose dims are all 1 but the last (a vector along
// the last dim), as a float32 [n]; nullopt otherwise.
std::optional<Tensor> LastDimVectorWeight(const EngineOperand& operand);

}  // namespace tftrt

#endif  // TFTRT_ENGINE_NETWORK_VIEW_H_
