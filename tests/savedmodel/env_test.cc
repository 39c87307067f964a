// The same contract tests run against the POSIX Env (in a temporary directory) and MemEnv.
#include "common/env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/mem_env.h"

namespace tftrt {
namespace {

class EnvTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      env_ = &mem_env_;
      root_ = "/mem/root";
      ASSERT_TRUE(env_->CreateDir(root_).ok());
    } else {
      env_ = Env::Default();
      char pattern[] = "/tmp/tftrt_env_test_XXXXXX";
      ASSERT_NE(::mkdtemp(pattern), nullptr);
      root_ = pattern;
    }
  }
  void TearDown() override {
    if (!GetParam()) {
      EXPECT_TRUE(env_->DeleteRecursively(root_).ok());
    }
  }
  std::string Path(const std::string& name) { return JoinPath(root_, name); }

  MemEnv mem_env_;
  Env* env_ = nullptr;
  std::string root_;
};

TEST_P(EnvTest, WriteReadAndSize) {
  const std::string path = Path("file.bin");
  EXPECT_FALSE(env_->FileExists(path));
  std::string data("hello\0world", 11);
  ASSERT_TRUE(env_->WriteStringToFile(path, data).ok());
  EXPECT_TRUE(env_->FileExists(path));
  EXPECT_FALSE(env_->IsDirectory(path));
  EXPECT_EQ(env_->ReadFileToString(path).value(), data);
  EXPECT_EQ(env_->GetFileSize(path).value(), 11u);

  auto file = env_->NewRandomAccessFile(path).value();
  EXPECT_EQ(file->Size(), 11u);
  std::string part;
  ASSERT_TRUE(file->ReadToString(6, 5, &part).ok());
  EXPECT_EQ(part, "world");
  Status past = file->ReadToString(8, 5, &part);
  EXPECT_EQ(past.code(), StatusCode::kOutOfRange);
  EXPECT_NE(past.message().find(path), std::string::npos);

  // Overwrite truncates.
  ASSERT_TRUE(env_->WriteStringToFile(path, "x").ok());
  EXPECT_EQ(env_->ReadFileToString(path).value(), "x");
}

TEST_P(EnvTest, StreamingWrites) {
  const std::string path = Path("big.bin");
  auto file = env_->NewWritableFile(path).value();
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    std::string chunk(static_cast<size_t>(i * 97 % 5000), static_cast<char>(i));
    ASSERT_TRUE(file->Append(chunk).ok());
    expected += chunk;
  }
  ASSERT_TRUE(file->Append(std::string(1 << 17, 'z')).ok());  // larger than any buffer
  expected += std::string(1 << 17, 'z');
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Close().ok());
  EXPECT_EQ(file->path(), path);
  EXPECT_EQ(env_->ReadFileToString(path).value(), expected);
}

TEST_P(EnvTest, ErrorsNameThePath) {
  const std::string missing = Path("no/such/file");
  auto read = env_->ReadFileToString(missing);
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find(missing), std::string::npos);
  Status write = env_->WriteStringToFile(missing, "x");
  EXPECT_FALSE(write.ok());
  EXPECT_NE(write.message().find("no/such"), std::string::npos);
  EXPECT_EQ(env_->GetFileSize(missing).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->GetChildren(missing).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(env_->ReadFileToString(root_).ok());  // a directory
  EXPECT_FALSE(env_->DeleteFile(missing).ok());
  EXPECT_FALSE(env_->RenameFile(missing, Path("x")).ok());
}

TEST_P(EnvTest, DirectoriesAndChildren) {
  ASSERT_TRUE(env_->CreateDir(Path("a/b/c")).ok());
  ASSERT_TRUE(env_->CreateDir(Path("a/b/c")).ok());  // exists: fine
  EXPECT_TRUE(env_->IsDirectory(Path("a/b")));
  ASSERT_TRUE(env_->WriteStringToFile(Path("a/z.txt"), "z").ok());
  ASSERT_TRUE(env_->WriteStringToFile(Path("a/b/y.txt"), "y").ok());
  EXPECT_EQ(env_->GetChildren(Path("a")).value(), (std::vector<std::string>{"b", "z.txt"}));
  EXPECT_EQ(env_->GetChildren(Path("a/b/c")).value(), std::vector<std::string>{});
  EXPECT_FALSE(env_->CreateDir(Path("a/z.txt/q")).ok());  // a file is in the way

  ASSERT_TRUE(env_->DeleteFile(Path("a/z.txt")).ok());
  EXPECT_FALSE(env_->FileExists(Path("a/z.txt")));
  ASSERT_TRUE(env_->DeleteRecursively(Path("a")).ok());
  EXPECT_FALSE(env_->FileExists(Path("a")));
  EXPECT_FALSE(env_->FileExists(Path("a/b/y.txt")));
  EXPECT_TRUE(env_->DeleteRecursively(Path("a")).ok());  // missing: fine
}

