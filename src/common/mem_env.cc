#include "common/mem_env.h"

#include <algorithm>
#include <cstring>

namespace tftrt {
namespace {

// "a//b/" -> "a/b"; "/" stays "/"; "." (the working directory, as POSIX callers name it) and
// leading "./" are the root "".
std::string Normalize(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  if (path == ".") return "";
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool IsRoot(const std::string& path) { return path.empty() || path == "/"; }

// True if `path` is strictly below directory `dir`.
bool IsUnder(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

}  // namespace

class MemEnv::MemWritableFile : public WritableFile {
 public:
  MemWritableFile(MemEnv* env, std::string path, Contents contents)
      : env_(env), path_(std::move(path)), contents_(std::move(contents)) {}

  Status Append(std::string_view data) override {
    if (closed_) return Status::FailedPrecondition("append to closed file '" + path_ + "'");
    TFTRT_RETURN_IF_ERROR(env_->Fault("write", path_));
    std::lock_guard<std::mutex> lock(env_->mutex_);
    contents_->append(data);
    return Status::Ok();
  }
  Status Flush() override {
    if (closed_) return Status::FailedPrecondition("flush of closed file '" + path_ + "'");
    return env_->Fault("flush", path_);
  }
  Status Sync() override {
    if (closed_) return Status::FailedPrecondition("sync of closed file '" + path_ + "'");
    return env_->Fault("sync", path_);
  }
  // As close(2), the file is closed even when closing reports an error.
  Status Close() override {
    if (closed_) return Status::Ok();
    closed_ = true;
    return env_->Fault("close", path_);
  }
  const std::string& path() const override { return path_; }

 private:
  MemEnv* env_;
  std::string path_;
  Contents contents_;
  bool closed_ = false;
};

class MemEnv::MemRandomAccessFile : public RandomAccessFile {
 public:
  // Holds a snapshot: later writes to the path do not change what this reader sees.
  MemRandomAccessFile(const MemEnv* env, std::string path, std::string contents)
      : env_(env), path_(std::move(path)), contents_(std::move(contents)) {}

  Status Read(uint64_t offset, size_t n, char* out) const override {
    TFTRT_RETURN_IF_ERROR(env_->Fault("read", path_));
    if (offset > contents_.size() || n > contents_.size() - offset) {
      return Status::OutOfRange("cannot read " + std::to_string(n) + " bytes at offset " +
                                std::to_string(offset) + " of '" + path_ + "' (" +
                                std::to_string(contents_.size()) + " bytes)");
    }
    if (n > 0) std::memcpy(out, contents_.data() + offset, n);
    return Status::Ok();
  }
  uint64_t Size() const override { return contents_.size(); }
  const std::string& path() const override { return path_; }

 private:
  const MemEnv* env_;
  std::string path_;
  std::string contents_;
};

void MemEnv::SetFaultHook(FaultHook hook) {
  std::lock_guard<std::mutex> lock(mutex_);
  hook_ = std::move(hook);
}

void MemEnv::SetExchangeSupported(bool supported) {
  std::lock_guard<std::mutex> lock(mutex_);
  exchange_supported_ = supported;
}

Status MemEnv::Fault(std::string_view operation, const std::string& path) const {
  FaultHook hook;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    hook = hook_;
  }
  return hook ? hook(operation, path) : Status::Ok();
}

bool MemEnv::IsDirLocked(const std::string& path) const {
  return IsRoot(path) || dirs_.count(path) > 0;
}

bool MemEnv::HasChildrenLocked(const std::string& path) const {
  auto below = [&](const std::string& p) { return IsUnder(p, path); };
  return std::any_of(files_.begin(), files_.end(), [&](const auto& f) { return below(f.first); }) ||
         std::any_of(dirs_.begin(), dirs_.end(), below);
}

Status MemEnv::CheckParentLocked(const std::string& path) const {
  const std::string parent = DirName(path);
  if (IsDirLocked(parent)) return Status::Ok();
  if (files_.count(parent)) {
    return Status::NotFound("'" + parent + "' is a file, not a directory, in '" + path + "'");
  }
  return Status::NotFound("directory '" + parent + "' does not exist, for '" + path + "'");
}

Status MemEnv::CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(Normalize(path));
  if (it == files_.end()) return Status::NotFound("no file '" + path + "'");
  if (offset >= it->second->size()) {
    return Status::OutOfRange("offset " + std::to_string(offset) + " past the end of '" + path +
                              "'");
  }
  (*it->second)[offset] = static_cast<char>((*it->second)[offset] ^ xor_mask);
  return Status::Ok();
}

Status MemEnv::Truncate(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(Normalize(path));
  if (it == files_.end()) return Status::NotFound("no file '" + path + "'");
  if (size < it->second->size()) it->second->resize(size);
  return Status::Ok();
}

std::vector<std::string> MemEnv::ListAllFiles() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> paths;
  for (const auto& [path, contents] : files_) paths.push_back(path);
  return paths;
}

