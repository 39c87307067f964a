#include "savedmodel/sstable_builder.h"

#include <snappy.h>

#include <algorithm>

#include "common/check.h"
#include "savedmodel/coding.h"
#include "savedmodel/crc32c.h"

namespace tftrt {
namespace {

// LevelDB's BytewiseComparator::FindShortestSeparator: a short key k with
// start <= k < limit, so the index block stays small.
void ShortenSeparator(std::string* start, std::string_view limit) {
  const size_t min_length = std::min(start->size(), limit.size());
  size_t diff = 0;
  while (diff < min_length && (*start)[diff] == limit[diff]) ++diff;
  if (diff >= min_length) return;  // one is a prefix of the other
  const uint8_t byte = static_cast<uint8_t>((*start)[diff]);
  if (byte < 0xff && byte + 1 < static_cast<uint8_t>(limit[diff])) {
    (*start)[diff] = static_cast<char>(byte + 1);
    start->resize(diff + 1);
  }
}

// LevelDB's FindShortSuccessor: a short key >= `key`.
void ShortSuccessor(std::string* key) {
  for (size_t i = 0; i < key->size(); ++i) {
    const uint8_t byte = static_cast<uint8_t>((*key)[i]);
    if (byte != 0xff) {
      (*key)[i] = static_cast<char>(byte + 1);
      key->resize(i + 1);
      return;
    }
  }
}

}  // namespace

void SSTableBuilder::BlockBuilder::Add(std::string_view key, std::string_view value) {
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    const size_t min_length = std::min(last_key_.size(), key.size());
    while (shared < min_length && last_key_[shared] == key[shared]) ++shared;
  } else {
    restarts_.push_back(static_cast<uint32_t>(buffer_.size()));
    counter_ = 0;
  }
  PutVarint32(&buffer_, static_cast<uint32_t>(shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(key.size() - shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(value.size()));
  buffer_.append(key.substr(shared));
  buffer_.append(value);
  last_key_.assign(key);
  ++counter_;
}

std::string_view SSTableBuilder::BlockBuilder::Finish() {
  for (uint32_t restart : restarts_) PutFixed32(&buffer_, restart);
  PutFixed32(&buffer_, static_cast<uint32_t>(restarts_.size()));
  return buffer_;
}

void SSTableBuilder::BlockBuilder::Reset() {
  buffer_.clear();
  restarts_.assign(1, 0);
  counter_ = 0;
  last_key_.clear();
}

SSTableBuilder::SSTableBuilder(WritableFile* file, Options options)
    : file_(file),
      options_(options),
      data_block_(options.restart_interval),
      // Every index key is a restart point, for binary search without scanning.
      index_block_(1) {
  TFTRT_CHECK(options.restart_interval >= 1);
}

Status SSTableBuilder::Add(std::string_view key, std::string_view value) {
  TFTRT_CHECK_MSG(!finished_, "SSTableBuilder::Add after Finish");
  if (num_entries_ > 0 && !(last_key_ < key)) {
    return Status::InvalidArgument("table keys must be added in strictly increasing order: '" +
                                   std::string(key) + "' after '" + last_key_ + "' in '" +
                                   file_->path() + "'");
  }
  if (pending_index_entry_) {
    std::string separator = last_key_;
    ShortenSeparator(&separator, key);
    std::string handle;
    sstable::EncodeBlockHandle(pending_handle_, &handle);
    index_block_.Add(separator, handle);
    pending_index_entry_ = false;
  }
  last_key_.assign(key);
  ++num_entries_;
  data_block_.Add(key, value);
  if (data_block_.SizeEstimate() >= options_.block_size) TFTRT_RETURN_IF_ERROR(FlushDataBlock());
  return Status::Ok();
}

Status SSTableBuilder::FlushDataBlock() {
  if (data_block_.empty()) return Status::Ok();
  TFTRT_RETURN_IF_ERROR(WriteBlock(&data_block_, options_.snappy_compression, &pending_handle_));
  pending_index_entry_ = true;
  return file_->Flush();
}

Status SSTableBuilder::WriteBlock(BlockBuilder* block, bool allow_compression,
                                  sstable::BlockHandle* handle) {
  const std::string_view raw = block->Finish();
  std::string compressed;
  std::string_view contents = raw;
  uint8_t type = sstable::kNoCompression;
  if (allow_compression) {
    snappy::Compress(raw.data(), raw.size(), &compressed);
    if (compressed.size() < raw.size() - raw.size() / 8) {
      contents = compressed;
      type = sstable::kSnappyCompression;
    }
  }
  handle->offset = offset_;
  handle->size = contents.size();
  std::string trailer(1, static_cast<char>(type));
  uint32_t crc = crc32c::Extend(crc32c::Value(contents), trailer);
  PutFixed32(&trailer, crc32c::Mask(crc));
  TFTRT_RETURN_IF_ERROR(file_->Append(contents));
  TFTRT_RETURN_IF_ERROR(file_->Append(trailer));
  offset_ += contents.size() + trailer.size();
  block->Reset();
  return Status::Ok();
}

Status SSTableBuilder::Finish() {
  TFTRT_CHECK_MSG(!finished_, "SSTableBuilder::Finish twice");
  finished_ = true;
  TFTRT_RETURN_IF_ERROR(FlushDataBlock());

  BlockBuilder metaindex_block(options_.restart_interval);
  sstable::BlockHandle metaindex_handle, index_handle;
  TFTRT_RETURN_IF_ERROR(WriteBlock(&metaindex_block, false, &metaindex_handle));

  if (pending_index_entry_) {
    std::string successor = last_key_;
    ShortSuccessor(&successor);
    std::string handle;
    sstable::EncodeBlockHandle(pending_handle_, &handle);
    index_block_.Add(successor, handle);
    pending_index_entry_ = false;
  }
  TFTRT_RETURN_IF_ERROR(WriteBlock(&index_block_, false, &index_handle));

  std::string footer;
  sstable::EncodeBlockHandle(metaindex_handle, &footer);
  sstable::EncodeBlockHandle(index_handle, &footer);
  footer.resize(2 * sstable::kMaxBlockHandleLength, '\0');
  PutFixed64(&footer, sstable::kTableMagicNumber);
  TFTRT_RETURN_IF_ERROR(file_->Append(footer));
  offset_ += footer.size();
  return file_->Flush();
}

}  // namespace tftrt
