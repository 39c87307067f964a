#include "tftrt/tensor.h"

#include <cmath>
#include <sstream>

#include "common/check.h"
#include "common/memory_limit.h"

namespace tftrt {

bool IsKnownDataType(int value) {
  switch (static_cast<DataType>(value)) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kInt32:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kInt8:
    case DataType::kString:
    case DataType::kComplex64:
    case DataType::kInt64:
    case DataType::kBool:
    case DataType::kBFloat16:
    case DataType::kUInt16:
    case DataType::kComplex128:
    case DataType::kHalf:
    case DataType::kResource:
    case DataType::kVariant:
    case DataType::kUInt32:
    case DataType::kUInt64:
      return true;
    case DataType::kInvalid:
      return false;
  }
  return false;
}

std::string_view DataTypeName(DataType dtype) {
  switch (dtype) {
    case DataType::kInvalid:
      return "invalid";
    case DataType::kFloat:
      return "float32";
    case DataType::kDouble:
      return "float64";
    case DataType::kInt32:
      return "int32";
    case DataType::kUInt8:
      return "uint8";
    case DataType::kInt16:
      return "int16";
    case DataType::kInt8:
      return "int8";
    case DataType::kString:
      return "string";
    case DataType::kComplex64:
      return "complex64";
    case DataType::kInt64:
      return "int64";
    case DataType::kBool:
      return "bool";
    case DataType::kBFloat16:
      return "bfloat16";
    case DataType::kUInt16:
      return "uint16";
    case DataType::kComplex128:
      return "complex128";
    case DataType::kHalf:
      return "float16";
    case DataType::kResource:
      return "resource";
    case DataType::kVariant:
      return "variant";
    case DataType::kUInt32:
      return "uint32";
    case DataType::kUInt64:
      return "uint64";
  }
  return "unknown";
}

size_t DataTypeSize(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat:
      return 4;
    case DataType::kDouble:
      return 8;
    case DataType::kInt32:
      return 4;
    case DataType::kUInt8:
      return 1;
    case DataType::kInt16:
      return 2;
    case DataType::kInt8:
      return 1;
    case DataType::kComplex64:
      return 8;
    case DataType::kInt64:
      return 8;
    case DataType::kBool:
      return 1;
    case DataType::kBFloat16:
      return 2;
    case DataType::kUInt16:
      return 2;
    case DataType::kComplex128:
      return 16;
    case DataType::kHalf:
      return 2;
    case DataType::kUInt32:
      return 4;
    case DataType::kUInt64:
      return 8;
    case DataType::kInvalid:
    case DataType::kString:
    case DataType::kResource:
    case DataType::kVariant:
      return 0;
  }
  return 0;
}

// IEEE binary16 conversion with round-to-nearest-even, handling subnormals, inf and NaN.
Half FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) {  // inf or NaN
    return {static_cast<uint16_t>(sign | 0x7c00u | (x > 0x7f800000u ? 0x200u : 0u))};
  }
  if (x >= 0x477ff000u) return {static_cast<uint16_t>(sign | 0x7c00u)};  // overflow to inf
  if (x < 0x38800000u) {                                        // result is subnormal or zero
    if (x < 0x33000000u) return {static_cast<uint16_t>(sign)};  // below half the smallest
    const uint32_t exponent = x >> 23;
    const uint32_t mantissa = (x & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - exponent;  // 14..24
    uint32_t result = mantissa >> shift;
    const uint32_t remainder = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (result & 1u))) ++result;
    return {static_cast<uint16_t>(sign | result)};
  }
  // Normal: rebias exponent (127 -> 15), round the 13 dropped mantissa bits to even.
  uint32_t result = x - 0x38000000u;
  const uint32_t remainder = result & 0x1fffu;
  result >>= 13;
  if (remainder > 0x1000u || (remainder == 0x1000u && (result & 1u))) ++result;
  return {static_cast<uint16_t>(sign | result)};
}