StatusOr<std::unique_ptr<WritableFile>> MemEnv::NewWritableFile(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  TFTRT_RETURN_IF_ERROR(Fault("write", path));
  std::lock_guard<std::mutex> lock(mutex_);
  if (IsDirLocked(path)) {
    return Status::FailedPrecondition("cannot create file '" + path + "': it is a directory");
  }
  TFTRT_RETURN_IF_ERROR(CheckParentLocked(path));
  // A fresh buffer, so that readers that opened the old file keep their snapshot.
  auto contents = std::make_shared<std::string>();
  files_[path] = contents;
  return std::unique_ptr<WritableFile>(new MemWritableFile(this, path, contents));
}

StatusOr<std::unique_ptr<RandomAccessFile>> MemEnv::NewRandomAccessFile(
    const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  TFTRT_RETURN_IF_ERROR(Fault("read", path));
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (IsDirLocked(path)) {
      return Status::FailedPrecondition("'" + path + "' is a directory, not a file");
    }
    return Status::NotFound("cannot open file '" + path + "': No such file or directory");
  }
  return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(this, path, *it->second));
}

bool MemEnv::FileExists(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  std::lock_guard<std::mutex> lock(mutex_);
  return files_.count(path) > 0 || IsDirLocked(path);
}

bool MemEnv::IsDirectory(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  std::lock_guard<std::mutex> lock(mutex_);
  return IsDirLocked(path);
}

StatusOr<std::vector<std::string>> MemEnv::GetChildren(const std::string& raw_dir) {
  const std::string dir = Normalize(raw_dir);
  TFTRT_RETURN_IF_ERROR(Fault("list", dir));
  std::lock_guard<std::mutex> lock(mutex_);
  if (!IsDirLocked(dir)) {
    return Status::NotFound("cannot list directory '" + dir + "': " +
                            (files_.count(dir) ? "Not a directory" : "No such file or directory"));
  }
  std::set<std::string> names;
  auto add = [&](const std::string& p) {
    if (dir.empty()) {
      if (p.find('/') == std::string::npos) names.insert(p);
    } else if (IsUnder(p, dir)) {
      const std::string rest = p.substr(dir == "/" ? 1 : dir.size() + 1);
      if (rest.find('/') == std::string::npos) names.insert(rest);
    }
  };
  for (const auto& [path, contents] : files_) add(path);
  for (const auto& path : dirs_) add(path);
  return std::vector<std::string>(names.begin(), names.end());
}

StatusOr<uint64_t> MemEnv::GetFileSize(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  TFTRT_RETURN_IF_ERROR(Fault("stat", path));
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (IsDirLocked(path)) {
      return Status::FailedPrecondition("'" + path + "' is a directory, not a file");
    }
    return Status::NotFound("cannot stat '" + path + "': No such file or directory");
  }
  return static_cast<uint64_t>(it->second->size());
}

Status MemEnv::CreateDir(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  TFTRT_RETURN_IF_ERROR(Fault("create_dir", path));
  std::lock_guard<std::mutex> lock(mutex_);
  // Every prefix ending before a '/' is a parent to create.
  for (size_t end = 1; end <= path.size(); ++end) {
    if (end != path.size() && path[end] != '/') continue;
    const std::string prefix = path.substr(0, end);
    if (IsRoot(prefix)) continue;
    if (files_.count(prefix)) {
      return Status::AlreadyExists("cannot create directory '" + path + "': '" + prefix +
                                   "' is a file");
    }
    dirs_.insert(prefix);
  }
  return Status::Ok();
}

