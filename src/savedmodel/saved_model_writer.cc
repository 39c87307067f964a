#include "savedmodel/saved_model_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <functional>
#include <set>

#include "common/logging.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_bundle_writer.h"

namespace tftrt {
namespace {

Status WriteFileSynced(Env* env, const std::string& path, std::string_view data) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  TFTRT_RETURN_IF_ERROR(file->Append(data));
  TFTRT_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

// A name no other writer (thread or process) picks at the same moment: "<pid>-<time>-<n>".
// RemoveStaleTempDirs relies on the pid coming first.
std::string UniqueSuffix() {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
         std::to_string(counter.fetch_add(1));
}

// Sibling names of a save in progress: "<hidden>.tftrt-tmp-<suffix>" holds the model being
// written, "<hidden>.tftrt-old-<suffix>" the previous model while it is swapped out (only
// where the file system cannot exchange two directories atomically).
constexpr std::string_view kTempInfix = ".tftrt-tmp-";
constexpr std::string_view kOldInfix = ".tftrt-old-";

// The pid of the writer that named directory `name` "<hidden><infix><pid>-<time>-<n>"
// (hidden: ".<name of the target>"), or 0 if `name` is not exactly that.
pid_t LeftoverWriterPid(std::string_view name, std::string_view hidden, std::string_view infix) {
  if (!name.starts_with(hidden) || !name.substr(hidden.size()).starts_with(infix)) return 0;
  const std::string_view suffix = name.substr(hidden.size() + infix.size());
  int64_t numbers[3] = {};
  const char* next = suffix.data();
  const char* const end = suffix.data() + suffix.size();
  for (int i = 0; i < 3; ++i) {
    if (i > 0 && (next == end || *next++ != '-')) return 0;
    const auto [stop, error] = std::from_chars(next, end, numbers[i]);
    if (error != std::errc() || numbers[i] < 0) return 0;
    next = stop;
  }
  if (next != end || numbers[0] <= 0 || numbers[0] > INT_MAX) return 0;
  return static_cast<pid_t>(numbers[0]);
}

bool ProcessIsGone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Puts back the previous model that a writer killed between its two renames left aside
// (the target is then missing), or removes it if the target is there.
void RecoverMovedAside(Env* env, const std::string& path, const std::string& dir, pid_t pid) {
  const std::string who =
      "an earlier save of '" + dir + "' (process " + std::to_string(pid) + ", no longer running)";
  if (!env->FileExists(dir)) {
    const Status status = env->RenameFile(path, dir);
    if (status.ok()) {
      LogInfo("restored '" + dir + "' from '" + path + "', moved aside by " + who);
    } else {
      LogWarning("cannot restore '" + dir + "' from '" + path + "', moved aside by " + who + ": " +
                 status.ToString());
    }
    return;
  }
  const Status status = env->DeleteRecursively(path);
  if (status.ok()) {
    LogInfo("removed '" + path + "', the previous model kept by " + who);
  } else {
    LogWarning("cannot remove '" + path + "', left by " + who + ": " + status.ToString());
  }
}

// Cleans up after writers of `dir` killed mid-save (a convert stopped by a signal or the
// OOM killer), saying so: removes their temporary directories from `parent`, and restores
// a previous model they had moved aside. Only those whose writer is gone: the name holds
// the writer's pid, and a pid for which kill(pid, 0) fails with ESRCH is no process that
// could still be writing. A live pid keeps its directory: another process saving the same
// output right now, or an unrelated process that reuses the pid (then the leftover goes at
// a later save). An age threshold was the alternative, but a save of a large model can take
// longer than any fixed age. Limitation: writers on other hosts sharing `parent` over a
// network file system are not told apart.
// An unreadable `parent` is an error (the save could not go on either); a leftover that
// cannot be removed is only a warning.
Status RecoverInterruptedSaves(Env* env, const std::string& parent, const std::string& dir) {
  const std::string hidden = "." + BaseName(dir);
  TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> children,
                         env->GetChildren(parent.empty() ? "." : parent));
  for (const std::string& name : children) {
    const std::string path = JoinPath(parent, name);
    if (const pid_t pid = LeftoverWriterPid(name, hidden, kOldInfix); pid && ProcessIsGone(pid)) {
      RecoverMovedAside(env, path, dir, pid);
      continue;
    }
    const pid_t pid = LeftoverWriterPid(name, hidden, kTempInfix);
    if (pid == 0 || !ProcessIsGone(pid)) continue;
    const Status status = env->DeleteRecursively(path);
    if (status.ok()) {
      LogInfo("removed '" + path + "', left by an earlier save of '" + dir + "' (process " +
              std::to_string(pid) + ", no longer running)");
    } else {
      LogWarning("cannot remove '" + path + "', left by an earlier save of '" + dir +
                 "': " + status.ToString());
    }
  }
  return Status::Ok();
}

// Makes the names of everything below `dir` durable: each file was synced when written,
// but its directory entry is only durable once its directory is (fsync(2) on a file does
// not cover the name that points to it).
Status SyncDirectoryTree(Env* env, const std::string& dir) {
  TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> children, env->GetChildren(dir));
  for (const std::string& name : children) {
    const std::string path = JoinPath(dir, name);
    if (env->IsDirectory(path)) TFTRT_RETURN_IF_ERROR(SyncDirectoryTree(env, path));
  }
  return env->SyncDirectory(dir);
}

