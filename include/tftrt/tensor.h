// Tensor: a dense, row-major, reference-counted n-dimensional array, as TensorFlow's.
//
// Copying a Tensor shares its buffer (like tensorflow::Tensor); Clone() deep-copies.
// Element types follow TensorFlow's DataType enum values so they map 1:1 to the wire
// format. Numeric and bool elements live in one byte buffer; strings in a vector of
// std::string; variant and resource elements are shared pointers to Object (e.g. a
// TensorList or a variable).
//
// Thread safety: const methods are safe to call concurrently; writing to a tensor's
// elements while another thread reads them is the caller's problem, as in TensorFlow.
#ifndef TFTRT_TENSOR_H_
#define TFTRT_TENSOR_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tftrt/status.h"

namespace tftrt {

// Values are TensorFlow's (types.proto) so that protos convert by cast.
enum class DataType : int {
  kInvalid = 0,
  kFloat = 1,
  kDouble = 2,
  kInt32 = 3,
  kUInt8 = 4,
  kInt16 = 5,
  kInt8 = 6,
  kString = 7,
  kComplex64 = 8,
  kInt64 = 9,
  kBool = 10,
  kBFloat16 = 14,
  kUInt16 = 17,
  kComplex128 = 18,
  kHalf = 19,
  kResource = 20,
  kVariant = 21,
  kUInt32 = 22,
  kUInt64 = 23,
};

// True for the enum values above (the ones tftrt can hold in a Tensor).
bool IsKnownDataType(int value);
// TensorFlow's Python names: "float32", "int64", "bool", "string", "half", ...
std::string_view DataTypeName(DataType dtype);
// Bytes per element for types stored in the byte buffer; 0 for string/variant/resource.
size_t DataTypeSize(DataType dtype);
// True if elements live in the byte buffer (numbers and bool).
inline bool IsPodDataType(DataType dtype) { return DataTypeSize(dtype) != 0; }

// 16-bit floats, stored as their bit patterns. Conversions round to nearest even, as
// Eigen::half and Eigen::bfloat16 do in TensorFlow.
struct Half {
  uint16_t bits = 0;
};
struct BFloat16 {
  uint16_t bits = 0;
};
Half FloatToHalf(float f);
float HalfToFloat(Half h);
BFloat16 FloatToBFloat16(float f);
float BFloat16ToFloat(BFloat16 b);

struct Complex64 {
  float re = 0, im = 0;
};
struct Complex128 {
  double re = 0, im = 0;
};

// Maps a C++ element type to its DataType: DataTypeOf<float>() == DataType::kFloat.
template <typename T>
constexpr DataType DataTypeOf();
#define TFTRT_DATATYPE_OF_(T, DT)      \
  template <>                          \
  constexpr DataType DataTypeOf<T>() { \
    return DT;                         \
  }
TFTRT_DATATYPE_OF_(float, DataType::kFloat)
TFTRT_DATATYPE_OF_(double, DataType::kDouble)
TFTRT_DATATYPE_OF_(int32_t, DataType::kInt32)
TFTRT_DATATYPE_OF_(uint8_t, DataType::kUInt8)
TFTRT_DATATYPE_OF_(int16_t, DataType::kInt16)
TFTRT_DATATYPE_OF_(int8_t, DataType::kInt8)
TFTRT_DATATYPE_OF_(int64_t, DataType::kInt64)
TFTRT_DATATYPE_OF_(bool, DataType::kBool)
TFTRT_DATATYPE_OF_(BFloat16, DataType::kBFloat16)
TFTRT_DATATYPE_OF_(uint16_t, DataType::kUInt16)
TFTRT_DATATYPE_OF_(Half, DataType::kHalf)
TFTRT_DATATYPE_OF_(uint32_t, DataType::kUInt32)
TFTRT_DATATYPE_OF_(uint64_t, DataType::kUInt64)
TFTRT_DATATYPE_OF_(Complex64, DataType::kComplex64)
TFTRT_DATATYPE_OF_(Complex128, DataType::kComplex128)
TFTRT_DATATYPE_OF_(std::string, DataType::kString)
#undef TFTRT_DATATYPE_OF_

// A shape is its dimensions, outermost first. A dimension of -1 means "unknown" and is
// only allowed in partial shapes (signatures, attributes), never in a Tensor.
using Shape = std::vector<int64_t>;
// Product of the dimensions (1 for a scalar). REQUIRES: all dims >= 0.
int64_t NumElements(const Shape& shape);
// "[2,3]", "[]" for a scalar, "?" for an unknown dimension.
std::string ShapeToString(const Shape& shape);
// A partial shape: unknown rank, or dims of which some may be -1.
struct PartialShape {
  bool unknown_rank = true;
  Shape dims;
  // True if `shape` is compatible (rank and every known dim).
  bool IsCompatibleWith(const Shape& shape) const;
  std::string ToString() const;
};

// Base of the values held by variant and resource tensors (TensorList, variables).
class Object {
 public:
  virtual ~Object() = default;
  virtual std::string TypeName() const = 0;
};

class Tensor {
 public:
  // An empty tensor: dtype kInvalid, no elements. Used as "not set".
  Tensor() = default;
  // Zero-filled (empty strings, null objects). REQUIRES: all dims >= 0.
  Tensor(DataType dtype, Shape shape);

