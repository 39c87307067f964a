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

constexpr std::string_view kTempInfix = ".tftrt-tmp-";

// The pid of the writer that named temporary directory `name` "<hidden>.tftrt-tmp-<pid>-
// <time>-<n>" (hidden: ".<name of the target>"), or 0 if `name` is not exactly that.
pid_t TempDirWriterPid(std::string_view name, std::string_view hidden) {
  if (!name.starts_with(hidden) || !name.substr(hidden.size()).starts_with(kTempInfix)) return 0;
  const std::string_view suffix = name.substr(hidden.size() + kTempInfix.size());
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

// Removes the temporary directories of `dir` that writers killed mid-write (a convert
// stopped by a signal or the OOM killer) left in `parent`, saying so. Only those whose
// writer is gone: the name holds the writer's pid, and a pid for which kill(pid, 0) fails
// with ESRCH is no process that could still be writing. A live pid keeps its directory:
// another process saving the same output right now, or an unrelated process that reuses
// the pid (then the leftover goes at a later save). An age threshold was the alternative,
// but a save of a large model can take longer than any fixed age. Limitation: writers on
// other hosts sharing `parent` over a network file system are not told apart.
void RemoveStaleTempDirs(Env* env, const std::string& parent, const std::string& dir) {
  const std::string hidden = "." + BaseName(dir);
  auto children = env->GetChildren(parent.empty() ? "." : parent);
  if (!children.ok()) return;  // the save itself reports an unreadable parent
  for (const std::string& name : *children) {
    const pid_t pid = TempDirWriterPid(name, hidden);
    if (pid == 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    const std::string path = JoinPath(parent, name);
    const Status status = env->DeleteRecursively(path);
    if (status.ok()) {
      LogInfo("removed '" + path + "', left by an earlier save of '" + dir + "' (process " +
              std::to_string(pid) + ", no longer running)");
    } else {
      LogWarning("cannot remove '" + path + "', left by an earlier save of '" + dir +
                 "': " + status.ToString());
    }
  }
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

}  // namespace

Status WriteDirectoryAtomically(Env* env, const std::string& dir_in, bool overwrite,
                                const std::function<Status(const std::string& temp_dir)>& fill) {
  // "out/" and "out" are one target; the temporary directory must be its sibling.
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return Status::InvalidArgument("empty SavedModel export directory");

  bool replace = false;
  if (env->FileExists(dir)) {
    if (!env->IsDirectory(dir)) {
      return Status::FailedPrecondition("cannot write a SavedModel to '" + dir +
                                        "': a file is in the way");
    }
    TFTRT_ASSIGN_OR_RETURN(std::vector<std::string> children, env->GetChildren(dir));
    if (!children.empty() && !overwrite) {
      return Status::AlreadyExists("SavedModel directory '" + dir +
                                   "' already exists and is not empty; set overwrite to "
                                   "replace it");
    }
    replace = true;
  }
  const std::string parent = DirName(dir);
  if (!parent.empty()) TFTRT_RETURN_IF_ERROR(env->CreateDir(parent));

  RemoveStaleTempDirs(env, parent, dir);
  const std::string hidden = JoinPath(parent, "." + BaseName(dir));
  const std::string temp_dir = hidden + std::string(kTempInfix) + UniqueSuffix();
  Status status = env->CreateDir(temp_dir);
  if (status.ok()) status = fill(temp_dir);
  if (!status.ok()) {
    env->DeleteRecursively(temp_dir).IgnoreError();
    return status.WithContext("while writing SavedModel '" + dir + "' (in '" + temp_dir + "')");
  }

  if (!replace) {
    status = env->RenameFile(temp_dir, dir);
    if (!status.ok()) env->DeleteRecursively(temp_dir).IgnoreError();
    return status;
  }
  // Move the old directory aside first, so the swap can be undone if the second rename
  // fails: the target is never left missing.
  const std::string old_dir = hidden + ".tftrt-old-" + UniqueSuffix();
  status = env->RenameFile(dir, old_dir);
  if (!status.ok()) {
    env->DeleteRecursively(temp_dir).IgnoreError();
    return status;
  }
  status = env->RenameFile(temp_dir, dir);
  if (!status.ok()) {
    env->RenameFile(old_dir, dir).IgnoreError();
    env->DeleteRecursively(temp_dir).IgnoreError();
    return status;
  }
  status = env->DeleteRecursively(old_dir);
  if (!status.ok()) {
    return status.WithContext("SavedModel '" + dir +
                              "' was written, but its previous contents could not be removed");
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
