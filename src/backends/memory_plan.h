// Activation memory planning: every tensor of an engine gets an offset in one arena, and
// tensors whose lifetimes do not overlap share bytes. Greedy by size (largest first, each
// at the lowest offset free for its whole lifetime), as TensorRT and TFLite's arena
// planners do; a ResNet50 needs a few of its largest activations, not all of them.
#ifndef TFTRT_BACKENDS_MEMORY_PLAN_H_
#define TFTRT_BACKENDS_MEMORY_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tftrt {

// A buffer that is live from the step that writes it (first) to the last step that reads
// it (last), inclusive. Network inputs are written at a step before the first layer,
// outputs read at one after the last.
struct BufferLifetime {
  size_t bytes = 0;
  int first = 0;
  int last = 0;
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // per buffer, multiples of `alignment`
  size_t arena_bytes = 0;
};

// REQUIRES: alignment is a power of two; first <= last for every buffer.
MemoryPlan PlanMemory(const std::vector<BufferLifetime>& buffers, size_t alignment = 256);

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_MEMORY_PLAN_H_
