#include "savedmodel/tensor_proto.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "common/check.h"
#include "common/memory_limit.h"

namespace tftrt {
namespace {

// tensor_content is the host's raw bytes as TensorFlow wrote them: little-endian.
static_assert(std::endian::native == std::endian::little, "tftrt assumes a little-endian host");

// Element count of `shape`, or an error if a dimension is negative or the byte size of a
// `dtype` tensor would not fit in int64 (a corrupt or hostile shape must not reach malloc).
StatusOr<int64_t> CheckedNumElements(const Shape& shape, DataType dtype) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return Status::InvalidArgument("shape " + ShapeToString(shape) + " is not fully defined");
    if (__builtin_mul_overflow(n, d, &n)) {
      return Status::InvalidArgument("shape " + ShapeToString(shape) + " has too many elements");
    }
  }
  const int64_t element_size = std::max<int64_t>(1, static_cast<int64_t>(DataTypeSize(dtype)));
  int64_t bytes;
  if (__builtin_mul_overflow(n, element_size, &bytes)) {
    return Status::InvalidArgument("shape " + ShapeToString(shape) + " is too large for " +
                                   std::string(DataTypeName(dtype)));
  }
  return n;
}

// The most memory a TensorProto may ask for beyond what it holds. Typed fields repeat their
// last value to fill the shape, so a few bytes can describe any size; TensorFlow writes the
// constants of a SavedModel in full (tensor_content), so a larger repeat is a corrupt shape.
constexpr int64_t kMaxRepeatedTensorBytes = int64_t{1} << 30;

// Refuses, before anything is allocated, a tensor over kMaxRepeatedTensorBytes whose proto
// is shorter than its element count: a proto holding every value takes at least one byte
// per element.
Status CheckRepeatedValuesSize(const tensorflow::TensorProto& proto, DataType dtype,
                               const Shape& shape, int64_t n) {
  const int64_t element_bytes = dtype == DataType::kString
                                    ? static_cast<int64_t>(sizeof(std::string))
                                    : std::max<int64_t>(1, DataTypeSize(dtype));
  int64_t bytes;
  if (!__builtin_mul_overflow(n, element_bytes, &bytes) && bytes <= kMaxRepeatedTensorBytes) {
    return Status::Ok();
  }
  const size_t proto_bytes = proto.ByteSizeLong();
  if (static_cast<uint64_t>(n) <= proto_bytes) return Status::Ok();
  const std::string asked = __builtin_mul_overflow(n, element_bytes, &bytes)
                                ? "more than 16.0 EiB"
                                : HumanBytes(static_cast<uint64_t>(bytes));
  return Status::InvalidArgument(
      "TensorProto " + std::string(DataTypeName(dtype)) + ShapeToString(shape) + " asks for " +
      std::to_string(n) + " elements of " + std::to_string(element_bytes) + " bytes (" + asked +
      ") from a " + std::to_string(proto_bytes) + "-byte proto: more than the " +
      HumanBytes(kMaxRepeatedTensorBytes) + " of repeated values tftrt accepts (a corrupt shape?)");
}

// TF's FromProtoField rule: copy min(n, in_n) values, repeat the last one to fill, leave the
// (already zeroed) tensor alone when there are none.
template <typename T, typename Get>
void FillRepeatingLast(T* data, int64_t n, int64_t in_n, Get get) {
  if (in_n <= 0 || n <= 0) return;
  const int64_t copied = std::min(n, in_n);
  for (int64_t i = 0; i < copied; ++i) data[i] = get(i);
  for (int64_t i = copied; i < n; ++i) data[i] = data[copied - 1];
}

bool ReadVarint32(const char*& p, const char* end, uint32_t* value) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && p < end; shift += 7) {
    const uint32_t byte = static_cast<uint8_t>(*p++);
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

// TF's string-list encoding of tensor_content for DT_STRING: all lengths as varint32, then
// all bytes.
Status DecodeStringList(const std::string& content, int64_t n, std::string* out) {
  const char* p = content.data();
  const char* end = p + content.size();
  if (static_cast<uint64_t>(n) > content.size()) {  // at least one length byte each
    return Status::InvalidArgument("tensor_content of " + std::to_string(content.size()) +
                                   " bytes cannot hold " + std::to_string(n) + " strings");
  }
  std::vector<uint32_t> lengths(n);
  uint64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!ReadVarint32(p, end, &lengths[i])) {
      return Status::InvalidArgument("tensor_content of a string tensor is truncated in length " +
                                     std::to_string(i));
    }
    total += lengths[i];
  }
  if (total != static_cast<uint64_t>(end - p)) {
    return Status::InvalidArgument("tensor_content of a string tensor has " +
                                   std::to_string(end - p) + " bytes of strings, lengths say " +
                                   std::to_string(total));
  }
  for (int64_t i = 0; i < n; ++i) {
    out[i].assign(p, lengths[i]);
    p += lengths[i];
  }
  return Status::Ok();
}

