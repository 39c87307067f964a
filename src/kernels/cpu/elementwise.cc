#include "kernels/cpu/elementwise.h"

#include "common/check.h"

namespace tftrt {

Status UnsupportedDtype(std::string_view op, DataType dtype) {
  return Status::Unimplemented(std::string(op) + ": unsupported dtype " +
                               std::string(DataTypeName(dtype)));
}

Tensor WidenToFloat(const Tensor& tensor) {
  Tensor result(DataType::kFloat, tensor.shape());
  float* out = result.flat<float>();
  const int64_t n = tensor.NumElements();
  if (tensor.dtype() == DataType::kHalf) {
    UnaryMap(tensor.flat<Half>(), out, n, [](Half x) { return HalfToFloat(x); });
  } else {
    TFTRT_CHECK(tensor.dtype() == DataType::kBFloat16);
    UnaryMap(tensor.flat<BFloat16>(), out, n, [](BFloat16 x) { return BFloat16ToFloat(x); });
  }
  return result;
}

Tensor NarrowFromFloat(const Tensor& tensor, DataType dtype) {
  Tensor result(dtype, tensor.shape());
  const float* in = tensor.flat<float>();
  const int64_t n = tensor.NumElements();
  if (dtype == DataType::kHalf) {
    UnaryMap(in, result.flat<Half>(), n, [](float x) { return FloatToHalf(x); });
  } else {
    TFTRT_CHECK(dtype == DataType::kBFloat16);
    UnaryMap(in, result.flat<BFloat16>(), n, [](float x) { return FloatToBFloat16(x); });
  }
  return result;
}

}  // namespace tftrt
