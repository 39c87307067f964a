// Fault injection through Env: every I/O call of a save and of a load, failed in turn.
//
// Each scenario runs once under a recording hook (MemEnv::SetFaultHook) to learn its
// sequence of I/O calls, then once per call index i and fault kind with call i failing:
//   - "ENOSPC": call i fails with "No space left on device", the rest succeed;
//   - "EIO": call i fails with "Input/output error", the rest succeed;
//   - "crash": call i and every later one fail, as if the process died at call i (its own
//     clean-up cannot run either); afterwards a fresh save of the same output must succeed
//     and leave exactly one complete model.
// A failed save must return an error naming the output, leave the output absent (a new
// output) or the complete old model (an overwrite), byte for byte, leave the input
// untouched and nothing else behind but a crash's temporary directory. Errors after the
// commit point (syncing the parent directory, removing the previous model) say that the
// model was written, and then the output must be the complete new model. A failed load
// must return an error naming the file, never a partially loaded model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "common/mem_env.h"
#include "graph/load_signature.h"
#include "saved_model_test_util.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/saved_model_writer.h"
#include "testing/fixtures.h"
#include "tftrt/converter.h"

namespace tftrt {
namespace {

namespace fs = std::filesystem;

enum class FaultKind { kNoSpace, kIoError, kCrash };
constexpr FaultKind kAllKinds[] = {FaultKind::kNoSpace, FaultKind::kIoError, FaultKind::kCrash};

const char* KindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNoSpace:
      return "ENOSPC";
    case FaultKind::kIoError:
      return "EIO";
    case FaultKind::kCrash:
      return "crash";
  }
  return "?";
}

struct IoCall {
  std::string operation;
  std::string path;
};

// Records every I/O call reported to the hook and fails those the plan says, with an
// error that names the path as the POSIX Env's do.
class FaultPlan {
 public:
  // Records only.
  FaultPlan() = default;
  FaultPlan(size_t index, FaultKind kind) : index_(index), kind_(kind), armed_(true) {}

  void Install(MemEnv* env) {
    env->SetFaultHook([this](std::string_view operation, const std::string& path) {
      return OnCall(operation, path);
    });
  }

  const std::vector<IoCall>& calls() const { return calls_; }
  // The call that was failed first (the one the plan targets).
  bool faulted() const { return faulted_; }
  const IoCall& faulted_call() const { return faulted_call_; }

 private:
  Status OnCall(std::string_view operation, const std::string& path) {
    const size_t index = calls_.size();
    calls_.push_back({std::string(operation), path});
    const bool fail = armed_ && (index == index_ || (kind_ == FaultKind::kCrash && index > index_));
    if (!fail) return Status::Ok();
    if (!faulted_) faulted_call_ = calls_.back();
    faulted_ = true;
    const std::string reason =
        kind_ == FaultKind::kNoSpace ? "No space left on device" : "Input/output error";
    return Status::Internal("cannot " + std::string(operation) + " '" + path + "': " + reason +
                            " (injected)");
  }

  size_t index_ = 0;
  FaultKind kind_ = FaultKind::kIoError;
  bool armed_ = false;
  std::vector<IoCall> calls_;
  bool faulted_ = false;
  IoCall faulted_call_;
};

// path -> contents of every file at or below `dir` ("": all files), read with no hook
// installed.
using FileMap = std::map<std::string, std::string>;
FileMap FilesUnder(MemEnv& env, const std::string& dir) {
  FileMap files;
  for (const std::string& path : env.ListAllFiles()) {
    if (dir.empty() || path == dir || path.starts_with(dir + "/")) {
      files[path] = env.ReadFileToString(path).value();
    }
  }
  return files;
}

// The names in `dir`; none if it does not exist (a save that failed before creating it).
std::vector<std::string> Children(MemEnv& env, const std::string& dir) {
  auto children = env.GetChildren(dir);
  return children.ok() ? *children : std::vector<std::string>();
}

// The same files, renamed from below `from` to below `to`.
FileMap Rebased(const FileMap& files, const std::string& from, const std::string& to) {
  FileMap out;
  for (const auto& [path, data] : files) out[to + path.substr(from.size())] = data;
  return out;
}

std::string Describe(const std::vector<IoCall>& calls) {
  std::map<std::string, int> by_operation;
  for (const IoCall& call : calls) ++by_operation[call.operation];
  std::string text;
  for (const auto& [operation, count] : by_operation) {
    text += (text.empty() ? "" : ", ") + operation + " " + std::to_string(count);
  }
  return text;
}

constexpr char kParent[] = "out";
constexpr char kOutput[] = "out/m";

