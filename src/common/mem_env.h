// MemEnv: an Env whose files live in memory (as leveldb's helpers/memenv), for tests that
// must not touch the disk and for fault injection: corrupt a byte, truncate a file, or make
// a chosen operation fail, then check that tftrt reports a clear error.
//
// Semantics follow POSIX where tftrt relies on them: a file's parent directory must exist,
// rename replaces a file or an empty directory, and directories are real entries (created
// with CreateDir). Paths are plain strings; "a/b/" and "a//b" mean "a/b", "./a" means "a".
// The root ("/", "" or ".") always exists.
//
// Thread safety: all methods may be called concurrently.
#ifndef TFTRT_COMMON_MEM_ENV_H_
#define TFTRT_COMMON_MEM_ENV_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "common/env.h"

namespace tftrt {

class MemEnv : public Env {
 public:
  // Called before every operation that can fail, with its name and path; a non-OK result
  // is returned by the operation instead of performing it. Names: "read" (open for
  // reading, read), "write" (create, append), "flush", "sync", "close" (of a file being
  // written), "stat" (size), "list", "create_dir", "rename" and "exchange" (path = the
  // first), "sync_dir", "delete". FileExists, IsDirectory and RandomAccessFile::Size
  // cannot fail and are not reported.
  using FaultHook = std::function<Status(std::string_view operation, const std::string& path)>;

  MemEnv() = default;
  MemEnv(const MemEnv&) = delete;
  MemEnv& operator=(const MemEnv&) = delete;

  // Replaces the fault hook (nullptr: no faults).
  void SetFaultHook(FaultHook hook);
  // false: ExchangePaths is Unimplemented, as on file systems without RENAME_EXCHANGE.
  void SetExchangeSupported(bool supported);

  // Direct access for corruption tests; the parent directory need not exist.
  // NotFound if there is no such file.
  Status CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask = 0x01);
  Status Truncate(const std::string& path, uint64_t size);
  // Every file path (not directories), sorted.
  std::vector<std::string> ListAllFiles() const;

  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override;
  StatusOr<uint64_t> GetFileSize(const std::string& path) override;
  Status CreateDir(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status ExchangePaths(const std::string& a, const std::string& b) override;
  Status SyncDirectory(const std::string& dir) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteRecursively(const std::string& path) override;

 private:
  class MemWritableFile;
  class MemRandomAccessFile;
  using Contents = std::shared_ptr<std::string>;

  Status Fault(std::string_view operation, const std::string& path) const;
  // REQUIRES: mutex_ held.
  bool IsDirLocked(const std::string& path) const;
  bool HasChildrenLocked(const std::string& path) const;
  Status CheckParentLocked(const std::string& path) const;
  // Moves every file and directory at or below `from` to the same place below `to`.
  void MoveTreeLocked(const std::string& from, const std::string& to);

  mutable std::mutex mutex_;
  FaultHook hook_;
  bool exchange_supported_ = true;
  // Normalized path -> contents. Writers hold the shared_ptr, so a file renamed or deleted
  // while open keeps receiving what is appended, as on POSIX.
  std::map<std::string, Contents> files_;
  std::set<std::string> dirs_;
};

}  // namespace tftrt

#endif  // TFTRT_COMMON_MEM_ENV_H_