// A relative path that stays inside the directory: not empty, not absolute, no "." / ".."
// components.
Status CheckRelativePath(const std::string& path, const std::string& what) {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return Status::InvalidArgument(what + " path '" + path + "' must be a relative file path");
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return Status::InvalidArgument(what + " path '" + path + "' must not contain '" +
                                     std::string(part) + "' components");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status SerializeSavedModel(const tensorflow::SavedModel& saved_model, bool text_format,
                           std::string* out) {
  if (text_format) {
    if (!google::protobuf::TextFormat::PrintToString(saved_model, out)) {
      return Status::Internal("cannot print the SavedModel as text");
    }
    return Status::Ok();
  }
  const size_t size = saved_model.ByteSizeLong();
  if (size > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("the SavedModel proto is " + std::to_string(size) +
                                   " bytes, over protobuf's 2 GiB limit");
  }
  out->clear();
  {
    google::protobuf::io::StringOutputStream stream(out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    // Map fields in a fixed order: the same model gives the same bytes.
    coded.SetSerializationDeterministic(true);
    saved_model.SerializeToCodedStream(&coded);
    if (coded.HadError()) return Status::Internal("cannot serialize the SavedModel proto");
  }
  return Status::Ok();
}

Status WriteContents(Env* env, const std::string& dir, const SavedModelContents& contents,
                     const WriteSavedModelOptions& options) {
  TFTRT_RETURN_IF_ERROR(env->CreateDir(dir));
  std::string serialized;
  TFTRT_RETURN_IF_ERROR(
      SerializeSavedModel(contents.saved_model, options.text_format, &serialized));
  TFTRT_RETURN_IF_ERROR(WriteFileSynced(
      env, JoinPath(dir, options.text_format ? kSavedModelFilenamePbTxt : kSavedModelFilenamePb),
      serialized));
  serialized.clear();

  if (!contents.variables.empty()) {
    const std::string variables_dir = JoinPath(dir, kVariablesDirectory);
    TFTRT_RETURN_IF_ERROR(env->CreateDir(variables_dir));
    TFTRT_RETURN_IF_ERROR(
        WriteTensorBundle(env, JoinPath(variables_dir, kVariablesFilename), contents.variables));
  }

  std::vector<std::pair<std::string, const std::string*>> files;
  for (const auto& [name, data] : contents.assets) {
    TFTRT_RETURN_IF_ERROR(CheckRelativePath(name, "asset"));
    files.emplace_back(JoinPath(kAssetsDirectory, name), &data);
  }
  if (!contents.assets.empty())
    TFTRT_RETURN_IF_ERROR(env->CreateDir(JoinPath(dir, kAssetsDirectory)));
  for (const auto& [path, data] : contents.extra_files) {
    TFTRT_RETURN_IF_ERROR(CheckRelativePath(path, "extra file"));
    const std::string top = path.substr(0, path.find('/'));
    if (top == kSavedModelFilenamePb || top == kSavedModelFilenamePbTxt ||
        (top == kVariablesDirectory && !contents.variables.empty())) {
      return Status::InvalidArgument("extra file '" + path +
                                     "' would overwrite the SavedModel's own files");
    }
    files.emplace_back(path, &data);
  }
  std::set<std::string> seen;
  for (const auto& [relative, data] : files) {
    if (!seen.insert(relative).second) {
      return Status::InvalidArgument("file '" + relative + "' is given twice");
    }
    const std::string path = JoinPath(dir, relative);
    TFTRT_RETURN_IF_ERROR(env->CreateDir(DirName(path)));
    TFTRT_RETURN_IF_ERROR(WriteFileSynced(env, path, *data));
  }
  return Status::Ok();
}

// Puts the complete model in `temp_dir` at `dir` in place of the directory there, leaving
// the previous contents at `*previous` for the caller to delete. The commit is one atomic
// exchange where the file system has it; elsewhere the old directory is renamed aside first
// (a writer killed between the two renames leaves `dir` missing: the next save of `dir`
// restores it) and moved back if the second rename fails.
Status ReplaceDirectory(Env* env, const std::string& temp_dir, const std::string& dir,
                        const std::string& hidden, std::string* previous) {
  const Status exchanged = env->ExchangePaths(temp_dir, dir);
  if (exchanged.code() != StatusCode::kUnimplemented) {
    if (exchanged.ok()) *previous = temp_dir;
    return exchanged;
  }
  const std::string old_dir = hidden + std::string(kOldInfix) + UniqueSuffix();
  TFTRT_RETURN_IF_ERROR(env->RenameFile(dir, old_dir));
  const Status status = env->RenameFile(temp_dir, dir);
  if (!status.ok()) {
    env->RenameFile(old_dir, dir).IgnoreError();
    return status;
  }
  *previous = old_dir;
  return Status::Ok();
}

}  // namespace

Status WriteDirectoryAtomically(Env* env, const std::string& dir_in, bool overwrite,
                                const std::function<Status(const std::string& temp_dir)>& fill) {
  // "out/" and "out" are one target; the temporary directory must be its sibling.
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return Status::InvalidArgument("empty SavedModel export directory");
  const std::string parent = DirName(dir);
  const std::string what = "while writing SavedModel '" + dir + "'";
  if (!parent.empty()) TFTRT_RETURN_IF_ERROR_CTX(env->CreateDir(parent), what);
  // Before looking at the target: an interrupted save may have left it moved aside.
  TFTRT_RETURN_IF_ERROR_CTX(RecoverInterruptedSaves(env, parent, dir), what);

  bool replace = false;
  if (env->FileExists(dir)) {
    if (!env->IsDirectory(dir)) {
      return Status::FailedPrecondition("cannot write a SavedModel to '" + dir +
                                        "': a file is in the way");
    }
    auto children = env->GetChildren(dir);
    if (!children.ok()) return children.status().WithContext(what);
    if (!children->empty() && !overwrite) {
      return Status::AlreadyExists("SavedModel directory '" + dir +
                                   "' already exists and is not empty; set overwrite to "
                                   "replace it");
    }
    replace = true;
  }

  const std::string hidden = JoinPath(parent, "." + BaseName(dir));
  const std::string temp_dir = hidden + std::string(kTempInfix) + UniqueSuffix();
  const std::string context = "while writing SavedModel '" + dir + "' (in '" + temp_dir + "')";
  Status status = env->CreateDir(temp_dir);
  if (status.ok()) status = fill(temp_dir);
  if (status.ok()) status = SyncDirectoryTree(env, temp_dir);
  // The commit point: before it `dir` is untouched, after it `dir` is the new model.
  std::string previous;
  if (status.ok()) {
    status = replace ? ReplaceDirectory(env, temp_dir, dir, hidden, &previous)
                     : env->RenameFile(temp_dir, dir);
  }
  if (!status.ok()) {
    env->DeleteRecursively(temp_dir).IgnoreError();
    return status.WithContext(context);
  }

  const std::string written = "SavedModel '" + dir + "' was written, but ";
  status = env->SyncDirectory(parent.empty() ? "." : parent);
  if (!status.ok()) {
    if (!previous.empty()) env->DeleteRecursively(previous).IgnoreError();
    return status.WithContext(written + "the change of its directory may not survive a crash");
  }
  if (!previous.empty()) {
    status = env->DeleteRecursively(previous);
    if (!status.ok())
      return status.WithContext(written + "its previous contents could not be removed");
  }
  return Status::Ok();
}

Status WriteSavedModel(Env* env, const std::string& export_dir, const SavedModelContents& contents,
                       const WriteSavedModelOptions& options) {
  return WriteDirectoryAtomically(
      env, export_dir, options.overwrite,
      [&](const std::string& temp_dir) { return WriteContents(env, temp_dir, contents, options); });
}

}  // namespace tftrt
