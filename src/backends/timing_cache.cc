#include "backends/timing_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <utility>

#include "common/logging.h"

namespace tftrt {
namespace {

constexpr std::string_view kHeader = "tftrt timing cache 1";

bool HasSeparator(const std::string& text) {
  return text.find_first_of("\t\n") != std::string::npos;
}

// Creates `dir` and the directories above it that are missing.
Status CreateDirs(Env* env, const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == "." || env->IsDirectory(dir)) return Status::Ok();
  TFTRT_RETURN_IF_ERROR(CreateDirs(env, DirName(dir)));
  Status created = env->CreateDir(dir);
  // Another process may have made it meanwhile.
  return env->IsDirectory(dir) ? Status::Ok() : created;
}

std::mutex& PathMutex() {
  static std::mutex* mutex = new std::mutex();
  return *mutex;
}

std::optional<std::string>& PathOverride() {
  static std::optional<std::string>* path = new std::optional<std::string>();
  return *path;
}

}  // namespace

TimingCache::TimingCache(std::string path, Env* env) : path_(std::move(path)), env_(env) {
  if (auto entries = ReadFile()) entries_ = std::move(*entries);
}

std::optional<std::map<std::string, std::string>> TimingCache::ReadFile() const {
  std::map<std::string, std::string> entries;
  if (!env_->FileExists(path_)) return entries;
  StatusOr<std::string> text = env_->ReadFileToString(path_);
  auto unusable = [&](const std::string& why) {
    LogWarning("ignoring the timing cache " + path_ + " (" + why +
               "); it is rewritten after the next timed build");
    return std::nullopt;
  };
  if (!text.ok()) return unusable(text.status().message());
  std::istringstream lines(*text);
  std::string line;
  if (!std::getline(lines, line) || line != kHeader) {
    return unusable("its first line is not \"" + std::string(kHeader) + "\"");
  }
  for (int number = 2; std::getline(lines, line); ++number) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 == line.size() ||
        line.find('\t', tab + 1) != std::string::npos) {
      return unusable("line " + std::to_string(number) + " is not KEY<TAB>CHOICE");
    }
    entries[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return entries;
}

std::optional<std::string> TimingCache::Find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

Status TimingCache::Record(const std::string& key, const std::string& choice) {
  if (key.empty() || choice.empty() || HasSeparator(key) || HasSeparator(choice)) {
    return Status::InvalidArgument(
        "a timing cache entry needs a key and a choice without tabs "
        "or newlines, got \"" +
        key + "\" -> \"" + choice + "\"");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[key] = choice;
  recorded_[key] = choice;
  return Status::Ok();
}

Status TimingCache::Save() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (recorded_.empty()) return Status::Ok();
  std::map<std::string, std::string> merged =
      ReadFile().value_or(std::map<std::string, std::string>{});
  for (const auto& [key, choice] : recorded_) merged[key] = choice;
  std::string text = std::string(kHeader) + "\n";
  for (const auto& [key, choice] : merged) text += key + "\t" + choice + "\n";

  auto context = [&](Status status) {
    return status.WithContext("while saving the timing cache " + path_);
  };
  TFTRT_RETURN_IF_ERROR(context(CreateDirs(env_, DirName(path_))));
  const std::string temp = path_ + ".tmp-" + std::to_string(getpid());
  Status written = [&]() -> Status {
    TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env_->NewWritableFile(temp));
    TFTRT_RETURN_IF_ERROR(file->Append(text));
    TFTRT_RETURN_IF_ERROR(file->Sync());
    TFTRT_RETURN_IF_ERROR(file->Close());
    return env_->RenameFile(temp, path_);
  }();
  if (!written.ok()) {
    if (env_->FileExists(temp)) env_->DeleteFile(temp).IgnoreError();
    return context(written);
  }
  entries_ = std::move(merged);
  recorded_.clear();
  return Status::Ok();
}

size_t TimingCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::string TimingCachePath() {
  std::string path;
  {
    std::lock_guard<std::mutex> lock(PathMutex());
    if (PathOverride().has_value()) path = *PathOverride();
  }
  if (path.empty()) {
    if (const char* env = std::getenv("TFTRT_TIMING_CACHE"); env != nullptr && *env != '\0') {
      path = env;
    } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
      path = JoinPath(xdg, "tftrt/timing-cache");
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      path = JoinPath(home, ".cache/tftrt/timing-cache");
    }
  }
  return path == "off" ? "" : path;
}

void SetTimingCachePath(std::string path) {
  std::lock_guard<std::mutex> lock(PathMutex());
  PathOverride() = std::move(path);
}

TimingCache* ProcessTimingCache() {
  // One cache per path, kept for the process's life (engines keep no pointer to it past a
  // build, but a path set later must not invalidate what an earlier build is using).
  static std::mutex* mutex = new std::mutex();
  static auto* caches = new std::map<std::string, std::unique_ptr<TimingCache>>();
  const std::string path = TimingCachePath();
  if (path.empty()) return nullptr;
  std::lock_guard<std::mutex> lock(*mutex);
  std::unique_ptr<TimingCache>& cache = (*caches)[path];
  if (cache == nullptr) cache = std::make_unique<TimingCache>(path);
  return cache.get();
}

}  // namespace tftrt