float HalfToFloat(Half h) {
  const uint32_t sign = (h.bits & 0x8000u) << 16;
  const uint32_t exponent = (h.bits >> 10) & 0x1fu;
  uint32_t mantissa = h.bits & 0x3ffu;
  uint32_t x;
  if (exponent == 0x1f) {
    x = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    x = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    x = sign;
  } else {  // subnormal: normalize
    int e = -1;
    do {
      ++e;
      mantissa <<= 1;
    } while ((mantissa & 0x400u) == 0);
    x = sign | ((112 - e) << 23) | ((mantissa & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

BFloat16 FloatToBFloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if (std::isnan(f)) return {static_cast<uint16_t>((x >> 16) | 0x40u)};
  const uint32_t rounding_bias = 0x7fffu + ((x >> 16) & 1u);
  return {static_cast<uint16_t>((x + rounding_bias) >> 16)};
}

float BFloat16ToFloat(BFloat16 b) {
  const uint32_t x = static_cast<uint32_t>(b.bits) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    TFTRT_CHECK_MSG(d >= 0, "NumElements of a shape with unknown dimensions");
    n *= d;
  }
  return n;
}

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ",";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

bool PartialShape::IsCompatibleWith(const Shape& shape) const {
  if (unknown_rank) return true;
  if (dims.size() != shape.size()) return false;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] >= 0 && dims[i] != shape[i]) return false;
  }
  return true;
}

std::string PartialShape::ToString() const {
  return unknown_rank ? "<unknown rank>" : ShapeToString(dims);
}

namespace {

// Refuses a tensor larger than the memory limit before its element count is even taken
// (the count of a hostile shape overflows int64): the caller gets AllocationRefused, a
// std::bad_alloc with the error to report (see common/memory_limit.h).
Shape CheckedShape(DataType dtype, Shape shape) {
  TFTRT_CHECK_MSG(dtype != DataType::kInvalid, "a Tensor needs a dtype");
  for (int64_t d : shape) TFTRT_CHECK_MSG(d >= 0, "a Tensor's dimensions must be known");
  Status status = CheckTensorAllocation(dtype, shape);
  if (!status.ok()) throw AllocationRefused(std::move(status));
  return shape;
}

}  // namespace

Tensor::Tensor(DataType dtype, Shape shape)
    : dtype_(dtype),
      shape_(CheckedShape(dtype, std::move(shape))),
      num_elements_(tftrt::NumElements(shape_)) {
  if (dtype == DataType::kString) {
    strings_ = std::make_shared<std::vector<std::string>>(num_elements_);
  } else if (dtype == DataType::kVariant || dtype == DataType::kResource) {
    objects_ = std::make_shared<std::vector<std::shared_ptr<Object>>>(num_elements_);
  } else {
    // make_shared<T[]>(n) value-initializes: the buffer starts zeroed.
    bytes_ = std::make_shared<uint8_t[]>(std::max<size_t>(ByteSize(), 1));
  }
}

void Tensor::CheckType(DataType expected) const {
  TFTRT_CHECK_MSG(dtype_ == expected, "tensor element type does not match the accessor");
}

std::shared_ptr<Object>* Tensor::objects() {
  TFTRT_CHECK(objects_ != nullptr);
  return objects_->data();
}
const std::shared_ptr<Object>* Tensor::objects() const {
  TFTRT_CHECK(objects_ != nullptr);
  return objects_->data();
}

void* Tensor::raw_data() {
  TFTRT_CHECK(bytes_ != nullptr);
  return bytes_.get();
}
const void* Tensor::raw_data() const {
  TFTRT_CHECK(bytes_ != nullptr);
  return bytes_.get();
}