  template <typename T>
  static Tensor Scalar(T value) {
    Tensor t(DataTypeOf<T>(), {});
    t.flat<T>()[0] = std::move(value);
    return t;
  }
  // A rank-1 (or `shape`-shaped) tensor holding `values`. REQUIRES: sizes match.
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values, Shape shape) {
    Tensor t(DataTypeOf<T>(), std::move(shape));
    for (size_t i = 0; i < values.size(); ++i) t.flat<T>()[i] = values[i];
    return t;
  }
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values) {
    return FromVector(values, {static_cast<int64_t>(values.size())});
  }

  bool is_valid() const { return dtype_ != DataType::kInvalid; }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t NumElements() const { return num_elements_; }

  // Typed element access, row-major. REQUIRES: DataTypeOf<T>() == dtype().
  template <typename T>
  T* flat() {
    CheckType(DataTypeOf<T>());
    if constexpr (std::is_same_v<T, std::string>) {
      return strings_->data();
    } else {
      return reinterpret_cast<T*>(bytes_.get());
    }
  }
  template <typename T>
  const T* flat() const {
    return const_cast<Tensor*>(this)->flat<T>();
  }
  // Variant / resource elements. REQUIRES: dtype is kVariant or kResource.
  std::shared_ptr<Object>* objects();
  const std::shared_ptr<Object>* objects() const;

  // Raw bytes of a POD tensor (numbers, bool). REQUIRES: IsPodDataType(dtype()).
  void* raw_data();
  const void* raw_data() const;
  size_t ByteSize() const { return num_elements_ * DataTypeSize(dtype_); }

  // A tensor sharing this one's buffer with another shape of the same element count.
  StatusOr<Tensor> Reshaped(Shape shape) const;
  // A deep copy (objects are shared, as TF copies variant handles).
  Tensor Clone() const;
  // True if both share one buffer (no copy was made).
  bool SharesBufferWith(const Tensor& other) const;
  // True if no other Tensor shares this one's buffer (TensorFlow's name): a kernel that
  // took such an input may write to it in place.
  bool RefCountIsOne() const;

  // Element i as a double / int64 for any numeric or bool dtype (convenience for
  // attributes, indices and tests; not for hot loops).
  double ElementAsDouble(int64_t i) const;
  int64_t ElementAsInt64(int64_t i) const;

  // "float32[2,3]".
  std::string DebugString() const;
  // Also prints up to `max_elements` values.
  std::string ValuesString(int64_t max_elements = 16) const;

 private:
  void CheckType(DataType expected) const;

  DataType dtype_ = DataType::kInvalid;
  Shape shape_;
  int64_t num_elements_ = 0;
  std::shared_ptr<uint8_t[]> bytes_;
  std::shared_ptr<std::vector<std::string>> strings_;
  std::shared_ptr<std::vector<std::shared_ptr<Object>>> objects_;
};

}  // namespace tftrt

#endif  // TFTRT_TENSOR_H_
