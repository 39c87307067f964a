// SSTableReader: reads a LevelDB-format table (sstable_format.h), as TensorFlow writes
// variables/variables.index, into a sorted key -> value map.
//
// The whole table is read and checked when it is opened: footer magic, every block's
// checksum and type (uncompressed or Snappy), block layout, and strictly increasing keys.
// Index files are small (one entry per tensor), so holding them in memory is cheap and lets
// every corruption surface at Open() as a DataLoss error naming the file and what is wrong.
//
// Thread safety: immutable after Open(); all const methods may be called concurrently.
#ifndef TFTRT_SAVEDMODEL_SSTABLE_READER_H_
#define TFTRT_SAVEDMODEL_SSTABLE_READER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "tftrt/status.h"

namespace tftrt {

class SSTableReader {
 public:
  using Entry = std::pair<std::string, std::string>;

  // Reads and checks the table at `path`. NotFound if absent, DataLoss if corrupt.
  static StatusOr<std::unique_ptr<SSTableReader>> Open(Env* env, const std::string& path);
  // As Open, from bytes already in memory; `name` is used in error messages.
  static StatusOr<std::unique_ptr<SSTableReader>> FromContents(std::string_view contents,
                                                               std::string name);

  // The value stored under `key`, or nullptr.
  const std::string* Find(std::string_view key) const;
  // All entries, in strictly increasing key order (bytewise).
  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& name() const { return name_; }

 private:
  SSTableReader(std::string name, std::vector<Entry> entries)
      : name_(std::move(name)), entries_(std::move(entries)) {}

  std::string name_;
  std::vector<Entry> entries_;
};

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_SSTABLE_READER_H_
