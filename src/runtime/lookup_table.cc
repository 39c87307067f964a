#include "runtime/lookup_table.h"

#include <cstring>
#include <map>

namespace tftrt {
namespace {

// Element i of `t` as bytes (see LookupTable::Map).
std::string ElementBytes(const Tensor& t, int64_t i) {
  if (t.dtype() == DataType::kString) return t.flat<std::string>()[i];
  const size_t size = DataTypeSize(t.dtype());
  return std::string(static_cast<const char*>(t.raw_data()) + i * size, size);
}

void SetElementBytes(Tensor& t, int64_t i, const std::string& bytes) {
  if (t.dtype() == DataType::kString) {
    t.flat<std::string>()[i] = bytes;
    return;
  }
  std::memcpy(static_cast<char*>(t.raw_data()) + i * bytes.size(), bytes.data(), bytes.size());
}

// A key or value for messages: the string, or the number.
std::string Printable(const Tensor& t, int64_t i) {
  if (t.dtype() == DataType::kString) return t.flat<std::string>()[i];
  return t.dtype() == DataType::kFloat || t.dtype() == DataType::kDouble
             ? std::to_string(t.ElementAsDouble(i))
             : std::to_string(t.ElementAsInt64(i));
}

bool IsTableDtype(DataType dtype) { return dtype == DataType::kString || IsPodDataType(dtype); }

}  // namespace

Status LookupTable::CheckDtypes(const Tensor& keys, const Tensor& values) const {
  if (keys.dtype() != key_dtype_ || values.dtype() != value_dtype_) {
    return Status::InvalidArgument("table '" + name_ + "' maps " +
                                   std::string(DataTypeName(key_dtype_)) + " to " +
                                   std::string(DataTypeName(value_dtype_)) + ", but got keys " +
                                   keys.DebugString() + " and values " + values.DebugString());
  }
  if (!IsTableDtype(key_dtype_) || !IsTableDtype(value_dtype_)) {
    return Status::Unimplemented("table '" + name_ + "' has unsupported dtypes");
  }
  if (keys.NumElements() != values.NumElements()) {
    return Status::InvalidArgument("Expected shape " + ShapeToString(keys.shape()) +
                                   " for value, got " + ShapeToString(values.shape()));
  }
  return Status::Ok();
}

StatusOr<LookupTable::Map> LookupTable::MakeMap(const Tensor& keys, const Tensor& values) const {
  Map map;
  for (int64_t i = 0; i < keys.NumElements(); ++i) {
    std::string value = ElementBytes(values, i);
    auto [it, inserted] = map.emplace(ElementBytes(keys, i), value);
    if (!inserted && it->second != value && !is_mutable_) {
      // TF's message; the earlier value is found by the key's first index.
      int64_t first = 0;
      while (ElementBytes(keys, first) != it->first) ++first;
      return Status::FailedPrecondition("HashTable has different value for same key. Key " +
                                        Printable(keys, i) + " has " + Printable(values, first) +
                                        " and trying to add value " + Printable(values, i));
    }
    if (!inserted) it->second = std::move(value);  // a MutableHashTable keeps the last
  }
  return map;
}

Status LookupTable::Initialize(const Tensor& keys, const Tensor& values) {
  TFTRT_RETURN_IF_ERROR(CheckDtypes(keys, values));
  TFTRT_ASSIGN_OR_RETURN(Map map, MakeMap(keys, values));
  std::lock_guard<std::mutex> lock(mutex_);
  if (initialized_ && !is_mutable_) {
    if (map != map_) {
      return Status::FailedPrecondition("Table was already initialized with different data.");
    }
    return Status::Ok();
  }
  map_ = std::move(map);
  initialized_ = true;
  return Status::Ok();
}

StatusOr<Tensor> LookupTable::Find(const Tensor& keys, const Tensor& default_value) const {
  if (keys.dtype() != key_dtype_) {
    return Status::InvalidArgument("Key must be type " + std::string(DataTypeName(key_dtype_)) +
                                   " but got " + std::string(DataTypeName(keys.dtype())));
  }
  if (default_value.dtype() != value_dtype_) {
    return Status::InvalidArgument("Default value must be type " +
                                   std::string(DataTypeName(value_dtype_)) + " but got " +
                                   std::string(DataTypeName(default_value.dtype())));
  }
  const bool per_key = default_value.rank() > 0;
  if (per_key ? default_value.shape() != keys.shape() : default_value.NumElements() != 1) {
    return Status::InvalidArgument("Expected shape " + ShapeToString(keys.shape()) +
                                   " or [] for default value, got " +
                                   ShapeToString(default_value.shape()));
  }
  Tensor out(value_dtype_, keys.shape());
  std::lock_guard<std::mutex> lock(mutex_);
  if (!initialized_ && !is_mutable_) return Status::FailedPrecondition("Table not initialized.");
  for (int64_t i = 0; i < keys.NumElements(); ++i) {
    auto it = map_.find(ElementBytes(keys, i));
    SetElementBytes(out, i,
                    it != map_.end() ? it->second : ElementBytes(default_value, per_key ? i : 0));
  }
  return out;
}

int64_t LookupTable::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(map_.size());
}

std::pair<Tensor, Tensor> LookupTable::Export() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::string> ordered(map_.begin(), map_.end());
  const auto count = static_cast<int64_t>(ordered.size());
  Tensor keys(key_dtype_, {count}), values(value_dtype_, {count});
  int64_t i = 0;
  for (const auto& [key, value] : ordered) {
    SetElementBytes(keys, i, key);
    SetElementBytes(values, i++, value);
  }
  return {std::move(keys), std::move(values)};
}

StatusOr<LookupTable*> TableFromHandle(const Tensor& handle, int index) {
  if (handle.dtype() != DataType::kResource || handle.NumElements() != 1) {
    return Status::InvalidArgument("input " + std::to_string(index) +
                                   " must be a scalar table handle, got " + handle.DebugString());
  }
  auto* table = dynamic_cast<LookupTable*>(handle.objects()[0].get());
  if (table == nullptr) {
    return Status::InvalidArgument("input " + std::to_string(index) +
                                   " is not a lookup table handle");
  }
  return table;
}

}  // namespace tftrt