Status FillFromTypedField(const tensorflow::TensorProto& proto, Tensor* tensor) {
  const int64_t n = tensor->NumElements();
  switch (tensor->dtype()) {
    case DataType::kFloat:
      FillRepeatingLast(tensor->flat<float>(), n, proto.float_val_size(),
                        [&](int64_t i) { return proto.float_val(i); });
      break;
    case DataType::kDouble:
      FillRepeatingLast(tensor->flat<double>(), n, proto.double_val_size(),
                        [&](int64_t i) { return proto.double_val(i); });
      break;
    case DataType::kInt32:
      FillRepeatingLast(tensor->flat<int32_t>(), n, proto.int_val_size(),
                        [&](int64_t i) { return proto.int_val(i); });
      break;
    case DataType::kUInt8:
      FillRepeatingLast(tensor->flat<uint8_t>(), n, proto.int_val_size(),
                        [&](int64_t i) { return static_cast<uint8_t>(proto.int_val(i)); });
      break;
    case DataType::kInt16:
      FillRepeatingLast(tensor->flat<int16_t>(), n, proto.int_val_size(),
                        [&](int64_t i) { return static_cast<int16_t>(proto.int_val(i)); });
      break;
    case DataType::kInt8:
      FillRepeatingLast(tensor->flat<int8_t>(), n, proto.int_val_size(),
                        [&](int64_t i) { return static_cast<int8_t>(proto.int_val(i)); });
      break;
    case DataType::kUInt16:
      FillRepeatingLast(tensor->flat<uint16_t>(), n, proto.int_val_size(),
                        [&](int64_t i) { return static_cast<uint16_t>(proto.int_val(i)); });
      break;
    case DataType::kInt64:
      FillRepeatingLast(tensor->flat<int64_t>(), n, proto.int64_val_size(),
                        [&](int64_t i) { return proto.int64_val(i); });
      break;
    case DataType::kUInt32:
      FillRepeatingLast(tensor->flat<uint32_t>(), n, proto.uint32_val_size(),
                        [&](int64_t i) { return proto.uint32_val(i); });
      break;
    case DataType::kUInt64:
      FillRepeatingLast(tensor->flat<uint64_t>(), n, proto.uint64_val_size(),
                        [&](int64_t i) { return proto.uint64_val(i); });
      break;
    case DataType::kBool:
      FillRepeatingLast(tensor->flat<bool>(), n, proto.bool_val_size(),
                        [&](int64_t i) { return proto.bool_val(i); });
      break;
    case DataType::kHalf:
      FillRepeatingLast(tensor->flat<Half>(), n, proto.half_val_size(),
                        [&](int64_t i) { return Half{static_cast<uint16_t>(proto.half_val(i))}; });
      break;
    case DataType::kBFloat16:
      FillRepeatingLast(tensor->flat<BFloat16>(), n, proto.half_val_size(), [&](int64_t i) {
        return BFloat16{static_cast<uint16_t>(proto.half_val(i))};
      });
      break;
    case DataType::kComplex64:
      FillRepeatingLast(
          tensor->flat<Complex64>(), n, proto.scomplex_val_size() / 2, [&](int64_t i) {
            return Complex64{proto.scomplex_val(2 * i), proto.scomplex_val(2 * i + 1)};
          });
      break;
    case DataType::kComplex128:
      FillRepeatingLast(
          tensor->flat<Complex128>(), n, proto.dcomplex_val_size() / 2, [&](int64_t i) {
            return Complex128{proto.dcomplex_val(2 * i), proto.dcomplex_val(2 * i + 1)};
          });
      break;
    case DataType::kString:
      FillRepeatingLast(tensor->flat<std::string>(), n, proto.string_val_size(),
                        [&](int64_t i) { return proto.string_val(i); });
      break;
    case DataType::kResource:
    case DataType::kVariant:
    case DataType::kInvalid:
      return Status::Unimplemented("TensorProto values of dtype " +
                                   std::string(DataTypeName(tensor->dtype())) +
                                   " are not supported");
  }
  return Status::Ok();
}

}  // namespace

std::string DataTypeProtoName(int value) {
  if (tensorflow::DataType_IsValid(value)) {
    return tensorflow::DataType_Name(static_cast<tensorflow::DataType>(value));
  }
  return "DataType(" + std::to_string(value) + ")";
}

StatusOr<DataType> DataTypeFromProto(int value) {
  if (value == 0) return Status::InvalidArgument("dtype is DT_INVALID (0)");
  if (IsKnownDataType(value)) return static_cast<DataType>(value);
  if (!tensorflow::DataType_IsValid(value)) {
    return Status::InvalidArgument("unknown dtype " + std::to_string(value));
  }
  if (value > 100) {
    return Status::InvalidArgument("dtype " + DataTypeProtoName(value) + " (" +
                                   std::to_string(value) + ") is a TF1 reference type");
  }
  return Status::InvalidArgument("dtype " + DataTypeProtoName(value) + " (" +
                                 std::to_string(value) + ") is not supported by tftrt");
}

