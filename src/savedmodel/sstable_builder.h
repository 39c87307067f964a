// SSTableBuilder: writes a LevelDB-format table (sstable_format.h) the way TensorFlow's
// BundleWriter writes variables.index: 256 KiB uncompressed data blocks with a restart point
// every 16 keys, an index block with a restart at every key and shortened separator keys,
// and an empty metaindex block. The bytes match TensorFlow's for the same entries.
//
// Thread safety: one builder is used by one thread.
#ifndef TFTRT_SAVEDMODEL_SSTABLE_BUILDER_H_
#define TFTRT_SAVEDMODEL_SSTABLE_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "savedmodel/sstable_format.h"
#include "tftrt/status.h"

namespace tftrt {

class SSTableBuilder {
 public:
  struct Options {
    // Target uncompressed size of a data block.
    size_t block_size = 256 * 1024;
    // Keys between restart points in data blocks.
    int restart_interval = 16;
    // Compress data blocks with Snappy when that saves at least 1/8 (LevelDB's rule).
    // TensorFlow's BundleWriter does not; readers accept both.
    bool snappy_compression = false;
  };

  // Appends to `file`, which must be empty and outlive the builder. The caller closes it
  // after Finish().
  explicit SSTableBuilder(WritableFile* file) : SSTableBuilder(file, Options()) {}
  SSTableBuilder(WritableFile* file, Options options);

  // InvalidArgument (naming both keys) unless `key` is greater than the previous key.
  Status Add(std::string_view key, std::string_view value);
  // Writes the last data block, the metaindex and index blocks and the footer.
  Status Finish();

  uint64_t num_entries() const { return num_entries_; }
  // Bytes written so far (the file size after Finish()).
  uint64_t file_size() const { return offset_; }

 private:
  // Accumulates one block's entries with prefix compression and restart points.
  class BlockBuilder {
   public:
    explicit BlockBuilder(int restart_interval) : restart_interval_(restart_interval) {}
    void Add(std::string_view key, std::string_view value);
    // The finished contents; Reset() before reuse.
    std::string_view Finish();
    void Reset();
    size_t SizeEstimate() const { return buffer_.size() + 4 * restarts_.size() + 4; }
    bool empty() const { return buffer_.empty(); }

   private:
    int restart_interval_;
    std::string buffer_;
    std::vector<uint32_t> restarts_{0};
    int counter_ = 0;
    std::string last_key_;
  };

  Status FlushDataBlock();
  Status WriteBlock(BlockBuilder* block, bool allow_compression, sstable::BlockHandle* handle);

  WritableFile* file_;
  Options options_;
  BlockBuilder data_block_;
  BlockBuilder index_block_;
  std::string last_key_;
  uint64_t num_entries_ = 0;
  uint64_t offset_ = 0;
  // The index entry of a flushed block waits for the next key, which allows a shorter
  // separator key.
  bool pending_index_entry_ = false;
  sstable::BlockHandle pending_handle_;
  bool finished_ = false;
};

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_SSTABLE_BUILDER_H_
