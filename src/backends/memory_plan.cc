#include "backends/memory_plan.h"

#include <algorithm>
#include <numeric>

namespace tftrt {
namespace {

size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

bool LifetimesOverlap(const BufferLifetime& a, const BufferLifetime& b) {
  return a.first <= b.last && b.first <= a.last;
}

}  // namespace

MemoryPlan PlanMemory(const std::vector<BufferLifetime>& buffers, size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });
  std::vector<size_t> placed;
  for (size_t index : order) {
    const BufferLifetime& buffer = buffers[index];
    const size_t bytes = AlignUp(buffer.bytes, alignment);
    // The placed buffers live at the same time, by offset: take the first gap that fits.
    std::vector<std::pair<size_t, size_t>> busy;  // [begin, end)
    for (size_t other : placed) {
      if (!LifetimesOverlap(buffer, buffers[other])) continue;
      busy.emplace_back(plan.offsets[other],
                        plan.offsets[other] + AlignUp(buffers[other].bytes, alignment));
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (offset + bytes <= begin) break;
      offset = std::max(offset, end);
    }
    plan.offsets[index] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + bytes);
    placed.push_back(index);
  }
  return plan;
}

}  // namespace tftrt
