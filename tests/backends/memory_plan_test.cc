// The activation arena planner: buffers that live at the same time never share bytes,
// and buffers that do not are packed into less than the sum of their sizes.
#include "backends/memory_plan.h"

#include <gtest/gtest.h>

#include <random>

namespace tftrt {
namespace {

bool Overlap(const BufferLifetime& a, size_t a_offset, const BufferLifetime& b, size_t b_offset) {
  const bool in_time = a.first <= b.last && b.first <= a.last;
  const bool in_space = a_offset < b_offset + b.bytes && b_offset < a_offset + a.bytes;
  return in_time && in_space && a.bytes > 0 && b.bytes > 0;
}

void ExpectValid(const std::vector<BufferLifetime>& buffers, const MemoryPlan& plan) {
  ASSERT_EQ(plan.offsets.size(), buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % 256, 0u) << i;
    EXPECT_LE(plan.offsets[i] + buffers[i].bytes, plan.arena_bytes) << i;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      EXPECT_FALSE(Overlap(buffers[i], plan.offsets[i], buffers[j], plan.offsets[j]))
          << "buffers " << i << " and " << j;
    }
  }
}

TEST(MemoryPlanTest, AChainReusesMemory) {
  // x -> a -> b -> c -> y, each read only by the next layer: two buffers at a time.
  std::vector<BufferLifetime> chain;
  for (int i = 0; i < 5; ++i) chain.push_back({1000, i - 1, i});
  const MemoryPlan plan = PlanMemory(chain);
  ExpectValid(chain, plan);
  EXPECT_EQ(plan.arena_bytes, 2 * 1024u);
}

TEST(MemoryPlanTest, BuffersLiveTogetherGetDisjointBytes) {
  const std::vector<BufferLifetime> buffers = {{300, 0, 5}, {300, 1, 2}, {10, 2, 6}, {0, 0, 9}};
  const MemoryPlan plan = PlanMemory(buffers);
  ExpectValid(buffers, plan);
}

TEST(MemoryPlanTest, RandomLifetimesNeverOverlap) {
  std::mt19937 random(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<BufferLifetime> buffers;
    size_t total = 0;
    for (int i = 0; i < 60; ++i) {
      const int first = static_cast<int>(random() % 40) - 1;
      const size_t bytes = random() % 100000;
      buffers.push_back({bytes, first, first + static_cast<int>(random() % 8)});
      total += (bytes + 255) / 256 * 256;
    }
    const MemoryPlan plan = PlanMemory(buffers);
    ExpectValid(buffers, plan);
    EXPECT_LE(plan.arena_bytes, total);
  }
}

}  // namespace
}  // namespace tftrt
