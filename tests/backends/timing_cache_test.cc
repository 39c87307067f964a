// The timing cache file: entries survive a reload, concurrent savers keep each other's
// entries, bad files are ignored rather than fatal, and the path follows the documented order.
#include "backends/timing_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/mem_env.h"

namespace tftrt {
namespace {

constexpr char kPath[] = "/cache/tftrt/timing-cache";

TEST(TimingCacheTest, EntriesSurviveAReload) {
  MemEnv env;
  TimingCache cache(kPath, &env);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Find("conv a").has_value());
  ASSERT_TRUE(cache.Record("conv a", "eng0_k2=1").ok());
  ASSERT_TRUE(cache.Record("matmul b", "algo 7 tile 3").ok());
  EXPECT_EQ(cache.Find("conv a").value_or(""), "eng0_k2=1");
  ASSERT_TRUE(cache.Save().ok());  // creates /cache/tftrt

  TimingCache reloaded(kPath, &env);
  EXPECT_EQ(reloaded.size(), 2u);
  EXPECT_EQ(reloaded.Find("conv a").value_or(""), "eng0_k2=1");
  EXPECT_EQ(reloaded.Find("matmul b").value_or(""), "algo 7 tile 3");
  EXPECT_EQ(env.ListAllFiles(), std::vector<std::string>{kPath});  // no temp file left
}

TEST(TimingCacheTest, SaveKeepsWhatAnotherProcessSavedMeanwhile) {
  MemEnv env;
  TimingCache first(kPath, &env);
  TimingCache second(kPath, &env);
  ASSERT_TRUE(first.Record("a", "1").ok());
  ASSERT_TRUE(second.Record("b", "2").ok());
  ASSERT_TRUE(second.Record("a", "3").ok());
  ASSERT_TRUE(second.Save().ok());
  ASSERT_TRUE(first.Save().ok());  // its "a" wins, "b" stays
  TimingCache reloaded(kPath, &env);
  EXPECT_EQ(reloaded.Find("a").value_or(""), "1");
  EXPECT_EQ(reloaded.Find("b").value_or(""), "2");
}

TEST(TimingCacheTest, MalformedFilesAreIgnored) {
  for (const char* text : {"", "not a cache\n", "tftrt timing cache 1\nno tab here\n",
                           "tftrt timing cache 1\na\tb\tc\n", "tftrt timing cache 1\n\tb\n"}) {
    MemEnv env;
    ASSERT_TRUE(env.CreateDir("/cache").ok());
    ASSERT_TRUE(env.WriteStringToFile("/cache/t", text).ok());
    TimingCache cache("/cache/t", &env);
    EXPECT_EQ(cache.size(), 0u) << text;
    ASSERT_TRUE(cache.Record("k", "v").ok());
    ASSERT_TRUE(cache.Save().ok()) << text;  // replaces the bad file
    EXPECT_EQ(TimingCache("/cache/t", &env).Find("k").value_or(""), "v") << text;
  }
}

TEST(TimingCacheTest, RefusesSeparatorsInEntries) {
  MemEnv env;
  TimingCache cache(kPath, &env);
  EXPECT_EQ(cache.Record("a\tb", "c").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.Record("a", "c\nd").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.Record("", "c").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TimingCacheTest, AFailedSaveSaysWhichFile) {
  MemEnv env;
  env.SetFaultHook([](std::string_view operation, const std::string&) {
    return operation == "rename" ? Status::Internal("injected") : Status::Ok();
  });
  TimingCache cache(kPath, &env);
  ASSERT_TRUE(cache.Record("a", "1").ok());
  const Status saved = cache.Save();
  EXPECT_FALSE(saved.ok());
  EXPECT_NE(saved.message().find(kPath), std::string::npos) << saved.message();
  env.SetFaultHook(nullptr);
  EXPECT_EQ(env.ListAllFiles(), std::vector<std::string>{});  // the temp file is gone
  ASSERT_TRUE(cache.Save().ok());  // still pending: the next save writes it
  EXPECT_EQ(TimingCache(kPath, &env).Find("a").value_or(""), "1");
}

TEST(TimingCacheTest, PathOrder) {
  unsetenv("TFTRT_TIMING_CACHE");
  setenv("HOME", "/home/u", 1);
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(TimingCachePath(), "/home/u/.cache/tftrt/timing-cache");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(TimingCachePath(), "/xdg/tftrt/timing-cache");
  setenv("TFTRT_TIMING_CACHE", "/env/cache", 1);
  EXPECT_EQ(TimingCachePath(), "/env/cache");
  setenv("TFTRT_TIMING_CACHE", "off", 1);
  EXPECT_EQ(TimingCachePath(), "");
  EXPECT_EQ(ProcessTimingCache(), nullptr);
  SetTimingCachePath("/flag/cache");
  EXPECT_EQ(TimingCachePath(), "/flag/cache");
  SetTimingCachePath("off");
  EXPECT_EQ(TimingCachePath(), "");
}

}  // namespace
}  // namespace tftrt
