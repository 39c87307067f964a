#include "backends/cuda/layer_runner.h"

namespace tftrt::cuda {

StatusOr<DType> DeviceDType(DataType dtype, bool half_storage) {
  switch (dtype) {
    case DataType::kFloat:
      return half_storage ? DType::kFloat16 : DType::kFloat32;
    case DataType::kHalf:
      return DType::kFloat16;
    case DataType::kInt32:
      return DType::kInt32;
    case DataType::kBool:
      return DType::kBool;
    default:
      return Status::Unimplemented("the cuda backend has no tensors of dtype " +
                                   std::string(DataTypeName(dtype)));
  }
}

StatusOr<Dims> ToDims(const Shape& shape) {
  if (shape.size() > static_cast<size_t>(kMaxRank)) {
    return Status::Unimplemented("the cuda backend takes tensors of rank <= " +
                                 std::to_string(kMaxRank) + ", not " + ShapeToString(shape));
  }
  return Dims::From(shape);
}

StatusOr<std::vector<int64_t>> ConstantInts(const DeviceOperand& operand, const char* what) {
  if (!operand.is_constant() || operand.host == nullptr) {
    return Status::InvalidArgument(std::string(what) + " must be a constant in an engine");
  }
  const Tensor& value = *operand.host;
  std::vector<int64_t> values;
  for (int64_t i = 0; i < value.NumElements(); ++i) {
    if (value.dtype() == DataType::kInt32) {
      values.push_back(value.flat<int32_t>()[i]);
    } else if (value.dtype() == DataType::kInt64) {
      values.push_back(value.flat<int64_t>()[i]);
    } else {
      return Status::InvalidArgument(std::string(what) + " must be int32 or int64, not " +
                                     std::string(DataTypeName(value.dtype())));
    }
  }
  return values;
}

}  // namespace tftrt::cuda
