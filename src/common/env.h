// Env: every file-system access tftrt makes goes through this interface (as leveldb's Env),
// so that tests can swap in an in-memory file system (common/mem_env.h) and inject faults
// (truncated files, failed renames, full disks) without touching the disk.
//
// Every error names the path at fault (and the OS reason for the POSIX Env): NotFound for a
// missing file or directory, AlreadyExists / FailedPrecondition for a path in the way,
// Internal for other I/O failures.
//
// Thread safety: Env::Default() and MemEnv are safe to use from several threads; a single
// WritableFile or RandomAccessFile object is not (use one per thread).
#ifndef TFTRT_COMMON_ENV_H_
#define TFTRT_COMMON_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tftrt/status.h"

namespace tftrt {

// A file being written sequentially (large tensor shards are streamed, not built in memory).
// The destructor closes the file if Close() was not called, ignoring errors: call Close()
// to learn whether the data reached the file system.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Pushes buffered data to the OS.
  virtual Status Flush() = 0;
  // Pushes buffered data to stable storage (fsync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

// A file read at arbitrary offsets (tensor data shards, which can be larger than memory
// allows to read whole).
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly `n` bytes at `offset` into `out`. OutOfRange naming the path if the file
  // ends first. Safe to call concurrently on one object.
  virtual Status Read(uint64_t offset, size_t n, char* out) const = 0;
  // As above, replacing the contents of `*result`.
  Status ReadToString(uint64_t offset, size_t n, std::string* result) const {
    result->resize(n);
    return Read(offset, n, result->data());
  }
  virtual uint64_t Size() const = 0;
  virtual const std::string& path() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX file system. Never deleted.
  static Env* Default();

  // Whole-file helpers.
  virtual StatusOr<std::string> ReadFileToString(const std::string& path);
  // Creates or truncates `path`. The parent directory must exist.
  virtual Status WriteStringToFile(const std::string& path, std::string_view data);

  // Creates or truncates `path` for writing. The parent directory must exist.
  virtual StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  // True if `path` names a file or a directory.
  virtual bool FileExists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  // Names (not paths) of the entries of directory `dir`, sorted, without "." and "..".
  virtual StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  // Size in bytes of regular file `path`.
  virtual StatusOr<uint64_t> GetFileSize(const std::string& path) = 0;

  // Creates `path` and any missing parents. OK if it already is a directory.
  virtual Status CreateDir(const std::string& path) = 0;
  // Renames a file or a directory, as rename(2): replaces a file, or an empty directory.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Swaps two existing directories (or files) in one atomic step, as Linux's
  // renameat2(RENAME_EXCHANGE): a process killed at any moment leaves either both old
  // names or both new ones, never one path missing. Unimplemented where the file system
  // cannot (then callers fall back to two renames).
  virtual Status ExchangePaths(const std::string& a, const std::string& b) = 0;
  // Makes the entries of directory `dir` (files created, renamed or deleted in it) durable,
  // as fsync(2) on the directory: a file's own Sync() does not cover its name.
  virtual Status SyncDirectory(const std::string& dir) = 0;
  // Deletes one file (not a directory).
  virtual Status DeleteFile(const std::string& path) = 0;
  // Deletes `path` and everything below it. OK if it does not exist.
  virtual Status DeleteRecursively(const std::string& path) = 0;
};

// "a/b" from ("a", "b"); no doubled separator when `dir` ends in '/'; `name` alone if `dir`
// is empty.
std::string JoinPath(std::string_view dir, std::string_view name);
// "a" for "a/b", "" for "b", "/" for "/b". Trailing separators of `path` are ignored.
std::string DirName(std::string_view path);
// "b" for "a/b" and "a/b/".
std::string BaseName(std::string_view path);
// True if `path` is `dir` or lies below it, after both are made absolute and symbolic
// links in their existing parts are resolved ("a" holds "a/b" and "./a", not "ab").
bool PathWithin(const std::string& path, const std::string& dir);

}  // namespace tftrt

#endif  // TFTRT_COMMON_ENV_H_