// A save under test: `reset` puts the MemEnv in the state before the save (the input, and
// the old model for an overwrite), `save` saves to kOutput.
struct SaveScenario {
  std::string name;
  bool overwrite = false;
  std::function<void(MemEnv&)> reset;
  std::function<Status(MemEnv&, bool overwrite)> save;
  // Paths the save must leave untouched (the input model), compared byte for byte.
  std::string input_dir;
};

// Renames the crash's leftovers as if their writer had died: the pid in their names becomes
// one no process has, so the next save may clean them up.
void MarkWritersDead(MemEnv& env) {
  const std::string own = "." + BaseName(kOutput) + ".tftrt-";
  const std::string pid = "-" + std::to_string(::getpid()) + "-";
  for (const std::string& name : Children(env, kParent)) {
    const size_t at = name.find(pid);
    if (!name.starts_with(own) || at == std::string::npos) continue;
    const std::string dead =
        name.substr(0, at) + "-" + std::to_string(INT_MAX) + "-" + name.substr(at + pid.size());
    ASSERT_TRUE(env.RenameFile(JoinPath(kParent, name), JoinPath(kParent, dead)).ok()) << name;
  }
}

// What the output holds after a failed save: the state before, or (after the commit point)
// the new model; for a crash of the fallback swap, the old model may sit moved aside.
void CheckFailedSave(MemEnv& env, const SaveScenario& scenario, const Status& status,
                     FaultKind kind, const FileMap& old_output, const FileMap& new_output,
                     const FileMap& input, const std::string& where) {
  if (status.ok()) {
    ADD_FAILURE() << where << ": the save succeeded";
    return;
  }
  EXPECT_NE(status.message().find("'" + std::string(kOutput) + "'"), std::string::npos)
      << where << ": " << status.ToString();
  EXPECT_EQ(FilesUnder(env, scenario.input_dir), input) << where << ": the input changed";

  const bool committed = status.message().find("was written, but") != std::string::npos;
  const FileMap output = FilesUnder(env, kOutput);
  std::vector<std::string> leftovers;
  for (const std::string& name : Children(env, kParent)) {
    if (name != BaseName(kOutput)) leftovers.push_back(name);
  }
  if (committed) {
    EXPECT_EQ(output, new_output) << where << ": committed, but the output is not the new model";
  } else if (output != old_output) {
    // Only a crash between the two renames of the fallback swap leaves the output missing,
    // with the complete old model moved aside (the next save restores it).
    const bool moved_aside =
        kind == FaultKind::kCrash && output.empty() && !env.FileExists(kOutput) &&
        std::any_of(leftovers.begin(), leftovers.end(), [&](const std::string& name) {
          return name.find(".tftrt-old-") != std::string::npos &&
                 Rebased(FilesUnder(env, JoinPath(kParent, name)), JoinPath(kParent, name),
                         kOutput) == old_output;
        });
    EXPECT_TRUE(moved_aside) << where << ": the output is neither the old model nor absent ("
                             << output.size() << " files): " << status.ToString();
  }
  if (!scenario.overwrite && !committed && kind != FaultKind::kCrash) {
    EXPECT_FALSE(env.FileExists(kOutput)) << where;
  }
  // A previous model that could not be removed after the commit is named by the error.
  const bool kept_previous =
      status.message().find("previous contents could not be removed") != std::string::npos;
  for (const std::string& name : leftovers) {
    const bool crash_leftover = kind == FaultKind::kCrash && name.starts_with(".m.tftrt-");
    const bool named = kept_previous && status.message().find(name) != std::string::npos;
    EXPECT_TRUE(crash_leftover || named) << where << ": left behind '" << name << "'";
  }
}

// After a crash: the process is gone, the next save of the same output succeeds and leaves
// exactly one complete model.
void CheckSaveAfterCrash(MemEnv& env, const SaveScenario& scenario, const FileMap& new_output,
                         const std::string& where) {
  MarkWritersDead(env);
  ::testing::internal::CaptureStderr();
  const Status again = scenario.save(env, /*overwrite=*/true);
  ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(again.ok()) << where << ": the save after the crash failed: " << again.ToString();
  EXPECT_EQ(Children(env, kParent), std::vector<std::string>{BaseName(kOutput)}) << where;
  EXPECT_EQ(FilesUnder(env, kOutput), new_output) << where;
}

