#include "common/npy.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common/env.h"

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

// Finds the value text after `'key':` in the header dict.
StatusOr<std::string> HeaderValue(const std::string& header, const std::string& key,
                                  const std::string& name) {
  const std::string pattern = "'" + key + "':";
  size_t pos = header.find(pattern);
  if (pos == std::string::npos) {
    return Status::DataLoss(name + ": .npy header has no '" + key + "'");
  }
  pos += pattern.size();
  while (pos < header.size() && header[pos] == ' ') ++pos;
  size_t end = pos;
  if (header[pos] == '(') {
    end = header.find(')', pos);
    if (end == std::string::npos) return Status::DataLoss(name + ": bad .npy shape");
    return header.substr(pos + 1, end - pos - 1);
  }
  if (header[pos] == '\'') {
    end = header.find('\'', pos + 1);
    if (end == std::string::npos) return Status::DataLoss(name + ": bad .npy header");
    return header.substr(pos + 1, end - pos - 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(pos, end - pos);
}

// The shape must also have an element count that fits in int64 at every step of the
// product (as numpy requires): a zero dimension after huge ones would otherwise hide an
// overflow from the size check that NumElements() then runs into.
StatusOr<Shape> ParseShape(const std::string& text, const std::string& name) {
  Shape shape;
  int64_t elements = 1;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t first = item.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    try {
      size_t used = 0;
      long long value = std::stoll(item.substr(first), &used);
      if (value < 0) throw std::out_of_range("negative");
      shape.push_back(value);
    } catch (const std::exception&) {
      return Status::DataLoss(name + ": bad .npy shape (" + text + ")");
    }
    if (__builtin_mul_overflow(elements, shape.back(), &elements)) {
      return Status::DataLoss(name + ": .npy shape (" + text + ") has more elements than fit in " +
                              "64 bits");
    }
  }
  return shape;
}

}  // namespace

StatusOr<Tensor> ParseNpy(const std::string& bytes, const std::string& name) {
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
  const std::string header = bytes.substr(header_start, header_len);
  TFTRT_ASSIGN_OR_RETURN(std::string descr, HeaderValue(header, "descr", name));
  TFTRT_ASSIGN_OR_RETURN(std::string fortran, HeaderValue(header, "fortran_order", name));
  TFTRT_ASSIGN_OR_RETURN(std::string shape_text, HeaderValue(header, "shape", name));
  if (fortran.find("True") != std::string::npos) {
    return Status::Unimplemented(name + ": Fortran-order .npy arrays are not supported");
  }
  TFTRT_ASSIGN_OR_RETURN(Shape shape, ParseShape(shape_text, name));
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
      std::string s = bytes.substr(data_start + i * width, width);
      s.erase(s.find_last_not_of('\0') + 1);
      t.flat<std::string>()[i] = std::move(s);
    }
    return t;
  }
  for (const DescrEntry& entry : kDescrs) {
    if (descr != entry.descr && !(descr[0] == '=' && descr.substr(1) == entry.descr + 1)) {
      continue;
    }
    TFTRT_RETURN_IF_ERROR(check_data_size(DataTypeSize(entry.dtype)));
    Tensor t(entry.dtype, shape);
    std::memcpy(t.raw_data(), bytes.data() + data_start, t.ByteSize());
    return t;
  }
  return Status::Unimplemented(name + ": unsupported .npy element type '" + descr + "'");
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
