#include "backends/cuda/layer_choice.h"

#include <algorithm>
#include <map>

#include "backends/cuda/tactics.h"

namespace tftrt::cuda {
namespace {

// Scratch memory for every plan tensor the layer reads or writes, each at its own offset
// (other tensor ids map to offset 0, which no candidate touches), and a workspace.
struct ScratchTensors {
  DeviceBuffer arena, workspace;
  std::vector<size_t> offsets;
};

StatusOr<std::shared_ptr<ScratchTensors>> AllocateScratch(const LayerSpec& spec,
                                                          size_t workspace_bytes) {
  std::map<int, size_t> used;  // tensor id -> bytes
  auto note = [&](const DeviceOperand& operand) {
    if (!operand.is_constant()) used[operand.tensor] = spec.tensors[operand.tensor].bytes;
  };
  for (const DeviceOperand& input : spec.inputs) note(input);
  for (const DeviceOperand& operand : spec.epilogue_operands) note(operand);
  for (int output : spec.outputs) used[output] = spec.tensors[output].bytes;
  auto scratch = std::make_shared<ScratchTensors>();
  scratch->offsets.assign(spec.tensors.size(), 0);
  size_t total = 0;
  for (const auto& [tensor, bytes] : used) {
    scratch->offsets[tensor] = total;
    total += (bytes + 255) / 256 * 256;
  }
  TFTRT_ASSIGN_OR_RETURN(auto buffers,
                         TimingOperands<2>({total, workspace_bytes}, "layer timing operands"));
  scratch->arena = std::move((*buffers)[0]);
  scratch->workspace = std::move((*buffers)[1]);
  return scratch;
}

}  // namespace

StatusOr<std::unique_ptr<LayerRunner>> FastestLayerRunner(
    const LayerSpec& spec, std::vector<std::unique_ptr<LayerRunner>> candidates,
    const std::vector<std::string>& names, const std::string& signature) {
  if (candidates.empty() || candidates.size() != names.size()) {
    return Status::Internal("FastestLayerRunner: " + std::to_string(candidates.size()) +
                            " candidates for " + std::to_string(names.size()) + " names");
  }
  auto setup = [&]() -> StatusOr<CandidateLaunch> {
    size_t workspace = 0;
    for (const auto& candidate : candidates) {
      workspace = std::max(workspace, candidate->workspace_bytes());
    }
    TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<ScratchTensors> scratch,
                           AllocateScratch(spec, workspace));
    return CandidateLaunch([&candidates, &spec, scratch](int index, cudaStream_t stream) {
      const RunBuffers buffers(static_cast<char*>(scratch->arena.data()), scratch->offsets, stream,
                               scratch->workspace.data(), spec.handles);
      return candidates[index]->Enqueue(buffers);
    });
  };
  TFTRT_ASSIGN_OR_RETURN(const int chosen, ChooseCandidate(spec.tactics, signature, names, setup));
  return std::move(candidates[chosen]);
}

}  // namespace tftrt::cuda