// Runs `scenario` with each of its I/O calls failed in turn, with each fault kind. Returns
// the number of calls enumerated.
size_t EnumerateSaveFaults(MemEnv& env, const SaveScenario& scenario) {
  scenario.reset(env);
  const FileMap old_output = FilesUnder(env, kOutput);
  const FileMap input = FilesUnder(env, scenario.input_dir);
  FaultPlan recorder;
  recorder.Install(&env);
  const Status clean = scenario.save(env, scenario.overwrite);
  env.SetFaultHook(nullptr);
  EXPECT_TRUE(clean.ok()) << scenario.name << ": " << clean.ToString();
  const FileMap new_output = FilesUnder(env, kOutput);
  EXPECT_FALSE(new_output.empty());
  EXPECT_NE(new_output, old_output);
  const std::vector<IoCall> calls = recorder.calls();

  for (size_t i = 0; i < calls.size(); ++i) {
    for (FaultKind kind : kAllKinds) {
      const std::string where = scenario.name + ", " + KindName(kind) + " at I/O call " +
                                std::to_string(i) + " (" + calls[i].operation + " '" +
                                calls[i].path + "')";
      scenario.reset(env);
      FaultPlan plan(i, kind);
      plan.Install(&env);
      ::testing::internal::CaptureStderr();
      const Status status = scenario.save(env, scenario.overwrite);
      ::testing::internal::GetCapturedStderr();
      env.SetFaultHook(nullptr);
      EXPECT_TRUE(plan.faulted()) << where << ": the call was not made";
      EXPECT_EQ(plan.faulted_call().operation, calls[i].operation) << where;
      CheckFailedSave(env, scenario, status, kind, old_output, new_output, input, where);
      if (kind == FaultKind::kCrash) CheckSaveAfterCrash(env, scenario, new_output, where);
      if (::testing::Test::HasFatalFailure()) return calls.size();
    }
  }
  std::cout << "[fault injection] " << scenario.name << ": " << calls.size() << " I/O calls ("
            << Describe(calls) << "), each failed as ENOSPC, EIO and a crash" << std::endl;
  return calls.size();
}

// A clean MemEnv state for the writer scenarios: nothing but, for an overwrite, the old
// model (SmallModel with another bias) at the output.
void ResetTo(MemEnv& env, bool with_old_model) {
  env.SetFaultHook(nullptr);
  ASSERT_TRUE(env.DeleteRecursively(kParent).ok());
  if (!with_old_model) return;
  SavedModelContents old_model = testing::SmallModel();
  old_model.variables[1].second = Tensor::Scalar<float>(-7);
  old_model.assets[0].second = "old\n";
  ASSERT_TRUE(WriteSavedModel(&env, kOutput, old_model).ok());
}

Status SaveSmallModel(MemEnv& env, bool overwrite) {
  return WriteSavedModel(&env, kOutput, testing::SmallModel(), {.overwrite = overwrite});
}

SaveScenario WriterScenario(bool overwrite) {
  return {.name = overwrite ? "WriteSavedModel over an existing model"
                            : "WriteSavedModel to a new output",
          .overwrite = overwrite,
          .reset = [overwrite](MemEnv& env) { ResetTo(env, overwrite); },
          .save = SaveSmallModel,
          .input_dir = "in"};
}

TEST(FaultInjectionTest, SaveToNewOutput) {
  MemEnv env;
  EXPECT_GT(EnumerateSaveFaults(env, WriterScenario(false)), 0u);
}

TEST(FaultInjectionTest, OverwritingSave) {
  MemEnv env;
  EXPECT_GT(EnumerateSaveFaults(env, WriterScenario(true)), 0u);
}

// Where the file system cannot exchange two directories atomically, the old model is
// renamed aside: a crash between the two renames must be repaired by the next save.
TEST(FaultInjectionTest, OverwritingSaveWithoutAtomicExchange) {
  MemEnv env;
  env.SetExchangeSupported(false);
  SaveScenario scenario = WriterScenario(true);
  scenario.name += " (no RENAME_EXCHANGE)";
  EXPECT_GT(EnumerateSaveFaults(env, scenario), 0u);
}

// The next save puts back a model that a writer killed between its renames left aside.
TEST(FaultInjectionTest, NextSaveRestoresAModelMovedAside) {
  MemEnv env;
  ResetTo(env, /*with_old_model=*/true);
  const FileMap old_output = FilesUnder(env, kOutput);
  const std::string aside = "out/.m.tftrt-old-" + std::to_string(INT_MAX) + "-1-0";
  ASSERT_TRUE(env.RenameFile(kOutput, aside).ok());
  // A save that does not get as far as replacing the model (it is refused) still restores.
  ::testing::internal::CaptureStderr();
  const Status refused = SaveSmallModel(env, /*overwrite=*/false);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists) << refused.ToString();
  EXPECT_NE(log.find("restored 'out/m' from '" + aside + "'"), std::string::npos) << log;
  EXPECT_EQ(FilesUnder(env, kOutput), old_output);
  EXPECT_EQ(Children(env, kParent), std::vector<std::string>{"m"});
}

