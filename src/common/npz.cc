#include "common/npz.h"

#include <zlib.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "common/checksum.h"
#include "common/env.h"
#include "common/memory_limit.h"
#include "common/npy.h"

namespace tftrt {
namespace {

// Record signatures and sizes of the zip format (PKWARE APPNOTE 4.3).
constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EndSize = 56;
constexpr uint16_t kZip64ExtraId = 0x0001;
// A 32-bit field holding this says "the value is in the zip64 record".
constexpr uint64_t kZip64Marker32 = 0xffffffff;
constexpr uint64_t kZip64Marker16 = 0xffff;

constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflated = 8;
constexpr uint16_t kFlagEncrypted = 1;

// Deflate expands data at most about 1032:1; a member claiming more is corrupt, and its size
// must not be allocated.
constexpr uint64_t kMaxDeflateRatio = 1032;

// zlib counts in 32-bit units: larger members are fed to it in pieces of this size.
constexpr size_t kZlibChunk = size_t{1} << 30;

// The little-endian unsigned integer of `width` bytes at `pos`. REQUIRES: in bounds.
uint64_t LittleEndian(std::string_view bytes, size_t pos, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[pos + i]);
  return value;
}

bool Fits(std::string_view bytes, uint64_t pos, uint64_t length) {
  return pos <= bytes.size() && length <= bytes.size() - pos;
}

// Where the central directory is and how many entries it has.
struct Directory {
  uint64_t entries = 0;
  uint64_t offset = 0;
};

// One central-directory entry.
struct Member {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t local_header_offset = 0;
};

// The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
StatusOr<Directory> FindDirectory(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kEndSize) return Status::DataLoss(name + ": not a .npz (zip) file");
  const size_t lowest = bytes.size() - kEndSize - std::min<size_t>(bytes.size() - kEndSize, 65535);
  size_t end = bytes.size() - kEndSize + 1;
  do {
    --end;
  } while (end > lowest && LittleEndian(bytes, end, 4) != kEndSignature);
  if (LittleEndian(bytes, end, 4) != kEndSignature) {
    return Status::DataLoss(name + ": not a .npz (zip) file: no end-of-directory record");
  }
  Directory directory{LittleEndian(bytes, end + 10, 2), LittleEndian(bytes, end + 16, 4)};
  const bool needs_zip64 =
      directory.entries == kZip64Marker16 || directory.offset == kZip64Marker32;
  if (!needs_zip64) return directory;
  if (end < kZip64LocatorSize ||
      LittleEndian(bytes, end - kZip64LocatorSize, 4) != kZip64LocatorSignature) {
    return Status::DataLoss(name + ": zip64 end-of-directory locator is missing");
  }
  const uint64_t zip64_end = LittleEndian(bytes, end - kZip64LocatorSize + 8, 8);
  if (!Fits(bytes, zip64_end, kZip64EndSize) ||
      LittleEndian(bytes, zip64_end, 4) != kZip64EndSignature) {
    return Status::DataLoss(name + ": zip64 end-of-directory record is corrupt");
  }
  return Directory{LittleEndian(bytes, zip64_end + 32, 8), LittleEndian(bytes, zip64_end + 48, 8)};
}

// Replaces the 32-bit fields that hold the zip64 marker with the 64-bit values of the
// entry's zip64 extra field, which lists them in this order.
Status ApplyZip64Extra(std::string_view extra, Member* member, const std::string& where) {
  for (size_t pos = 0; pos + 4 <= extra.size();) {
    const uint64_t id = LittleEndian(extra, pos, 2);
    const uint64_t length = LittleEndian(extra, pos + 2, 2);
    pos += 4;
    if (!Fits(extra, pos, length)) return Status::DataLoss(where + ": extra field is truncated");
    if (id == kZip64ExtraId) {
      size_t field = pos;
      for (uint64_t* value :
           {&member->size, &member->compressed_size, &member->local_header_offset}) {
        if (*value != kZip64Marker32) continue;
        if (field + 8 > pos + length) return Status::DataLoss(where + ": zip64 field is short");
        *value = LittleEndian(extra, field, 8);
        field += 8;
      }
    }
    pos += length;
  }
  return Status::Ok();
}

StatusOr<std::vector<Member>> ReadDirectory(std::string_view bytes, const Directory& directory,
                                            const std::string& name) {
  std::vector<Member> members;
  uint64_t pos = directory.offset;
  for (uint64_t i = 0; i < directory.entries; ++i) {
    if (!Fits(bytes, pos, kCentralHeaderSize) ||
        LittleEndian(bytes, pos, 4) != kCentralHeaderSignature) {
      return Status::DataLoss(name + ": central directory entry " + std::to_string(i) +
                              " is corrupt");
    }
    const uint64_t name_length = LittleEndian(bytes, pos + 28, 2);
    const uint64_t extra_length = LittleEndian(bytes, pos + 30, 2);
    const uint64_t comment_length = LittleEndian(bytes, pos + 32, 2);
    if (!Fits(bytes, pos + kCentralHeaderSize, name_length + extra_length + comment_length)) {
      return Status::DataLoss(name + ": central directory is truncated");
    }
    Member member;
    member.flags = LittleEndian(bytes, pos + 8, 2);
    member.method = LittleEndian(bytes, pos + 10, 2);
    member.crc = LittleEndian(bytes, pos + 16, 4);
    member.compressed_size = LittleEndian(bytes, pos + 20, 4);
    member.size = LittleEndian(bytes, pos + 24, 4);
    member.local_header_offset = LittleEndian(bytes, pos + 42, 4);
    member.name = std::string(bytes.substr(pos + kCentralHeaderSize, name_length));
    TFTRT_RETURN_IF_ERROR(
        ApplyZip64Extra(bytes.substr(pos + kCentralHeaderSize + name_length, extra_length), &member,
                        name + ": member '" + member.name + "'"));
    members.push_back(std::move(member));
    pos += kCentralHeaderSize + name_length + extra_length + comment_length;
  }
  return members;
}

