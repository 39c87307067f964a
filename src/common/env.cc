#include "common/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace tftrt {
namespace {

Status IoError(const std::string& what, const std::string& path, int error_number) {
  std::string message = what + " '" + path + "': " + std::strerror(error_number);
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(message));
    case EEXIST:
    case ENOTEMPTY:
      return Status::AlreadyExists(std::move(message));
    case EISDIR:
      return Status::FailedPrecondition(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().IgnoreError();
  }

  // Small appends (string lengths, headers) are gathered so each write(2) is large.
  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::FailedPrecondition("append to closed file '" + path_ + "'");
    if (buffer_.size() + data.size() <= kBufferSize) {
      buffer_.append(data);
      return Status::Ok();
    }
    TFTRT_RETURN_IF_ERROR(Flush());
    if (data.size() <= kBufferSize) {
      buffer_.append(data);
      return Status::Ok();
    }
    return WriteRaw(data);
  }

  Status Flush() override {
    if (fd_ < 0) return Status::FailedPrecondition("flush of closed file '" + path_ + "'");
    Status status = WriteRaw(buffer_);
    buffer_.clear();
    return status;
  }

  Status Sync() override {
    TFTRT_RETURN_IF_ERROR(Flush());
    if (::fsync(fd_) != 0) return IoError("cannot sync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    Status status = Flush();
    if (::close(fd_) != 0 && status.ok()) status = IoError("cannot close", path_, errno);
    fd_ = -1;
    return status;
  }

  const std::string& path() const override { return path_; }

 private:
  static constexpr size_t kBufferSize = 1 << 16;

  Status WriteRaw(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("cannot write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  std::string path_;
  int fd_;
  std::string buffer_;
};

class PosixRandomAccessFile : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Status Read(uint64_t offset, size_t n, char* out) const override {
    if (offset > size_ || n > size_ - offset) {
      return Status::OutOfRange("cannot read " + std::to_string(n) + " bytes at offset " +
                                std::to_string(offset) + " of '" + path_ + "' (" +
                                std::to_string(size_) + " bytes)");
    }
    size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return IoError("cannot read", path_, errno);
      }
      if (got == 0) {
        return Status::OutOfRange("unexpected end of '" + path_ + "' at offset " +
                                  std::to_string(offset + done));
      }
      done += static_cast<size_t>(got);
    }
    return Status::Ok();
  }

  uint64_t Size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixEnv : public Env {
 public:
  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return IoError("cannot create file", path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open file", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int error_number = errno;
      ::close(fd);
      return IoError("cannot stat", path, error_number);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::FailedPrecondition("'" + path + "' is a directory, not a file");
    }
    return std::unique_ptr<RandomAccessFile>(
        new PosixRandomAccessFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  bool FileExists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  bool IsDirectory(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return IoError("cannot list directory", dir, errno);
    std::vector<std::string> names;
    while (const struct dirent* entry = ::readdir(d)) {
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  StatusOr<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return IoError("cannot stat", path, errno);
    if (S_ISDIR(st.st_mode)) {
      return Status::FailedPrecondition("'" + path + "' is a directory, not a file");
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Status CreateDir(const std::string& path) override {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) return IoError("cannot create directory", path, error.value());
    if (!IsDirectory(path)) {
      return Status::AlreadyExists("cannot create directory '" + path + "': a file is in the way");
    }
    return Status::Ok();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      const int error_number = errno;
      return IoError("cannot rename '" + from + "' to", to, error_number);
    }
    return Status::Ok();
  }

  Status ExchangePaths(const std::string& a, const std::string& b) override {
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0) {
      const int error_number = errno;
      // Kernels before 3.15 (ENOSYS) and file systems without the flag (EINVAL: NFS, some
      // FUSE and overlay mounts) cannot swap atomically.
      if (error_number == ENOSYS || error_number == EINVAL) {
        return Status::Unimplemented(
            "cannot exchange '" + a + "' and '" + b +
            "' atomically on this file system: " + std::strerror(error_number));
      }
      return IoError("cannot exchange '" + a + "' and", b, error_number);
    }
    return Status::Ok();
  }

  Status SyncDirectory(const std::string& dir) override {
    const std::string path = dir.empty() ? "." : dir;
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open directory", path, errno);
    Status status = Status::Ok();
    // EINVAL: a file system that cannot sync directories (some FUSE mounts); nothing to do.
    if (::fsync(fd) != 0 && errno != EINVAL) status = IoError("cannot sync directory", path, errno);
    ::close(fd);
    return status;
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return IoError("cannot delete", path, errno);
    return Status::Ok();
  }

  Status DeleteRecursively(const std::string& path) override {
    std::error_code error;
    std::filesystem::remove_all(path, error);
    if (error) return IoError("cannot delete", path, error.value());
    return Status::Ok();
  }
};

}  // namespace

Env* Env::Default() {
  static Env* const env = new PosixEnv;
  return env;
}

StatusOr<std::string> Env::ReadFileToString(const std::string& path) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, NewRandomAccessFile(path));
  std::string data;
  TFTRT_RETURN_IF_ERROR(file->ReadToString(0, file->Size(), &data));
  return data;
}

Status Env::WriteStringToFile(const std::string& path, std::string_view data) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, NewWritableFile(path));
  TFTRT_RETURN_IF_ERROR(file->Append(data));
  return file->Close();
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string path(dir);
  if (path.back() != '/') path += '/';
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  path += name;
  return path;
}

namespace {
std::string_view StripTrailingSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}
}  // namespace

std::string DirName(std::string_view path) {
  path = StripTrailingSlashes(path);
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

bool PathWithin(const std::string& path, const std::string& dir) {
  std::error_code error;
  const std::filesystem::path full_path = std::filesystem::weakly_canonical(path, error);
  if (error) return false;
  const std::filesystem::path full_dir = std::filesystem::weakly_canonical(dir, error);
  if (error) return false;
  // Compare component by component; a trailing separator leaves an empty last component.
  auto part = full_path.begin();
  for (const std::filesystem::path& dir_part : full_dir) {
    if (dir_part.empty()) continue;
    if (part == full_path.end() || *part != dir_part) return false;
    ++part;
  }
  return true;
}

std::string BaseName(std::string_view path) {
  path = StripTrailingSlashes(path);
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace tftrt
