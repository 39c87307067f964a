// Kernel choice between whole layer runners: where one layer can run as different sequences
// of kernels (cuBLASLt's matmul then an elementwise GELU pass, or one CUTLASS kernel with
// the GELU in its epilogue), each is timed on scratch tensors of the layer's shapes and the
// fastest kept, as library candidates are (tactics.h); the timing cache remembers the
// winner by the layer's signature.
#ifndef TFTRT_BACKENDS_CUDA_LAYER_CHOICE_H_
#define TFTRT_BACKENDS_CUDA_LAYER_CHOICE_H_

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/layer_runner.h"

namespace tftrt::cuda {

// The candidate ChooseCandidate picks (the first, heuristics-preferred, one when timing is
// off). `names` identify the candidates in the cache and logs; equally many as `candidates`.
StatusOr<std::unique_ptr<LayerRunner>> FastestLayerRunner(
    const LayerSpec& spec, std::vector<std::unique_ptr<LayerRunner>> candidates,
    const std::vector<std::string>& names, const std::string& signature);

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_LAYER_CHOICE_H_