StatusOr<Shape> ShapeFromProto(const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return Status::InvalidArgument("shape has unknown rank");
  Shape shape;
  shape.reserve(proto.dim_size());
  for (const auto& dim : proto.dim()) {
    if (dim.size() < 0) {
      Shape partial;
      for (const auto& d : proto.dim()) partial.push_back(d.size());
      return Status::InvalidArgument("shape " + ShapeToString(partial) + " is not fully defined");
    }
    shape.push_back(dim.size());
  }
  return shape;
}

StatusOr<PartialShape> PartialShapeFromProto(const tensorflow::TensorShapeProto& proto) {
  PartialShape shape;
  if (proto.unknown_rank()) {
    if (proto.dim_size() > 0) {
      return Status::InvalidArgument("shape has unknown_rank set and " +
                                     std::to_string(proto.dim_size()) + " dims");
    }
    return shape;
  }
  shape.unknown_rank = false;
  for (const auto& dim : proto.dim()) {
    if (dim.size() < -1) {
      return Status::InvalidArgument("shape has invalid dimension " + std::to_string(dim.size()));
    }
    shape.dims.push_back(dim.size());
  }
  return shape;
}

void ShapeToProto(const Shape& shape, tensorflow::TensorShapeProto* proto) {
  proto->Clear();
  for (int64_t d : shape) proto->add_dim()->set_size(d < 0 ? -1 : d);
}

void PartialShapeToProto(const PartialShape& shape, tensorflow::TensorShapeProto* proto) {
  proto->Clear();
  if (shape.unknown_rank) {
    proto->set_unknown_rank(true);
    return;
  }
  ShapeToProto(shape.dims, proto);
}

StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto) {
  TFTRT_ASSIGN_OR_RETURN(const DataType dtype, DataTypeFromProto(proto.dtype()));
  auto shape_or = ShapeFromProto(proto.tensor_shape());
  if (!shape_or.ok()) {
    return Status::InvalidArgument("TensorProto of dtype " + std::string(DataTypeName(dtype)) +
                                   ": " + shape_or.status().message());
  }
  Shape shape = std::move(shape_or).value();
  TFTRT_ASSIGN_OR_RETURN(const int64_t n, CheckedNumElements(shape, dtype));
  if ((dtype == DataType::kResource || dtype == DataType::kVariant) && n > 0) {
    return Status::Unimplemented("TensorProto of dtype " + std::string(DataTypeName(dtype)) +
                                 ShapeToString(shape) +
                                 ": resource and variant values are not supported");
  }
  const std::string& content = proto.tensor_content();
  if (n > 0 && !content.empty() && dtype != DataType::kString &&
      content.size() != static_cast<uint64_t>(n) * DataTypeSize(dtype)) {
    return Status::InvalidArgument(
        "TensorProto " + std::string(DataTypeName(dtype)) + ShapeToString(shape) +
        ": tensor_content has " + std::to_string(content.size()) + " bytes, expected " +
        std::to_string(n * DataTypeSize(dtype)) + " (" + std::to_string(n) + " elements of " +
        std::to_string(DataTypeSize(dtype)) + ")");
  }
  TFTRT_RETURN_IF_ERROR(CheckRepeatedValuesSize(proto, dtype, shape, n));
  // Values the proto holds can still be more than memory allows: report it, do not abort.
  Tensor tensor;
  try {
    tensor = Tensor(dtype, shape);
  } catch (const std::bad_alloc& error) {
    const Status status = AllocationFailureStatus(error);
    return Status(status.code(), "TensorProto " + std::string(DataTypeName(dtype)) +
                                     ShapeToString(shape) + ": " + status.message());
  }
  if (n == 0) return tensor;

  if (content.empty()) {
    TFTRT_RETURN_IF_ERROR(FillFromTypedField(proto, &tensor));
    return tensor;
  }
  if (dtype == DataType::kString) {
    Status status = DecodeStringList(content, n, tensor.flat<std::string>());
    if (!status.ok()) {
      return Status::InvalidArgument("TensorProto string" + ShapeToString(shape) + ": " +
                                     status.message());
    }
    return tensor;
  }
  std::memcpy(tensor.raw_data(), content.data(), content.size());
  return tensor;
}

void TensorToProto(const Tensor& tensor, tensorflow::TensorProto* proto) {
  TFTRT_CHECK_MSG(tensor.is_valid(), "TensorToProto of an empty Tensor");
  TFTRT_CHECK_MSG(tensor.dtype() != DataType::kResource && tensor.dtype() != DataType::kVariant,
                  "TensorToProto of a resource or variant tensor");
  proto->Clear();
  proto->set_dtype(DataTypeToProto(tensor.dtype()));
  ShapeToProto(tensor.shape(), proto->mutable_tensor_shape());
  if (tensor.dtype() == DataType::kString) {
    const std::string* strings = tensor.flat<std::string>();
    for (int64_t i = 0; i < tensor.NumElements(); ++i) proto->add_string_val(strings[i]);
    return;
  }
  if (tensor.ByteSize() > 0) {
    proto->set_tensor_content(static_cast<const char*>(tensor.raw_data()), tensor.ByteSize());
  }
}

}  // namespace tftrt
