#include "kernels/cpu/transpose.h"

#include <string>

#include "kernels/cpu/element_storage.h"
#include "kernels/cpu/strided_copy.h"

namespace tftrt {

Status ValidatePermutation(const std::vector<int64_t>& perm, int rank) {
  if (static_cast<int64_t>(perm.size()) != rank) {
    return Status::InvalidArgument("transpose expects a vector of size " + std::to_string(rank) +
                                   ". But input(1) is a vector of size " +
                                   std::to_string(perm.size()));
  }
  std::vector<bool> seen(rank, false);
  for (int64_t d : perm) {
    if (d < 0 || d >= rank) {
      return Status::InvalidArgument(std::to_string(d) + " is out of range [0 .. " +
                                     std::to_string(rank) + ")");
    }
    if (seen[d]) {
      return Status::InvalidArgument(std::to_string(d) + " is duplicated in 'perm'");
    }
    seen[d] = true;
  }
  return Status::Ok();
}

Shape PermuteShape(const Shape& shape, const std::vector<int64_t>& perm) {
  Shape permuted(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) permuted[i] = shape[perm[i]];
  return permuted;
}

template <typename S>
void Transpose(const S* in, const Shape& in_shape, const std::vector<int64_t>& perm, S* out) {
  // Walk the output densely; output dimension k steps through input dimension perm[k].
  const std::vector<int64_t> in_strides = DenseStrides(in_shape);
  const Shape out_shape = PermuteShape(in_shape, perm);
  std::vector<int64_t> src_strides(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) src_strides[k] = in_strides[perm[k]];
  StridedCopy(out_shape, in, src_strides, out, DenseStrides(out_shape));
}

#define TFTRT_INSTANTIATE_TRANSPOSE_(S) \
  template void Transpose<S>(const S*, const Shape&, const std::vector<int64_t>&, S*);
TFTRT_INSTANTIATE_TRANSPOSE_(uint8_t)
TFTRT_INSTANTIATE_TRANSPOSE_(uint16_t)
TFTRT_INSTANTIATE_TRANSPOSE_(uint32_t)
TFTRT_INSTANTIATE_TRANSPOSE_(uint64_t)
TFTRT_INSTANTIATE_TRANSPOSE_(Bytes16)
TFTRT_INSTANTIATE_TRANSPOSE_(std::string)
TFTRT_INSTANTIATE_TRANSPOSE_(std::shared_ptr<Object>)
#undef TFTRT_INSTANTIATE_TRANSPOSE_

}  // namespace tftrt
