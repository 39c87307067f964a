#include "kernels/cpu/strided_copy.h"

#include <algorithm>

#include "common/check.h"
#include "kernels/cpu/element_storage.h"

namespace tftrt {
namespace {

struct CopyDim {
  int64_t size;
  int64_t src_stride;
  int64_t dst_stride;
};

// Drops dimensions of size 1 (they never move the offsets) and merges each dimension into
// its inner neighbour when both sides step through them as through one longer dimension.
std::vector<CopyDim> SimplifyDims(const Shape& dims, const std::vector<int64_t>& src_strides,
                                  const std::vector<int64_t>& dst_strides) {
  std::vector<CopyDim> simplified;
  for (size_t k = 0; k < dims.size(); ++k) {
    if (dims[k] == 1) continue;
    CopyDim dim{dims[k], src_strides[k], dst_strides[k]};
    if (!simplified.empty()) {
      CopyDim& outer = simplified.back();
      if (outer.src_stride == dim.src_stride * dim.size &&
          outer.dst_stride == dim.dst_stride * dim.size) {
        outer = {outer.size * dim.size, dim.src_stride, dim.dst_stride};
        continue;
      }
    }
    simplified.push_back(dim);
  }
  return simplified;
}

template <typename S>
void CopyRow(const S* src, int64_t src_stride, S* dst, int64_t dst_stride, int64_t n) {
  if (src_stride == 1 && dst_stride == 1) {
    std::copy_n(src, n, dst);
  } else if (dst_stride == 1) {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i * src_stride];
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i * dst_stride] = src[i * src_stride];
  }
}

}  // namespace

std::vector<int64_t> DenseStrides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t k = shape.size(); k-- > 0;) {
    strides[k] = stride;
    stride *= shape[k];
  }
  return strides;
}

template <typename S>
void StridedCopy(const Shape& dims, const S* src, const std::vector<int64_t>& src_strides, S* dst,
                 const std::vector<int64_t>& dst_strides) {
  TFTRT_CHECK(dims.size() == src_strides.size() && dims.size() == dst_strides.size());
  for (int64_t d : dims) {
    TFTRT_CHECK(d >= 0);
    if (d == 0) return;
  }
  std::vector<CopyDim> copy_dims = SimplifyDims(dims, src_strides, dst_strides);
  // Always at least two dimensions, so that the two innermost are plain loops.
  while (copy_dims.size() < 2) copy_dims.insert(copy_dims.begin(), CopyDim{1, 0, 0});

  const size_t num_outer = copy_dims.size() - 2;
  const CopyDim row = copy_dims[num_outer + 1];
  const CopyDim rows = copy_dims[num_outer];
  std::vector<int64_t> index(num_outer, 0);
  while (true) {
    for (int64_t r = 0; r < rows.size; ++r) {
      CopyRow(src + r * rows.src_stride, row.src_stride, dst + r * rows.dst_stride, row.dst_stride,
              row.size);
    }
    // Advance the outer dimensions like an odometer.
    size_t k = num_outer;
    for (; k-- > 0;) {
      const CopyDim& dim = copy_dims[k];
      if (++index[k] < dim.size) {
        src += dim.src_stride;
        dst += dim.dst_stride;
        break;
      }
      index[k] = 0;
      src -= dim.src_stride * (dim.size - 1);
      dst -= dim.dst_stride * (dim.size - 1);
    }
    if (k == static_cast<size_t>(-1)) break;
  }
}

#define TFTRT_INSTANTIATE_STRIDED_COPY_(S)                                              \
  template void StridedCopy<S>(const Shape&, const S*, const std::vector<int64_t>&, S*, \
                               const std::vector<int64_t>&);
TFTRT_INSTANTIATE_STRIDED_COPY_(uint8_t)
TFTRT_INSTANTIATE_STRIDED_COPY_(uint16_t)
TFTRT_INSTANTIATE_STRIDED_COPY_(uint32_t)
TFTRT_INSTANTIATE_STRIDED_COPY_(uint64_t)
TFTRT_INSTANTIATE_STRIDED_COPY_(Bytes16)
TFTRT_INSTANTIATE_STRIDED_COPY_(std::string)
TFTRT_INSTANTIATE_STRIDED_COPY_(std::shared_ptr<Object>)
#undef TFTRT_INSTANTIATE_STRIDED_COPY_

}  // namespace tftrt
