#include "backends/cuda/kernels/kernel_types.h"

namespace tftrt::cuda {

const char* DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat16:
      return "float16";
    case DType::kInt32:
      return "int32";
    case DType::kBool:
      return "bool";
  }
  return "invalid dtype";
}

size_t DTypeSize(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
    case DType::kInt32:
      return 4;
    case DType::kFloat16:
      return 2;
    case DType::kBool:
      return 1;
  }
  return 0;
}

Dims Dims::From(const std::vector<int64_t>& values) {
  Dims dims;
  const int n = static_cast<int>(values.size());
  dims.rank = n <= kMaxRank ? n : kMaxRank + 1;
  for (int i = 0; i < n && i < kMaxRank; ++i) dims.d[i] = values[i];
  return dims;
}

bool operator==(const Dims& a, const Dims& b) {
  if (a.rank != b.rank) return false;
  for (int i = 0; i < a.rank && i < kMaxRank; ++i) {
    if (a.d[i] != b.d[i]) return false;
  }
  return true;
}

std::string DimsToString(const Dims& dims) {
  std::string s = "[";
  for (int i = 0; i < dims.rank && i < kMaxRank; ++i) {
    if (i > 0) s += ",";
    s += std::to_string(dims.d[i]);
  }
  if (dims.rank > kMaxRank) s += ",...";
  return s + "]";
}

int64_t NumElements(const Dims& shape) {
  int64_t n = 1;
  for (int i = 0; i < shape.rank; ++i) n *= shape.d[i];
  return n;
}

Dims DenseStrides(const Dims& shape) {
  Dims strides;
  strides.rank = shape.rank;
  int64_t stride = 1;
  for (int i = shape.rank - 1; i >= 0; --i) {
    strides.d[i] = stride;
    stride *= shape.d[i];
  }
  return strides;
}

Status ValidateShape(const Dims& shape, const char* what) {
  if (shape.rank < 0 || shape.rank > kMaxRank) {
    return Status::InvalidArgument(std::string(what) + ": rank " + std::to_string(shape.rank) +
                                   " is not supported (at most " + std::to_string(kMaxRank) + ")");
  }
  for (int i = 0; i < shape.rank; ++i) {
    if (shape.d[i] < 0) {
      return Status::InvalidArgument(std::string(what) + ": negative dimension in shape " +
                                     DimsToString(shape));
    }
  }
  return Status::Ok();
}

}  // namespace tftrt::cuda