TEST_P(EnvTest, RenameFilesAndDirectories) {
  ASSERT_TRUE(env_->WriteStringToFile(Path("f1"), "one").ok());
  ASSERT_TRUE(env_->WriteStringToFile(Path("f2"), "two").ok());
  ASSERT_TRUE(env_->RenameFile(Path("f1"), Path("f2")).ok());  // replaces
  EXPECT_FALSE(env_->FileExists(Path("f1")));
  EXPECT_EQ(env_->ReadFileToString(Path("f2")).value(), "one");

  ASSERT_TRUE(env_->CreateDir(Path("d/sub")).ok());
  ASSERT_TRUE(env_->WriteStringToFile(Path("d/sub/x"), "x").ok());
  ASSERT_TRUE(env_->RenameFile(Path("d"), Path("e")).ok());
  EXPECT_FALSE(env_->FileExists(Path("d")));
  EXPECT_EQ(env_->ReadFileToString(Path("e/sub/x")).value(), "x");

  // Onto an empty directory: replaced. Onto a non-empty one: refused.
  ASSERT_TRUE(env_->CreateDir(Path("empty")).ok());
  ASSERT_TRUE(env_->RenameFile(Path("e"), Path("empty")).ok());
  EXPECT_EQ(env_->ReadFileToString(Path("empty/sub/x")).value(), "x");
  ASSERT_TRUE(env_->CreateDir(Path("other")).ok());
  ASSERT_TRUE(env_->WriteStringToFile(Path("other/y"), "y").ok());
  EXPECT_FALSE(env_->RenameFile(Path("other"), Path("empty")).ok());
}

INSTANTIATE_TEST_SUITE_P(PosixAndMem, EnvTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "MemEnv" : "Posix"; });

TEST(PathTest, JoinDirBase) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("a/b/"), "a");
  EXPECT_EQ(DirName("b"), "");
  EXPECT_EQ(DirName("/b"), "/");
  EXPECT_EQ(BaseName("a/b"), "b");
  EXPECT_EQ(BaseName("a/b/"), "b");
  EXPECT_EQ(BaseName("b"), "b");
}

TEST(PathTest, PathWithin) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("tftrt_path_within_" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "model");
  std::filesystem::create_directory_symlink(root / "model", root / "link");
  const std::string model = (root / "model").string();
  EXPECT_TRUE(PathWithin(model, model));
  EXPECT_TRUE(PathWithin(model + "/", model));
  EXPECT_TRUE(PathWithin(model + "/out/x", model));
  EXPECT_TRUE(PathWithin(model, root.string()));
  EXPECT_TRUE(PathWithin((root / "link" / "out").string(), model));  // through the link
  EXPECT_TRUE(PathWithin(root.string() + "/./model/../model/out", model));
  EXPECT_FALSE(PathWithin(model + "_trt", model));
  EXPECT_FALSE(PathWithin(root.string(), model));
  EXPECT_FALSE(PathWithin((root / "other").string(), model));
  std::filesystem::remove_all(root);
}

TEST(MemEnvTest, FaultInjectionAndCorruption) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDir("d").ok());
  ASSERT_TRUE(env.WriteStringToFile("d/f", "abc").ok());
  ASSERT_TRUE(env.CorruptByte("d/f", 1, 0xff).ok());
  EXPECT_EQ(env.ReadFileToString("d/f").value(), std::string("a\x9d"
                                                             "c"));
  ASSERT_TRUE(env.Truncate("d/f", 1).ok());
  EXPECT_EQ(env.ReadFileToString("d/f").value(), "a");
  EXPECT_EQ(env.ListAllFiles(), std::vector<std::string>{"d/f"});

  env.SetFaultHook([](std::string_view op, const std::string& path) {
    if (op == "write" && path.find("full") != std::string::npos) {
      return Status::Internal("injected: disk full writing '" + path + "'");
    }
    return Status::Ok();
  });
  EXPECT_TRUE(env.WriteStringToFile("d/ok", "x").ok());
  Status full = env.WriteStringToFile("d/full", "x");
  EXPECT_EQ(full.code(), StatusCode::kInternal);
  env.SetFaultHook(nullptr);
  EXPECT_TRUE(env.WriteStringToFile("d/full", "x").ok());

  // A reader sees a snapshot; a writer keeps writing to a renamed file.
  auto reader = env.NewRandomAccessFile("d/ok").value();
  auto writer = env.NewWritableFile("d/w").value();
  ASSERT_TRUE(env.RenameFile("d/w", "d/w2").ok());
  ASSERT_TRUE(writer->Append("late").ok());
  EXPECT_EQ(env.ReadFileToString("d/w2").value(), "late");
  ASSERT_TRUE(env.WriteStringToFile("d/ok", "changed").ok());
  std::string got;
  ASSERT_TRUE(reader->ReadToString(0, 1, &got).ok());
  EXPECT_EQ(got, "x");
}

}  // namespace
}  // namespace tftrt
