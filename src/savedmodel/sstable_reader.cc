#include "savedmodel/sstable_reader.h"

#include <snappy.h>

#include <algorithm>

#include "common/checksum.h"
#include "savedmodel/coding.h"
#include "savedmodel/crc32c.h"
#include "savedmodel/sstable_format.h"

namespace tftrt {
namespace {

using sstable::BlockHandle;

std::string HandleString(const BlockHandle& handle) {
  return "(offset " + std::to_string(handle.offset) + ", size " + std::to_string(handle.size) + ")";
}

// Checks the trailer of the block at `handle` and returns its uncompressed contents.
// `what` ("index block", "data block 3") and `name` go into error messages.
StatusOr<std::string> ReadBlock(std::string_view file, const BlockHandle& handle,
                                const std::string& what, const std::string& name) {
  // The footer is not block space; a handle reaching into it is as corrupt as one past EOF.
  const uint64_t limit = file.size() - sstable::kFooterLength;
  if (handle.offset > limit || handle.size > limit - handle.offset ||
      sstable::kBlockTrailerSize > limit - handle.offset - handle.size) {
    return Status::DataLoss(what + " " + HandleString(handle) + " of '" + name +
                            "' lies past the end of the file (" + std::to_string(file.size()) +
                            " bytes): truncated or corrupt table");
  }
  const std::string_view raw = file.substr(handle.offset, handle.size + 1);
  const uint32_t stored =
      crc32c::Unmask(DecodeFixed32(file.data() + handle.offset + handle.size + 1));
  const uint32_t actual = crc32c::Value(raw);
  if (!ChecksumMatches(stored, actual)) {
    return Status::DataLoss("checksum mismatch in " + what + " " + HandleString(handle) + " of '" +
                            name + "': corrupt table");
  }
  const std::string_view contents = raw.substr(0, handle.size);
  switch (static_cast<uint8_t>(raw.back())) {
    case sstable::kNoCompression:
      return std::string(contents);
    case sstable::kSnappyCompression: {
      std::string uncompressed;
      if (!snappy::Uncompress(contents.data(), contents.size(), &uncompressed)) {
        return Status::DataLoss("corrupt Snappy data in " + what + " " + HandleString(handle) +
                                " of '" + name + "'");
      }
      return uncompressed;
    }
    default:
      return Status::DataLoss("bad block type " + std::to_string(static_cast<uint8_t>(raw.back())) +
                              " of " + what + " " + HandleString(handle) + " in '" + name + "'");
  }
}

// Decodes the entries of an uncompressed block, appending them to `*entries`.
Status ParseBlock(std::string_view block, const std::string& what, const std::string& name,
                  std::vector<SSTableReader::Entry>* entries) {
  auto corrupt = [&](const std::string& why) {
    return Status::DataLoss("bad " + what + " in '" + name + "': " + why);
  };
  if (block.size() < 4) return corrupt("shorter than its restart count");
  const uint32_t num_restarts = DecodeFixed32(block.data() + block.size() - 4);
  const uint64_t max_restarts = (block.size() - 4) / 4;
  if (num_restarts == 0 || num_restarts > max_restarts) {
    return corrupt("restart count " + std::to_string(num_restarts) + " does not fit");
  }
  const size_t restarts_offset = block.size() - 4 - 4 * static_cast<size_t>(num_restarts);
  for (uint32_t i = 0; i < num_restarts; ++i) {
    if (DecodeFixed32(block.data() + restarts_offset + 4 * i) > restarts_offset) {
      return corrupt("restart point " + std::to_string(i) + " is past the entries");
    }
  }
  std::string_view rest = block.substr(0, restarts_offset);
  std::string key;
  bool first = true;
  while (!rest.empty()) {
    uint32_t shared, non_shared, value_length;
    if (!GetVarint32(&rest, &shared) || !GetVarint32(&rest, &non_shared) ||
        !GetVarint32(&rest, &value_length)) {
      return corrupt("truncated entry header after key '" + key + "'");
    }
    if (shared > key.size() || (first && shared != 0)) {
      return corrupt("entry shares " + std::to_string(shared) + " bytes with key '" + key + "'");
    }
    if (static_cast<uint64_t>(non_shared) + value_length > rest.size()) {
      return corrupt("entry after key '" + key + "' runs past the end of the block");
    }
    key.resize(shared);
    key.append(rest.substr(0, non_shared));
    rest.remove_prefix(non_shared);
    entries->emplace_back(key, std::string(rest.substr(0, value_length)));
    rest.remove_prefix(value_length);
    first = false;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<SSTableReader>> SSTableReader::Open(Env* env, const std::string& path) {
  TFTRT_ASSIGN_OR_RETURN(std::string contents, env->ReadFileToString(path));
  return FromContents(contents, path);
}

StatusOr<std::unique_ptr<SSTableReader>> SSTableReader::FromContents(std::string_view file,
                                                                     std::string name) {
  if (file.size() < sstable::kFooterLength) {
    return Status::DataLoss("'" + name + "' is too short to be a table (" +
                            std::to_string(file.size()) + " bytes, a footer alone is " +
                            std::to_string(sstable::kFooterLength) + "): truncated file");
  }
  const char* footer = file.data() + file.size() - sstable::kFooterLength;
  if (DecodeFixed64(footer + sstable::kFooterLength - 8) != sstable::kTableMagicNumber) {
    return Status::DataLoss("'" + name +
                            "' is not a table: bad magic number in the footer (truncated or not "
                            "a TensorFlow index file)");
  }
  std::string_view handles(footer, 2 * sstable::kMaxBlockHandleLength);
  BlockHandle metaindex, index;
  if (!sstable::DecodeBlockHandle(&handles, &metaindex) ||
      !sstable::DecodeBlockHandle(&handles, &index)) {
    return Status::DataLoss("bad block handles in the footer of '" + name + "'");
  }
  // The metaindex block only names filter blocks, which TensorFlow never writes; like TF's
  // reader, do not read it.
  TFTRT_ASSIGN_OR_RETURN(std::string index_block, ReadBlock(file, index, "index block", name));
  std::vector<Entry> index_entries;
  TFTRT_RETURN_IF_ERROR(ParseBlock(index_block, "index block", name, &index_entries));

  std::vector<Entry> entries;
  for (size_t b = 0; b < index_entries.size(); ++b) {
    const std::string what = "data block " + std::to_string(b);
    std::string_view handle_bytes = index_entries[b].second;
    BlockHandle handle;
    if (!sstable::DecodeBlockHandle(&handle_bytes, &handle)) {
      return Status::DataLoss("bad block handle for " + what + " in the index of '" + name + "'");
    }
    TFTRT_ASSIGN_OR_RETURN(std::string block, ReadBlock(file, handle, what, name));
    const size_t first = entries.size();
    TFTRT_RETURN_IF_ERROR(ParseBlock(block, what, name, &entries));
    // The index key of a block is >= every key in it (and < the next block's keys).
    if (entries.size() > first && entries.back().first > index_entries[b].first) {
      return Status::DataLoss("key '" + entries.back().first + "' of " + what + " in '" + name +
                              "' is beyond its index key '" + index_entries[b].first + "'");
    }
  }
  for (size_t i = 1; i < entries.size(); ++i) {
    if (!(entries[i - 1].first < entries[i].first)) {
      return Status::DataLoss("keys of '" + name + "' are not in strictly increasing order at '" +
                              entries[i].first + "'");
    }
  }
  return std::unique_ptr<SSTableReader>(new SSTableReader(std::move(name), std::move(entries)));
}

const std::string* SSTableReader::Find(std::string_view key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.first < k; });
  if (it == entries_.end() || it->first != key) return nullptr;
  return &it->second;
}

}  // namespace tftrt
