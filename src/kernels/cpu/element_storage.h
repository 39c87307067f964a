// Element storage types: how kernels that only move elements (reshape, slice, gather,
// concat, transpose, pad, ...) handle every dtype with one template instantiation per
// element *size* rather than per dtype.
//
// A float32 and an int32 tensor are both moved as uint32_t, a complex128 as Bytes16, a
// string tensor as std::string and a variant/resource tensor as shared_ptr<Object>. Moving
// a value through its storage type copies its bytes exactly (NaN payloads, -0.0 included).
#ifndef TFTRT_KERNELS_CPU_ELEMENT_STORAGE_H_
#define TFTRT_KERNELS_CPU_ELEMENT_STORAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

#include "tftrt/tensor.h"

namespace tftrt {

// Storage of 16-byte elements (complex128).
struct Bytes16 {
  uint64_t low = 0, high = 0;
};

// Calls `fn(std::type_identity<S>{})` with the storage type S of `dtype`'s elements and
// returns what it returns. REQUIRES: dtype != kInvalid.
template <typename Fn>
decltype(auto) VisitElementStorage(DataType dtype, Fn&& fn) {
  switch (dtype) {
    case DataType::kString:
      return fn(std::type_identity<std::string>{});
    case DataType::kVariant:
    case DataType::kResource:
      return fn(std::type_identity<std::shared_ptr<Object>>{});
    default:
      break;
  }
  switch (DataTypeSize(dtype)) {
    case 1:
      return fn(std::type_identity<uint8_t>{});
    case 2:
      return fn(std::type_identity<uint16_t>{});
    case 4:
      return fn(std::type_identity<uint32_t>{});
    case 8:
      return fn(std::type_identity<uint64_t>{});
    default:
      return fn(std::type_identity<Bytes16>{});
  }
}

// The elements of `tensor` seen as its storage type S (see VisitElementStorage).
template <typename S>
S* StorageData(Tensor& tensor) {
  if constexpr (std::is_same_v<S, std::string>) {
    return tensor.flat<std::string>();
  } else if constexpr (std::is_same_v<S, std::shared_ptr<Object>>) {
    return tensor.objects();
  } else {
    return static_cast<S*>(tensor.raw_data());
  }
}
template <typename S>
const S* StorageData(const Tensor& tensor) {
  return StorageData<S>(const_cast<Tensor&>(tensor));
}

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_ELEMENT_STORAGE_H_
