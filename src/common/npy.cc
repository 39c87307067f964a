#include "common/npy.h"

#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/env.h"
#include "common/memory_limit.h"
#include "common/npy_header.h"

namespace tftrt {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct DescrEntry {
  const char* descr;  // numpy's type string, little-endian or byte-sized
  DataType dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"<f4", DataType::kFloat},     {"<f8", DataType::kDouble},      {"<f2", DataType::kHalf},
    {"<i4", DataType::kInt32},     {"<i8", DataType::kInt64},       {"<i2", DataType::kInt16},
    {"|i1", DataType::kInt8},      {"|u1", DataType::kUInt8},       {"<u2", DataType::kUInt16},
    {"<u4", DataType::kUInt32},    {"<u8", DataType::kUInt64},      {"|b1", DataType::kBool},
    {"<c8", DataType::kComplex64}, {"<c16", DataType::kComplex128},
};

// The position in column-major (Fortran) order of the element at row-major (C) position
// `index` of `shape`.
int64_t FortranPosition(int64_t index, const Shape& shape) {
  std::vector<int64_t> coordinates(shape.size());
  for (size_t k = shape.size(); k-- > 0;) {
    coordinates[k] = index % shape[k];
    index /= shape[k];
  }
  int64_t position = 0, stride = 1;
  for (size_t k = 0; k < shape.size(); ++k) {
    position += coordinates[k] * stride;
    stride *= shape[k];
  }
  return position;
}

}  // namespace

namespace {

// `width` little-endian UCS-4 code points (trailing NULs dropped, as numpy does) as UTF-8.
StatusOr<std::string> Utf8FromUcs4(const char* data, size_t width) {
  std::vector<uint32_t> points(width);
  std::memcpy(points.data(), data, width * 4);
  while (!points.empty() && points.back() == 0) points.pop_back();
  std::string out;
  for (uint32_t c : points) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      return Status::DataLoss("a 'U' string holds " + std::to_string(c) +
                              ", which is not a Unicode code point");
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// ParseNpy, where a tensor over the memory limit throws AllocationRefused.
StatusOr<Tensor> ParseNpyUnguarded(const std::string& bytes, const std::string& name) {
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) {
    return Status::DataLoss(name + ": not a .npy file (bad magic)");
  }
  const int major = static_cast<uint8_t>(bytes[6]);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return Status::DataLoss(name + ": truncated .npy header");
    for (int i = 3; i >= 0; --i)
      header_len = (header_len << 8) | static_cast<uint8_t>(bytes[8 + i]);
    header_start = 12;
  } else {
    return Status::Unimplemented(name + ": .npy format version " + std::to_string(major));
  }
  if (header_start + header_len > bytes.size()) {
    return Status::DataLoss(name + ": truncated .npy header");
  }
  TFTRT_ASSIGN_OR_RETURN(
      NpyHeader header,
      ParseNpyHeader(std::string_view(bytes).substr(header_start, header_len), name));
  const std::string& descr = header.descr;
  const Shape& shape = header.shape;
  // np.save of a Fortran-ordered array writes its elements column-major: element i of the
  // tensor (row-major) is element source(i) of the data.
  const auto source = [&](int64_t i) {
    return header.fortran_order ? FortranPosition(i, shape) : i;
  };
  const size_t data_start = header_start + header_len;
  const size_t available = bytes.size() - data_start;
  // Checked before any tensor is allocated: a corrupt shape must not allocate its size.
  const auto check_data_size = [&](uint64_t element_size) -> Status {
    uint64_t size = element_size;
    for (int64_t d : shape) {
      if (__builtin_mul_overflow(size, static_cast<uint64_t>(d), &size)) size = UINT64_MAX;
    }
    if (size > available) {
      return Status::DataLoss(name + ": .npy data is truncated (" + std::to_string(available) +
                              " bytes for shape " + ShapeToString(shape) + " of '" + descr + "')");
    }
    return Status::Ok();
  };