StatusOr<Tensor> Tensor::Reshaped(Shape shape) const {
  for (int64_t d : shape) {
    if (d < 0) return Status::InvalidArgument("cannot reshape to " + ShapeToString(shape));
  }
  if (tftrt::NumElements(shape) != num_elements_) {
    return Status::InvalidArgument("cannot reshape a tensor of " + ShapeToString(shape_) + " (" +
                                   std::to_string(num_elements_) + " elements) to " +
                                   ShapeToString(shape));
  }
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::Clone() const {
  if (!is_valid()) return Tensor();
  Tensor t(dtype_, shape_);
  if (strings_) {
    *t.strings_ = *strings_;
  } else if (objects_) {
    *t.objects_ = *objects_;
  } else {
    std::memcpy(t.bytes_.get(), bytes_.get(), ByteSize());
  }
  return t;
}

bool Tensor::SharesBufferWith(const Tensor& other) const {
  return (bytes_ && bytes_ == other.bytes_) || (strings_ && strings_ == other.strings_) ||
         (objects_ && objects_ == other.objects_);
}

bool Tensor::RefCountIsOne() const {
  return (bytes_ && bytes_.use_count() == 1) || (strings_ && strings_.use_count() == 1) ||
         (objects_ && objects_.use_count() == 1);
}

double Tensor::ElementAsDouble(int64_t i) const {
  TFTRT_CHECK(i >= 0 && i < num_elements_);
  switch (dtype_) {
    case DataType::kFloat:
      return flat<float>()[i];
    case DataType::kDouble:
      return flat<double>()[i];
    case DataType::kHalf:
      return HalfToFloat(flat<Half>()[i]);
    case DataType::kBFloat16:
      return BFloat16ToFloat(flat<BFloat16>()[i]);
    default:
      return static_cast<double>(ElementAsInt64(i));
  }
}

int64_t Tensor::ElementAsInt64(int64_t i) const {
  TFTRT_CHECK(i >= 0 && i < num_elements_);
  switch (dtype_) {
    case DataType::kInt32:
      return flat<int32_t>()[i];
    case DataType::kInt64:
      return flat<int64_t>()[i];
    case DataType::kUInt8:
      return flat<uint8_t>()[i];
    case DataType::kInt8:
      return flat<int8_t>()[i];
    case DataType::kInt16:
      return flat<int16_t>()[i];
    case DataType::kUInt16:
      return flat<uint16_t>()[i];
    case DataType::kUInt32:
      return flat<uint32_t>()[i];
    case DataType::kUInt64:
      return static_cast<int64_t>(flat<uint64_t>()[i]);
    case DataType::kBool:
      return flat<bool>()[i] ? 1 : 0;
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kHalf:
    case DataType::kBFloat16:
      return static_cast<int64_t>(ElementAsDouble(i));
    default:
      TFTRT_CHECK_MSG(false, "ElementAsInt64 on a non-numeric tensor");
  }
}

std::string Tensor::DebugString() const {
  return std::string(DataTypeName(dtype_)) + ShapeToString(shape_);
}

namespace {
// A complex value as numpy prints it: (1+2j), (1-2j).
void WriteComplex(std::ostream& out, double re, double im) {
  out << '(' << re << (std::signbit(im) ? "" : "+") << im << "j)";
}
}  // namespace

std::string Tensor::ValuesString(int64_t max_elements) const {
  std::ostringstream out;
  out << DebugString() << " {";
  const int64_t n = std::min(num_elements_, max_elements);
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) out << ", ";
    if (dtype_ == DataType::kString) {
      out << '"' << flat<std::string>()[i] << '"';
    } else if (dtype_ == DataType::kComplex64) {
      WriteComplex(out, flat<Complex64>()[i].re, flat<Complex64>()[i].im);
    } else if (dtype_ == DataType::kComplex128) {
      WriteComplex(out, flat<Complex128>()[i].re, flat<Complex128>()[i].im);
    } else if (IsPodDataType(dtype_)) {
      out << ElementAsDouble(i);
    } else {
      out << "<" << DataTypeName(dtype_) << ">";
    }
  }
  if (n < num_elements_) out << ", ...";
  out << "}";
  return out.str();
}

}  // namespace tftrt