Status MemEnv::RenameFile(const std::string& raw_from, const std::string& raw_to) {
  const std::string from = Normalize(raw_from);
  const std::string to = Normalize(raw_to);
  TFTRT_RETURN_IF_ERROR(Fault("rename", from));
  std::lock_guard<std::mutex> lock(mutex_);
  auto error = [&](const std::string& why) {
    return "cannot rename '" + from + "' to '" + to + "': " + why;
  };
  if (from == to) return Status::Ok();
  TFTRT_RETURN_IF_ERROR(CheckParentLocked(to));
  if (auto it = files_.find(from); it != files_.end()) {
    if (IsDirLocked(to)) return Status::FailedPrecondition(error("target is a directory"));
    Contents contents = it->second;
    files_.erase(it);
    files_[to] = std::move(contents);
    return Status::Ok();
  }
  if (!IsDirLocked(from) || IsRoot(from)) {
    return Status::NotFound(error("No such file or directory"));
  }
  if (IsUnder(to, from)) return Status::InvalidArgument(error("target is inside the source"));
  if (files_.count(to)) return Status::FailedPrecondition(error("target is a file"));
  if (IsDirLocked(to) && HasChildrenLocked(to)) {
    return Status::AlreadyExists(error("Directory not empty"));
  }
  MoveTreeLocked(from, to);
  return Status::Ok();
}

void MemEnv::MoveTreeLocked(const std::string& from, const std::string& to) {
  auto moved = [&](const std::string& p) { return to + p.substr(from.size()); };
  auto inside = [&](const std::string& p) { return p == from || IsUnder(p, from); };
  std::map<std::string, Contents> files;
  for (auto& [path, contents] : files_) files[inside(path) ? moved(path) : path] = contents;
  std::set<std::string> dirs;
  for (const auto& path : dirs_) dirs.insert(inside(path) ? moved(path) : path);
  files_ = std::move(files);
  dirs_ = std::move(dirs);
}

Status MemEnv::ExchangePaths(const std::string& raw_a, const std::string& raw_b) {
  const std::string a = Normalize(raw_a);
  const std::string b = Normalize(raw_b);
  TFTRT_RETURN_IF_ERROR(Fault("exchange", a));
  std::lock_guard<std::mutex> lock(mutex_);
  if (!exchange_supported_) {
    return Status::Unimplemented("cannot exchange '" + a + "' and '" + b +
                                 "' atomically on this file system");
  }
  auto exists = [&](const std::string& p) { return files_.count(p) > 0 || IsDirLocked(p); };
  if (!exists(a) || !exists(b) || IsRoot(a) || IsRoot(b)) {
    return Status::NotFound("cannot exchange '" + a + "' and '" + b +
                            "': No such file or directory");
  }
  if (a == b) return Status::Ok();
  if (IsUnder(a, b) || IsUnder(b, a)) {
    return Status::InvalidArgument("cannot exchange '" + a + "' and '" + b +
                                   "': one holds the other");
  }
  // Through a name no path uses ('\0' cannot occur in a path).
  const std::string parked = std::string(1, '\0');
  MoveTreeLocked(a, parked);
  MoveTreeLocked(b, a);
  MoveTreeLocked(parked, b);
  return Status::Ok();
}

Status MemEnv::SyncDirectory(const std::string& raw_dir) {
  const std::string dir = Normalize(raw_dir);
  TFTRT_RETURN_IF_ERROR(Fault("sync_dir", dir));
  std::lock_guard<std::mutex> lock(mutex_);
  if (!IsDirLocked(dir)) {
    return Status::NotFound("cannot sync directory '" + dir + "': No such file or directory");
  }
  return Status::Ok();
}

Status MemEnv::DeleteFile(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  TFTRT_RETURN_IF_ERROR(Fault("delete", path));
  std::lock_guard<std::mutex> lock(mutex_);
  if (files_.erase(path) == 0) {
    if (IsDirLocked(path)) {
      return Status::FailedPrecondition("cannot delete '" + path + "': it is a directory");
    }
    return Status::NotFound("cannot delete '" + path + "': No such file or directory");
  }
  return Status::Ok();
}

Status MemEnv::DeleteRecursively(const std::string& raw_path) {
  const std::string path = Normalize(raw_path);
  TFTRT_RETURN_IF_ERROR(Fault("delete", path));
  std::lock_guard<std::mutex> lock(mutex_);
  files_.erase(path);
  dirs_.erase(path);
  std::erase_if(files_, [&](const auto& f) { return IsUnder(f.first, path); });
  std::erase_if(dirs_, [&](const std::string& d) { return IsUnder(d, path); });
  return Status::Ok();
}

}  // namespace tftrt