  if (descr.size() >= 3 && descr[1] == 'S') {  // fixed-width byte strings: "|S5"
    const size_t width = std::strtoul(descr.c_str() + 2, nullptr, 10);
    if (width == 0) return Status::DataLoss(name + ": bad .npy string type '" + descr + "'");
    TFTRT_RETURN_IF_ERROR(check_data_size(width));
    Tensor t(DataType::kString, shape);
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      std::string s = bytes.substr(data_start + source(i) * width, width);
      s.erase(s.find_last_not_of('\0') + 1);
      t.flat<std::string>()[i] = std::move(s);
    }
    return t;
  }
  if (descr.size() >= 3 && descr[1] == 'U' && (descr[0] == '<' || descr[0] == '=')) {
    // numpy's str arrays: fixed-width UCS-4 code points, little-endian, read as UTF-8.
    const size_t width = std::strtoul(descr.c_str() + 2, nullptr, 10);
    if (width == 0) return Status::DataLoss(name + ": bad .npy string type '" + descr + "'");
    TFTRT_RETURN_IF_ERROR(check_data_size(width * 4));
    Tensor t(DataType::kString, shape);
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      auto utf8 = Utf8FromUcs4(bytes.data() + data_start + source(i) * width * 4, width);
      if (!utf8.ok()) return Status::DataLoss(name + ": " + utf8.status().message());
      t.flat<std::string>()[i] = std::move(utf8).value();
    }
    return t;
  }
  if (descr == "|O") {
    return Status::Unimplemented(
        name +
        ": object arrays (dtype=object) are stored pickled, which tftrt does not read; "
        "save strings as bytes (arr.astype('S')) or str ('U') arrays");
  }
  for (const DescrEntry& entry : kDescrs) {
    if (descr != entry.descr && !(descr[0] == '=' && descr.substr(1) == entry.descr + 1)) {
      continue;
    }
    TFTRT_RETURN_IF_ERROR(check_data_size(DataTypeSize(entry.dtype)));
    Tensor t(entry.dtype, shape);
    const size_t size = DataTypeSize(entry.dtype);
    auto* data = static_cast<char*>(t.raw_data());
    if (!header.fortran_order) {
      std::memcpy(data, bytes.data() + data_start, t.ByteSize());
      return t;
    }
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      std::memcpy(data + i * size, bytes.data() + data_start + source(i) * size, size);
    }
    return t;
  }
  return Status::Unimplemented(name + ": unsupported .npy element type '" + descr + "'");
}

}  // namespace

// The data size is checked against the file before anything is allocated; a shape that the
// file holds can still ask too much (an "|S1" string is 1 byte in the file, a std::string
// in memory): the memory limit refuses it.
StatusOr<Tensor> ParseNpy(const std::string& bytes, const std::string& name) {
  try {
    return ParseNpyUnguarded(bytes, name);
  } catch (const std::bad_alloc& error) {
    const Status status = AllocationFailureStatus(error);
    return Status(status.code(), name + ": " + status.message());
  }
}

StatusOr<std::string> SerializeNpy(const Tensor& tensor) {
  std::string descr;
  size_t string_width = 0;
  if (tensor.dtype() == DataType::kString) {
    for (int64_t i = 0; i < tensor.NumElements(); ++i) {
      string_width = std::max(string_width, tensor.flat<std::string>()[i].size());
    }
    string_width = std::max<size_t>(string_width, 1);
    descr = "|S" + std::to_string(string_width);
  } else {
    for (const DescrEntry& entry : kDescrs) {
      if (entry.dtype == tensor.dtype()) descr = entry.descr;
    }
  }
  if (descr.empty()) {
    return Status::Unimplemented(std::string("cannot write a ") +
                                 std::string(DataTypeName(tensor.dtype())) + " tensor as .npy");
  }
  std::string shape = "(";
  for (int64_t d : tensor.shape()) shape += std::to_string(d) + ",";
  if (tensor.rank() > 1) shape.pop_back();
  shape += ")";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so the data starts on a 64-byte boundary; the header ends in '\n'.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out(kMagic, 6);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  if (tensor.dtype() == DataType::kString) {
    for (int64_t i = 0; i < tensor.NumElements(); ++i) {
      std::string s = tensor.flat<std::string>()[i];
      s.resize(string_width, '\0');
      out += s;
    }
  } else {
    out.append(static_cast<const char*>(tensor.raw_data()), tensor.ByteSize());
  }
  return out;
}

StatusOr<Tensor> ReadNpyFile(const std::string& path) {
  TFTRT_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFileToString(path));
  return ParseNpy(bytes, path);
}

Status WriteNpyFile(const std::string& path, const Tensor& tensor) {
  TFTRT_ASSIGN_OR_RETURN(std::string bytes, SerializeNpy(tensor));
  return Env::Default()->WriteStringToFile(path, bytes);
}

}  // namespace tftrt