StatusOr<std::string> Inflate(std::string_view compressed, uint64_t size,
                              const std::string& where) {
  TFTRT_RETURN_IF_ERROR(CheckMemoryLimit(size, where + " (inflated)"));
  std::string out(size, '\0');
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {  // raw deflate: zip has no zlib header
    return Status::Internal(where + ": zlib could not start inflating");
  }
  int result = Z_OK;
  do {
    const size_t in_left = compressed.size() - stream.total_in;
    const size_t out_left = out.size() - stream.total_out;
    stream.next_in =
        reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data())) + stream.total_in;
    stream.avail_in = static_cast<uInt>(std::min(in_left, kZlibChunk));
    stream.next_out = reinterpret_cast<Bytef*>(out.data()) + stream.total_out;
    stream.avail_out = static_cast<uInt>(std::min(out_left, kZlibChunk));
    result = inflate(&stream, Z_NO_FLUSH);
  } while (result == Z_OK);
  const bool complete = result == Z_STREAM_END && stream.total_out == size;
  inflateEnd(&stream);
  if (!complete) {
    return Status::DataLoss(where + ": compressed data is corrupt or does not match its size");
  }
  return out;
}

uint32_t Crc32(std::string_view data) {
  return static_cast<uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

// The member's uncompressed bytes, checked against its CRC-32.
StatusOr<std::string> ReadMember(std::string_view bytes, const Member& member,
                                 const std::string& where) {
  if (member.flags & kFlagEncrypted) return Status::Unimplemented(where + " is encrypted");
  const uint64_t header = member.local_header_offset;
  if (!Fits(bytes, header, kLocalHeaderSize) ||
      LittleEndian(bytes, header, 4) != kLocalHeaderSignature) {
    return Status::DataLoss(where + ": local header is corrupt");
  }
  const uint64_t data_start = header + kLocalHeaderSize + LittleEndian(bytes, header + 26, 2) +
                              LittleEndian(bytes, header + 28, 2);
  if (!Fits(bytes, data_start, member.compressed_size)) {
    return Status::DataLoss(where + ": data is truncated");
  }
  const std::string_view data = bytes.substr(data_start, member.compressed_size);
  std::string contents;
  if (member.method == kMethodStored) {
    if (member.size != member.compressed_size) {
      return Status::DataLoss(where + ": stored sizes disagree");
    }
    contents = std::string(data);
  } else if (member.method == kMethodDeflated) {
    if (member.size / kMaxDeflateRatio > member.compressed_size) {
      return Status::DataLoss(where + ": claims " + std::to_string(member.size) + " bytes from " +
                              std::to_string(member.compressed_size) + " compressed ones");
    }
    TFTRT_ASSIGN_OR_RETURN(contents, Inflate(data, member.size, where));
  } else {
    return Status::Unimplemented(where + ": zip compression method " +
                                 std::to_string(member.method) +
                                 " (only stored and deflated, as numpy writes)");
  }
  if (!ChecksumMatches(member.crc, Crc32(contents))) {
    return Status::DataLoss(where + ": CRC-32 mismatch");
  }
  return contents;
}

}  // namespace

StatusOr<std::map<std::string, Tensor>> ParseNpz(const std::string& bytes,
                                                 const std::string& name) {
  TFTRT_ASSIGN_OR_RETURN(Directory directory, FindDirectory(bytes, name));
  TFTRT_ASSIGN_OR_RETURN(std::vector<Member> members, ReadDirectory(bytes, directory, name));
  std::map<std::string, Tensor> arrays;
  for (const Member& member : members) {
    const std::string where = name + ": member '" + member.name + "'";
    if (!member.name.ends_with(".npy")) {
      return Status::InvalidArgument(where + " is not a .npy array");
    }
    const std::string array = member.name.substr(0, member.name.size() - 4);
    if (arrays.contains(array)) return Status::DataLoss(where + " appears twice");
    TFTRT_ASSIGN_OR_RETURN(std::string contents, ReadMember(bytes, member, where));
    TFTRT_ASSIGN_OR_RETURN(arrays[array], ParseNpy(contents, where));
  }
  return arrays;
}

StatusOr<std::map<std::string, Tensor>> ReadNpzFile(const std::string& path) {
  TFTRT_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFileToString(path));
  return ParseNpz(bytes, path);
}

}  // namespace tftrt
