// Kernel choice (backends/cuda/tactics.h) without a GPU: the choices an engine was compiled
// with before win over the timing cache and skip the timing, every choice made is recorded
// for the engine's file, and a build that makes no choice records none.
#include "backends/cuda/tactics.h"

#include <gtest/gtest.h>

#include "common/mem_env.h"

namespace tftrt::cuda {
namespace {

const std::vector<std::string> kNames = {"heuristics first", "second", "third"};

// A setup that fails the test if it is called: nothing may be timed.
StatusOr<CandidateLaunch> NoTiming() {
  ADD_FAILURE() << "the candidates were timed";
  return Status::Internal("no timing in this test");
}

TacticOptions Options() {
  TacticOptions options;
  options.max_candidates = 8;
  options.device_key = "test-gpu";
  return options;
}

TEST(TacticsTest, KnownChoiceWinsOverTheCacheAndIsRecorded) {
  MemEnv env;
  TimingCache cache("/cache", &env);
  TacticOptions options = Options();
  ASSERT_TRUE(cache.Record(options.CacheKey("layer"), "second").ok());
  google::protobuf::Map<std::string, std::string> known, made;
  known[options.CacheKey("layer")] = "third";
  options.cache = &cache;
  options.known_choices = &known;
  options.made_choices = &made;
  auto chosen = ChooseCandidate(options, "layer", kNames, NoTiming);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  EXPECT_EQ(*chosen, 2);
  EXPECT_EQ(made.at(options.CacheKey("layer")), "third");
}

TEST(TacticsTest, CacheChoiceIsRecordedWhereNoneIsKnown) {
  MemEnv env;
  TimingCache cache("/cache", &env);
  TacticOptions options = Options();
  ASSERT_TRUE(cache.Record(options.CacheKey("layer"), "second").ok());
  google::protobuf::Map<std::string, std::string> known, made;
  known[options.CacheKey("layer")] = "a kernel this build does not have";
  options.cache = &cache;
  options.known_choices = &known;
  options.made_choices = &made;
  auto chosen = ChooseCandidate(options, "layer", kNames, NoTiming);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  EXPECT_EQ(*chosen, 1);
  EXPECT_EQ(made.at(options.CacheKey("layer")), "second");
}

TEST(TacticsTest, UntimedBuildTakesTheFirstAndRecordsNothing) {
  TacticOptions options = Options();
  options.max_candidates = 1;
  google::protobuf::Map<std::string, std::string> made;
  options.made_choices = &made;
  auto chosen = ChooseCandidate(options, "layer", kNames, NoTiming);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  EXPECT_EQ(*chosen, 0);
  EXPECT_TRUE(made.empty());
}

// cuDNN runners build only the preferred plan where they find it: the known choice first.
TEST(TacticsTest, PreferredChoicesPutTheKnownChoiceBeforeTheCache) {
  MemEnv env;
  TimingCache cache("/cache", &env);
  TacticOptions options = Options();
  EXPECT_TRUE(PreferredChoices(options, "layer").empty());
  options.cache = &cache;
  ASSERT_TRUE(cache.Record(options.CacheKey("layer"), "second").ok());
  EXPECT_EQ(PreferredChoices(options, "layer"), std::vector<std::string>({"second"}));
  google::protobuf::Map<std::string, std::string> known;
  known[options.CacheKey("layer")] = "third";
  options.known_choices = &known;
  EXPECT_EQ(PreferredChoices(options, "layer"), std::vector<std::string>({"third", "second"}));
  EXPECT_TRUE(PreferredChoices(options, "another layer").empty());
}

}  // namespace
}  // namespace tftrt::cuda