// Copies the directory tree at `from` on disk to `to` in `env`.
void CopyToMemEnv(const fs::path& from, MemEnv& env, const std::string& to) {
  ASSERT_TRUE(env.CreateDir(to).ok());
  for (const auto& entry : fs::directory_iterator(from)) {
    const std::string target = JoinPath(to, entry.path().filename().string());
    if (entry.is_directory()) {
      CopyToMemEnv(entry.path(), env, target);
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream data;
    data << in.rdbuf();
    ASSERT_TRUE(env.WriteStringToFile(target, data.str()).ok()) << target;
  }
}

std::string CnnModelDir() { return testing::FixturesDir() + "/cnn/model"; }

// The converter's save (Converter::Save, the path users take) of the converted cnn
// fixture, read from and written to the MemEnv.
TEST(FaultInjectionTest, ConverterSave) {
  if (!fs::is_directory(CnnModelDir())) GTEST_SKIP() << CnnModelDir() << " is absent";
  MemEnv env;
  CopyToMemEnv(CnnModelDir(), env, "in/cnn");
  ConverterOptions options;
  options.input_saved_model_dir = "in/cnn";
  options.env = &env;
  auto converter = Converter::Create(options);
  ASSERT_TRUE(converter.ok()) << converter.status().ToString();
  ASSERT_TRUE(converter->Convert().ok());
  for (bool overwrite : {false, true}) {
    const SaveScenario scenario = {
        .name = overwrite ? "Converter::Save over an existing model"
                          : "Converter::Save to a new output",
        .overwrite = overwrite,
        .reset = [overwrite](MemEnv& env) { ResetTo(env, overwrite); },
        .save = [&](MemEnv&, bool overwrite) { return converter->Save(kOutput, overwrite); },
        .input_dir = "in/cnn"};
    EXPECT_GT(EnumerateSaveFaults(env, scenario), 0u);
  }
}

// A load under test; what it returns is only its status (a loaded model is dropped).
using LoadFn = std::function<Status(MemEnv&)>;

// Runs `load` with each of its I/O calls failed in turn, with each fault kind: each must
// give an error that names the file of the failed call. Returns the number of calls.
size_t EnumerateLoadFaults(MemEnv& env, const std::string& name, const LoadFn& load) {
  FaultPlan recorder;
  recorder.Install(&env);
  const Status clean = load(env);
  env.SetFaultHook(nullptr);
  EXPECT_TRUE(clean.ok()) << name << ": " << clean.ToString();
  const FileMap before = FilesUnder(env, "");
  const std::vector<IoCall> calls = recorder.calls();
  for (size_t i = 0; i < calls.size(); ++i) {
    for (FaultKind kind : kAllKinds) {
      const std::string where = name + ", " + KindName(kind) + " at I/O call " + std::to_string(i) +
                                " (" + calls[i].operation + " '" + calls[i].path + "')";
      FaultPlan plan(i, kind);
      plan.Install(&env);
      const Status status = load(env);
      env.SetFaultHook(nullptr);
      EXPECT_TRUE(plan.faulted()) << where << ": the call was not made";
      EXPECT_FALSE(status.ok()) << where << ": the load succeeded";
      if (status.ok()) continue;
      EXPECT_NE(status.message().find(calls[i].path), std::string::npos)
          << where << ": the error does not name the file: " << status.ToString();
    }
  }
  EXPECT_EQ(FilesUnder(env, ""), before) << name << ": a load changed files";
  std::cout << "[fault injection] " << name << ": " << calls.size() << " I/O calls ("
            << Describe(calls) << "), each failed as ENOSPC, EIO and a crash" << std::endl;
  return calls.size();
}

// ReadSavedModel of what the writer wrote, then every checkpoint tensor read.
TEST(FaultInjectionTest, ReadSavedModelAndItsVariables) {
  MemEnv env;
  ASSERT_TRUE(SaveSmallModel(env, false).ok());
  const size_t calls =
      EnumerateLoadFaults(env, "ReadSavedModel + every variable", [](MemEnv& env) -> Status {
        TFTRT_ASSIGN_OR_RETURN(SavedModelBundle bundle, ReadSavedModel(&env, kOutput));
        if (!bundle.variables) return Status::Internal("no variables were read");
        for (const auto& info : bundle.variables->List()) {
          TFTRT_RETURN_IF_ERROR(bundle.variables->Read(info.key).status());
        }
        return Status::Ok();
      });
  EXPECT_GT(calls, 0u);
}

// LoadSignature (what Model::Load and Converter::Create do first) of the cnn fixture.
TEST(FaultInjectionTest, LoadSignatureOfAFixture) {
  if (!fs::is_directory(CnnModelDir())) GTEST_SKIP() << CnnModelDir() << " is absent";
  MemEnv env;
  CopyToMemEnv(CnnModelDir(), env, "in/cnn");
  const size_t calls = EnumerateLoadFaults(env, "LoadSignature", [](MemEnv& env) -> Status {
    return LoadSignature(&env, "in/cnn", "serving_default", {"serve"}).status();
  });
  EXPECT_GT(calls, 0u);
}

// Every operation of Env that can fail reaches the hook, with the path it acts on.
TEST(FaultInjectionTest, HookSeesEveryOperation) {
  MemEnv env;
  FaultPlan recorder;
  recorder.Install(&env);
  ASSERT_TRUE(env.CreateDir("d/e").ok());
  auto file = env.NewWritableFile("d/f");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("abc").ok());
  ASSERT_TRUE((*file)->Flush().ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  ASSERT_TRUE(env.SyncDirectory("d").ok());
  ASSERT_TRUE(env.GetFileSize("d/f").ok());
  ASSERT_TRUE(env.GetChildren("d").ok());
  auto reader = env.NewRandomAccessFile("d/f");
  ASSERT_TRUE(reader.ok());
  char byte;
  ASSERT_TRUE((*reader)->Read(0, 1, &byte).ok());
  ASSERT_TRUE(env.RenameFile("d/f", "d/g").ok());
  ASSERT_TRUE(env.ExchangePaths("d/g", "d/e").ok());
  ASSERT_TRUE(env.DeleteFile("d/e").ok());
  ASSERT_TRUE(env.DeleteRecursively("d").ok());
  std::vector<std::string> seen;
  for (const IoCall& call : recorder.calls()) seen.push_back(call.operation + " " + call.path);
  EXPECT_EQ(seen, (std::vector<std::string>{"create_dir d/e", "write d/f", "write d/f", "flush d/f",
                                            "sync d/f", "close d/f", "sync_dir d", "stat d/f",
                                            "list d", "read d/f", "read d/f", "rename d/f",
                                            "exchange d/g", "delete d/e", "delete d"}));
  env.SetFaultHook(nullptr);
  EXPECT_FALSE(env.FileExists("d"));
}

// MemEnv's exchange swaps whole trees; the POSIX Env's does too (renameat2), and syncs
// directories.
TEST(FaultInjectionTest, ExchangeAndSyncDirectory) {
  MemEnv mem;
  ASSERT_TRUE(mem.CreateDir("a/x").ok());
  ASSERT_TRUE(mem.WriteStringToFile("a/x/1", "one").ok());
  ASSERT_TRUE(mem.CreateDir("b").ok());
  ASSERT_TRUE(mem.WriteStringToFile("b/2", "two").ok());
  ASSERT_TRUE(mem.ExchangePaths("a", "b").ok());
  EXPECT_EQ(mem.ListAllFiles(), (std::vector<std::string>{"a/2", "b/x/1"}));
  EXPECT_TRUE(mem.IsDirectory("b/x"));
  EXPECT_EQ(mem.ExchangePaths("a", "missing").code(), StatusCode::kNotFound);
  EXPECT_EQ(mem.SyncDirectory("missing").code(), StatusCode::kNotFound);

  const fs::path root =
      fs::temp_directory_path() / ("tftrt_fault_injection_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  Env* env = Env::Default();
  ASSERT_TRUE(env->CreateDir((root / "a").string()).ok());
  ASSERT_TRUE(env->CreateDir((root / "b").string()).ok());
  ASSERT_TRUE(env->WriteStringToFile((root / "a" / "1").string(), "one").ok());
  const Status exchanged = env->ExchangePaths((root / "a").string(), (root / "b").string());
  if (exchanged.code() != StatusCode::kUnimplemented) {
    ASSERT_TRUE(exchanged.ok()) << exchanged.ToString();
    EXPECT_TRUE(fs::exists(root / "b" / "1"));
    EXPECT_FALSE(fs::exists(root / "a" / "1"));
  }
  EXPECT_TRUE(env->SyncDirectory(root.string()).ok());
  const Status missing = env->SyncDirectory((root / "missing").string());
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("missing"), std::string::npos);
  fs::remove_all(root);
}

}  // namespace
}  // namespace tftrt
