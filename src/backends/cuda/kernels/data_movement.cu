#include <cuda_fp16.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/kernels/device_utils.cuh"

namespace tftrt::cuda {
namespace {

// Calls fn(S{}) with S the unsigned integer type of dtype's size: data movement never
// looks at values.
template <typename Fn>
Status VisitStorage(DType dtype, Fn&& fn) {
  switch (DTypeSize(dtype)) {
    case 1:
      return fn(uint8_t{});
    case 2:
      return fn(uint16_t{});
    case 4:
      return fn(uint32_t{});
    default:
      return Status::InvalidArgument("data movement: invalid dtype");
  }
}

// ---- StridedCopy ----

struct StridedCopyParams {
  Dims out_shape;
  Dims in_strides;
  int64_t num_elements;
};

template <typename S>
__global__ void __launch_bounds__(kThreadsPerBlock)
    StridedCopyKernel(const StridedCopyParams p, const S* __restrict__ in, S* __restrict__ out) {
  for (int64_t i = GlobalThreadIndex(); i < p.num_elements; i += GridStride()) {
    int64_t rest = i;
    int64_t offset = 0;
    for (int d = p.out_shape.rank - 1; d >= 0; --d) {
      const int64_t size = p.out_shape.d[d];
      offset += (rest % size) * p.in_strides.d[d];
      rest /= size;
    }
    out[i] = in[offset];
  }
}

// Drops dims of size 1 and merges neighbours d, d+1 whose input strides make them one
// dim (in_stride[d] == in_stride[d+1] * size[d+1]); the output is dense, so they merge
// there too. Fewer dims, fewer divisions per element.
void SimplifyCopy(Dims& shape, Dims& strides) {
  Dims s, t;
  for (int d = 0; d < shape.rank; ++d) {
    if (shape.d[d] == 1) continue;
    if (s.rank > 0 && t.d[s.rank - 1] == strides.d[d] * shape.d[d]) {
      s.d[s.rank - 1] *= shape.d[d];
      t.d[s.rank - 1] = strides.d[d];
      continue;
    }
    s.d[s.rank] = shape.d[d];
    t.d[s.rank] = strides.d[d];
    ++s.rank;
  }
  t.rank = s.rank;
  shape = s;
  strides = t;
}

// ---- Concat and Split: one index map, two directions ----

constexpr int kMaxConcatInputsPerLaunch = 32;

// The output (concat) or input (split) is [outer, total_cols]; piece k owns columns
// [col_begin[k], col_begin[k + 1]) and is itself dense [outer, its column count].
struct ConcatParams {
  void* pieces[kMaxConcatInputsPerLaunch];
  int64_t col_begin[kMaxConcatInputsPerLaunch + 1];  // relative to the first piece
  int num_pieces;
  int64_t first_col;   // column of the first piece in the whole tensor
  int64_t total_cols;  // columns of the whole tensor
  int64_t outer;
};

// kSplit: whole -> pieces; otherwise pieces -> whole.
template <typename S, bool kSplit>
__global__ void __launch_bounds__(kThreadsPerBlock)
    ConcatSplitKernel(const __grid_constant__ ConcatParams p, S* whole) {
  const int64_t cols = p.col_begin[p.num_pieces];
  const int64_t n = p.outer * cols;
  for (int64_t i = GlobalThreadIndex(); i < n; i += GridStride()) {
    const int64_t row = i / cols;
    const int64_t col = i - row * cols;
    // The last piece whose first column is <= col (pieces may be empty).
    int lo = 0, hi = p.num_pieces - 1;
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (p.col_begin[mid] <= col) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    const int64_t piece_cols = p.col_begin[lo + 1] - p.col_begin[lo];
    S* piece = static_cast<S*>(p.pieces[lo]) + row * piece_cols + (col - p.col_begin[lo]);
    S* whole_element = whole + row * p.total_cols + p.first_col + col;
    if constexpr (kSplit) {
      *piece = *whole_element;
    } else {
      *whole_element = *piece;
    }
  }
}

// Runs ConcatSplitKernel over `pieces` (column counts `piece_cols`) in groups of
// kMaxConcatInputsPerLaunch.
template <bool kSplit>
Status ConcatOrSplit(const std::vector<void*>& pieces, const std::vector<int64_t>& piece_cols,
                     int64_t outer, void* whole, DType dtype, cudaStream_t stream) {
  int64_t total_cols = 0;
  for (int64_t c : piece_cols) total_cols += c;
  if (outer * total_cols == 0) return Status::Ok();
  return VisitStorage(dtype, [&](auto tag) -> Status {
    using S = decltype(tag);
    int64_t first_col = 0;
    for (size_t begin = 0; begin < pieces.size(); begin += kMaxConcatInputsPerLaunch) {
      ConcatParams p;
      p.num_pieces = 0;
      p.col_begin[0] = 0;
      for (size_t k = begin; k < pieces.size() && p.num_pieces < kMaxConcatInputsPerLaunch; ++k) {
        p.pieces[p.num_pieces] = pieces[k];
        p.col_begin[p.num_pieces + 1] = p.col_begin[p.num_pieces] + piece_cols[k];
        ++p.num_pieces;
      }
      p.first_col = first_col;
      p.total_cols = total_cols;
      p.outer = outer;
      const int64_t n = outer * p.col_begin[p.num_pieces];
      if (n > 0) {
        ConcatSplitKernel<S, kSplit>
            <<<GridStrideBlocks(n), kThreadsPerBlock, 0, stream>>>(p, static_cast<S*>(whole));
        TFTRT_CUDA_CHECK(cudaGetLastError());
      }
      first_col += p.col_begin[p.num_pieces];
    }
    return Status::Ok();
  });
}

// Product of shape[begin, end).
int64_t DimsProduct(const Dims& shape, int begin, int end) {
  int64_t product = 1;
  for (int d = begin; d < end; ++d) product *= shape.d[d];
  return product;
}

// ---- Pad and Tile: per-dimension index maps ----

enum class IndexMapMode : uint8_t { kConstant, kReflect, kSymmetric, kWrap };

struct IndexMapParams {
  Dims out_shape;
  Dims in_shape;
  Dims in_strides;
  Dims before;  // leading pad per dim (0 for Tile)
  IndexMapMode mode;
  // The pad value's bits repeated over 16 bytes, so that an element of any width up to 16
  // bytes (see LaunchIndexMap's wide elements) is a whole number of pad values.
  uint32_t constant_words[4];
  int64_t num_elements;
};

// The input coordinate of output coordinate o along one dim, or -1 for a constant pad.
__device__ __forceinline__ int64_t MapCoordinate(int64_t o, int64_t before, int64_t size,
                                                 IndexMapMode mode) {
  if (mode == IndexMapMode::kWrap) return o % size;
  int64_t i = o - before;
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case IndexMapMode::kReflect:
      return i < 0 ? -i : 2 * (size - 1) - i;
    case IndexMapMode::kSymmetric:
      return i < 0 ? -i - 1 : 2 * size - 1 - i;
    default:
      return -1;
  }
}

template <typename S>
__global__ void __launch_bounds__(kThreadsPerBlock)
    IndexMapKernel(const __grid_constant__ IndexMapParams p, const S* __restrict__ in,
                   S* __restrict__ out) {
  S constant;
  memcpy(&constant, p.constant_words, sizeof(S));
  for (int64_t i = GlobalThreadIndex(); i < p.num_elements; i += GridStride()) {
    int64_t rest = i;
    int64_t offset = 0;
    bool padded = false;
    for (int d = p.out_shape.rank - 1; d >= 0; --d) {
      const int64_t size = p.out_shape.d[d];
      const int64_t c = MapCoordinate(rest % size, p.before.d[d], p.in_shape.d[d], p.mode);
      rest /= size;
      padded |= c < 0;
      offset += c * p.in_strides.d[d];
    }
    out[i] = padded ? constant : in[offset];
  }
}

template <typename S>
Status LaunchIndexMapKernel(const IndexMapParams& p, const void* in, void* out,
                            cudaStream_t stream) {
  IndexMapKernel<S><<<GridStrideBlocks(p.num_elements), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const S*>(in), static_cast<S*>(out));
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

// Where the innermost dim is copied whole (not padded, not tiled: an NHWC image padded in H
// and W), its rows are moved as elements of up to 16 bytes: the index arithmetic per byte,
// which bounds these kernels, shrinks by as much. Returns the element width (bytes) to use.
int WideElementBytes(const void* in, const void* out, const Dims& in_shape, const Dims& out_shape,
                     const Dims& before, size_t element_bytes) {
  const int last = in_shape.rank - 1;
  if (last < 0 || in_shape.d[last] != out_shape.d[last] || before.d[last] != 0) {
    return static_cast<int>(element_bytes);
  }
  const uint64_t row_bytes = in_shape.d[last] * element_bytes;
  const uintptr_t pointers = reinterpret_cast<uintptr_t>(in) | reinterpret_cast<uintptr_t>(out);
  for (int wide : {16, 8, 4}) {
    if (wide > static_cast<int>(element_bytes) && row_bytes % wide == 0 && pointers % wide == 0) {
      return wide;
    }
  }
  return static_cast<int>(element_bytes);
}

Status LaunchIndexMap(const void* in, const Dims& in_shape, const Dims& out_shape,
                      const Dims& before, IndexMapMode mode, uint32_t constant_bits, DType dtype,
                      void* out, cudaStream_t stream) {
  IndexMapParams p;
  p.out_shape = out_shape;
  p.in_shape = in_shape;
  p.before = before;
  p.mode = mode;
  const size_t element_bytes = DTypeSize(dtype);
  if (element_bytes != 1 && element_bytes != 2 && element_bytes != 4) {
    return Status::InvalidArgument("data movement: invalid dtype");
  }
  for (size_t byte = 0; byte < sizeof(p.constant_words); byte += element_bytes) {
    std::memcpy(reinterpret_cast<char*>(p.constant_words) + byte, &constant_bits, element_bytes);
  }
  const int wide = WideElementBytes(in, out, in_shape, out_shape, before, element_bytes);
  if (wide != static_cast<int>(element_bytes)) {
    const int last = in_shape.rank - 1;
    p.in_shape.d[last] = p.out_shape.d[last] = in_shape.d[last] * element_bytes / wide;
  }
  p.in_strides = DenseStrides(p.in_shape);
  p.num_elements = NumElements(p.out_shape);
  if (p.num_elements == 0) return Status::Ok();
  switch (wide) {
    case 16:
      return LaunchIndexMapKernel<uint4>(p, in, out, stream);
    case 8:
      return LaunchIndexMapKernel<uint2>(p, in, out, stream);
    case 4:
      return LaunchIndexMapKernel<uint32_t>(p, in, out, stream);
    case 2:
      return LaunchIndexMapKernel<uint16_t>(p, in, out, stream);
    case 1:
      return LaunchIndexMapKernel<uint8_t>(p, in, out, stream);
    default:
      return Status::InvalidArgument("data movement: invalid dtype");
  }
}

// The bits of `value` as an element of `dtype`, with TF's cast rules.
uint32_t ConstantBits(double value, DType dtype) {
  uint32_t bits = 0;
  switch (dtype) {
    case DType::kFloat32: {
      const float f = static_cast<float>(value);
      std::memcpy(&bits, &f, 4);
      break;
    }
    case DType::kFloat16: {
      const __half h = __float2half_rn(static_cast<float>(value));
      std::memcpy(&bits, &h, 2);
      break;
    }
    case DType::kInt32: {
      const int32_t v = (value >= -2147483648.0 && value < 2147483648.0)
                            ? static_cast<int32_t>(value)
                            : INT32_MIN;  // TF's truncating cast
      std::memcpy(&bits, &v, 4);
      break;
    }
    case DType::kBool:
      bits = value != 0.0 ? 1 : 0;
      break;
  }
  return bits;
}

// ---- Gather ----

struct GatherParams {
  int64_t outer, axis_size, inner, num_indices, num_elements;
};

template <typename S, typename Index>
__global__ void __launch_bounds__(kThreadsPerBlock)
    GatherKernel(const GatherParams p, const S* __restrict__ params,
                 const Index* __restrict__ indices, S* __restrict__ out, int32_t* bad_index_flag) {
  for (int64_t i = GlobalThreadIndex(); i < p.num_elements; i += GridStride()) {
    const int64_t inner = i % p.inner;
    const int64_t rest = i / p.inner;
    const int64_t j = rest % p.num_indices;
    const int64_t o = rest / p.num_indices;
    const int64_t index = static_cast<int64_t>(indices[j]);
    if (index >= 0 && index < p.axis_size) {
      out[i] = params[(o * p.axis_size + index) * p.inner + inner];
    } else {
      out[i] = S(0);
      if (bad_index_flag != nullptr) *bad_index_flag = 1;
    }
  }
}

Status CheckAxis(int axis, int rank, const char* op) {
  if (axis < 0 || axis >= rank) {
    return Status::InvalidArgument(std::string(op) + ": axis " + std::to_string(axis) +
                                   " is out of range [0, " + std::to_string(rank) + ")");
  }
  return Status::Ok();
}

}  // namespace

Status StridedCopy(const void* in, const Dims& in_strides, const Dims& out_shape, DType dtype,
                   void* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(out_shape, "StridedCopy output"));
  if (in_strides.rank != out_shape.rank) {
    return Status::InvalidArgument("StridedCopy: strides of rank " +
                                   std::to_string(in_strides.rank) + " for an output of rank " +
                                   std::to_string(out_shape.rank));
  }
  StridedCopyParams p;
  p.out_shape = out_shape;
  p.in_strides = in_strides;
  p.num_elements = NumElements(out_shape);
  if (p.num_elements == 0) return Status::Ok();
  SimplifyCopy(p.out_shape, p.in_strides);
  return VisitStorage(dtype, [&](auto tag) -> Status {
    using S = decltype(tag);
    StridedCopyKernel<S><<<GridStrideBlocks(p.num_elements), kThreadsPerBlock, 0, stream>>>(
        p, static_cast<const S*>(in), static_cast<S*>(out));
    TFTRT_CUDA_CHECK(cudaGetLastError());
    return Status::Ok();
  });
}

Status Transpose(const void* in, const Dims& in_shape, const std::vector<int>& perm, DType dtype,
                 void* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "Transpose input"));
  if (static_cast<int>(perm.size()) != in_shape.rank) {
    return Status::InvalidArgument("Transpose: perm has " + std::to_string(perm.size()) +
                                   " entries for a tensor of rank " +
                                   std::to_string(in_shape.rank));
  }
  bool seen[kMaxRank] = {};
  const Dims dense = DenseStrides(in_shape);
  Dims out_shape, strides;
  out_shape.rank = strides.rank = in_shape.rank;
  for (int k = 0; k < in_shape.rank; ++k) {
    if (perm[k] < 0 || perm[k] >= in_shape.rank || seen[perm[k]]) {
      return Status::InvalidArgument("Transpose: perm is not a permutation of [0, " +
                                     std::to_string(in_shape.rank) + ")");
    }
    seen[perm[k]] = true;
    out_shape.d[k] = in_shape.d[perm[k]];
    strides.d[k] = dense.d[perm[k]];
  }
  return StridedCopy(in, strides, out_shape, dtype, out, stream);
}

Status Concat(const std::vector<const void*>& inputs, const std::vector<Dims>& shapes, int axis,
              DType dtype, void* out, cudaStream_t stream) {
  if (inputs.empty() || inputs.size() != shapes.size()) {
    return Status::InvalidArgument("Concat: " + std::to_string(inputs.size()) + " inputs and " +
                                   std::to_string(shapes.size()) + " shapes");
  }
  const Dims& first = shapes[0];
  TFTRT_RETURN_IF_ERROR(ValidateShape(first, "Concat input"));
  TFTRT_RETURN_IF_ERROR(CheckAxis(axis, first.rank, "Concat"));
  std::vector<void*> pieces;
  std::vector<int64_t> cols;
  const int64_t inner = DimsProduct(first, axis + 1, first.rank);
  for (size_t k = 0; k < shapes.size(); ++k) {
    bool compatible = shapes[k].rank == first.rank;
    for (int d = 0; compatible && d < first.rank; ++d) {
      compatible = d == axis || shapes[k].d[d] == first.d[d];
    }
    if (!compatible || shapes[k].d[axis] < 0) {
      return Status::InvalidArgument("Concat: input " + std::to_string(k) + " has shape " +
                                     DimsToString(shapes[k]) + ", incompatible with " +
                                     DimsToString(first) + " along axis " + std::to_string(axis));
    }
    pieces.push_back(const_cast<void*>(inputs[k]));  // only read (kSplit = false)
    cols.push_back(shapes[k].d[axis] * inner);
  }
  return ConcatOrSplit<false>(pieces, cols, DimsProduct(first, 0, axis), out, dtype, stream);
}

Status Split(const void* in, const Dims& in_shape, int axis, const std::vector<int64_t>& sizes,
             const std::vector<void*>& outputs, DType dtype, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "Split input"));
  TFTRT_RETURN_IF_ERROR(CheckAxis(axis, in_shape.rank, "Split"));
  if (sizes.size() != outputs.size()) {
    return Status::InvalidArgument("Split: " + std::to_string(sizes.size()) + " sizes for " +
                                   std::to_string(outputs.size()) + " outputs");
  }
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0) return Status::InvalidArgument("Split: negative size " + std::to_string(size));
    total += size;
  }
  if (total != in_shape.d[axis]) {
    return Status::InvalidArgument("Split: sizes sum to " + std::to_string(total) +
                                   ", not the axis size " + std::to_string(in_shape.d[axis]));
  }
  const int64_t inner = DimsProduct(in_shape, axis + 1, in_shape.rank);
  std::vector<int64_t> cols;
  for (int64_t size : sizes) cols.push_back(size * inner);
  return ConcatOrSplit<true>(outputs, cols, DimsProduct(in_shape, 0, axis),
                             const_cast<void*>(in) /* only read */, dtype, stream);
}

Status Pad(const void* in, const Dims& in_shape, const std::vector<int64_t>& before,
           const std::vector<int64_t>& after, PadMode mode, double constant_value, DType dtype,
           void* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "Pad input"));
  if (static_cast<int>(before.size()) != in_shape.rank ||
      static_cast<int>(after.size()) != in_shape.rank) {
    return Status::InvalidArgument(
        "Pad: paddings must have one (before, after) pair per dim "
        "of the input " +
        DimsToString(in_shape));
  }
  Dims out_shape, pad_before;
  out_shape.rank = pad_before.rank = in_shape.rank;
  for (int d = 0; d < in_shape.rank; ++d) {
    const int64_t b = before[d], a = after[d], size = in_shape.d[d];
    if (b < 0 || a < 0) {
      return Status::InvalidArgument("Pad: paddings must be non-negative: " + std::to_string(b) +
                                     " " + std::to_string(a));
    }
    if (mode == PadMode::kReflect && (b >= size || a >= size)) {  // TF's rule, also for 0 pads
      return Status::InvalidArgument(
          "MirrorPad: paddings must be less than the dimension size: " + std::to_string(b) + ", " +
          std::to_string(a) + " not less than " + std::to_string(size));
    }
    if (mode == PadMode::kSymmetric && (b > size || a > size)) {
      return Status::InvalidArgument(
          "MirrorPad: paddings must be no greater than the dimension size: " + std::to_string(b) +
          ", " + std::to_string(a) + " greater than " + std::to_string(size));
    }
    out_shape.d[d] = b + size + a;
    pad_before.d[d] = b;
  }
  const IndexMapMode map_mode = mode == PadMode::kConstant  ? IndexMapMode::kConstant
                                : mode == PadMode::kReflect ? IndexMapMode::kReflect
                                                            : IndexMapMode::kSymmetric;
  return LaunchIndexMap(in, in_shape, out_shape, pad_before, map_mode,
                        ConstantBits(constant_value, dtype), dtype, out, stream);
}

namespace {

// One thread per pixel: its `channels` values, then zeros, stored as one Vector (the whole
// padded pixel). S: the element's storage type, whose zero bits are 0 in every dtype.
template <typename S, typename Vector>
__global__ void __launch_bounds__(kThreadsPerBlock)
    PadChannelsKernel(const S* __restrict__ in, int64_t pixels, int channels,
                      Vector* __restrict__ out) {
  constexpr int kPadded = sizeof(Vector) / sizeof(S);
  for (int64_t i = GlobalThreadIndex(); i < pixels; i += GridStride()) {
    union {
      Vector vector;
      S elements[kPadded];
    } pixel;
#pragma unroll
    for (int c = 0; c < kPadded; ++c)
      pixel.elements[c] = c < channels ? in[i * channels + c] : S(0);
    out[i] = pixel.vector;
  }
}

template <typename S, typename Vector>
Status LaunchPadChannels(const void* in, int64_t pixels, int64_t channels, void* out,
                         cudaStream_t stream) {
  PadChannelsKernel<S, Vector><<<GridStrideBlocks(pixels), kThreadsPerBlock, 0, stream>>>(
      static_cast<const S*>(in), pixels, static_cast<int>(channels), static_cast<Vector*>(out));
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

}  // namespace

Status PadChannels(const void* in, int64_t pixels, int64_t channels, int64_t padded_channels,
                   DType dtype, void* out, cudaStream_t stream) {
  if (pixels < 0 || channels < 0 || padded_channels < channels) {
    return Status::InvalidArgument("PadChannels: " + std::to_string(pixels) + " pixels of " +
                                   std::to_string(channels) + " channels cannot pad to " +
                                   std::to_string(padded_channels));
  }
  if (pixels == 0 || padded_channels == 0) return Status::Ok();
  const size_t element = DTypeSize(dtype);
  const size_t pixel_bytes = padded_channels * element;
  const bool aligned = reinterpret_cast<uintptr_t>(out) % pixel_bytes == 0;
  if (element == 2 && pixel_bytes == 8 && aligned) {
    return LaunchPadChannels<uint16_t, uint2>(in, pixels, channels, out, stream);
  }
  if (element == 2 && pixel_bytes == 16 && aligned) {
    return LaunchPadChannels<uint16_t, uint4>(in, pixels, channels, out, stream);
  }
  if (element == 4 && pixel_bytes == 16 && aligned) {
    return LaunchPadChannels<uint32_t, uint4>(in, pixels, channels, out, stream);
  }
  return Pad(in, Dims::From({pixels, channels}), {0, 0}, {0, padded_channels - channels},
             PadMode::kConstant, 0.0, dtype, out, stream);
}

namespace {

struct SpaceToDepthParams {
  int64_t batch, in_rows, in_cols, channels;  // in: [N, H, W, C]
  int64_t pad_top, pad_left;
  int64_t out_rows, out_cols, out_channels;
};

// One thread per 16 bytes of `out` (one Vector of kVector elements of storage type S).
template <typename S>
__global__ void __launch_bounds__(kThreadsPerBlock)
    SpaceToDepthKernel(const __grid_constant__ SpaceToDepthParams p, const S* __restrict__ in,
                       uint4* __restrict__ out, int64_t vectors) {
  constexpr int kVector = sizeof(uint4) / sizeof(S);
  const int64_t vectors_per_pixel = p.out_channels / kVector;
  for (int64_t index = GlobalThreadIndex(); index < vectors; index += GridStride()) {
    const int64_t pixel = index / vectors_per_pixel;
    const int64_t first = (index - pixel * vectors_per_pixel) * kVector;
    const int64_t v = pixel % p.out_cols;
    const int64_t u = (pixel / p.out_cols) % p.out_rows;
    const int64_t n = pixel / (p.out_cols * p.out_rows);
    union {
      uint4 vector;
      S elements[kVector];
    } chunk;
    // Output channel `first` + e is input channel c of block 2i + j; both advance together.
    int64_t block = first / p.channels, c = first - block * p.channels;
#pragma unroll
    for (int e = 0; e < kVector; ++e) {
      const int64_t h = 2 * u + block / 2 - p.pad_top;
      const int64_t w = 2 * v + block % 2 - p.pad_left;
      const bool inside = block < 4 && h >= 0 && h < p.in_rows && w >= 0 && w < p.in_cols;
      chunk.elements[e] =
          inside ? in[((n * p.in_rows + h) * p.in_cols + w) * p.channels + c] : S(0);
      if (++c == p.channels) {
        c = 0;
        ++block;
      }
    }
    out[index] = chunk.vector;
  }
}

template <typename S>
Status LaunchSpaceToDepth(const SpaceToDepthParams& p, const void* in, void* out,
                          cudaStream_t stream) {
  const int64_t vectors =
      p.batch * p.out_rows * p.out_cols * p.out_channels / (sizeof(uint4) / sizeof(S));
  if (vectors == 0) return Status::Ok();
  SpaceToDepthKernel<S><<<GridStrideBlocks(vectors), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const S*>(in), static_cast<uint4*>(out), vectors);
  TFTRT_CUDA_CHECK(cudaGetLastError());
  return Status::Ok();
}

}  // namespace

Status SpaceToDepth2x2(const void* in, const Dims& in_shape, int64_t pad_top, int64_t pad_left,
                       int64_t out_rows, int64_t out_cols, int64_t out_channels, DType dtype,
                       void* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "SpaceToDepth2x2 input"));
  const size_t element = DTypeSize(dtype);
  if (in_shape.rank != 4 || in_shape.d[3] < 1 || pad_top < 0 || pad_left < 0 || out_rows < 0 ||
      out_cols < 0 || out_channels < 4 * in_shape.d[3] || (out_channels * element) % 16 != 0 ||
      reinterpret_cast<uintptr_t>(out) % 16 != 0) {
    return Status::InvalidArgument(
        "SpaceToDepth2x2: an NHWC input of C >= 1 channels, non-negative pads and output sizes, "
        "and 16-byte output pixels of at least 4C channels are needed; got input C " +
        std::to_string(in_shape.rank == 4 ? in_shape.d[3] : -1) + ", " +
        std::to_string(out_channels) + " output channels of " + std::to_string(element) + " bytes");
  }
  const SpaceToDepthParams p{in_shape.d[0], in_shape.d[1], in_shape.d[2], in_shape.d[3], pad_top,
                             pad_left,      out_rows,      out_cols,      out_channels};
  return VisitStorage(dtype, [&](auto storage) {
    return LaunchSpaceToDepth<decltype(storage)>(p, in, out, stream);
  });
}

Status Tile(const void* in, const Dims& in_shape, const std::vector<int64_t>& multiples,
            DType dtype, void* out, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(in_shape, "Tile input"));
  if (static_cast<int>(multiples.size()) != in_shape.rank) {
    return Status::InvalidArgument("Tile: " + std::to_string(multiples.size()) +
                                   " multiples for an input of rank " +
                                   std::to_string(in_shape.rank));
  }
  Dims out_shape, zeros;
  out_shape.rank = zeros.rank = in_shape.rank;
  for (int d = 0; d < in_shape.rank; ++d) {
    if (multiples[d] < 0) {
      return Status::InvalidArgument("Tile: negative multiple " + std::to_string(multiples[d]));
    }
    out_shape.d[d] = in_shape.d[d] * multiples[d];
  }
  return LaunchIndexMap(in, in_shape, out_shape, zeros, IndexMapMode::kWrap, 0, dtype, out, stream);
}

Status Gather(const void* params, const Dims& params_shape, int axis, const void* indices,
              IndexType index_type, int64_t num_indices, DType dtype, void* out,
              int32_t* bad_index_flag, cudaStream_t stream) {
  TFTRT_RETURN_IF_ERROR(ValidateShape(params_shape, "Gather params"));
  TFTRT_RETURN_IF_ERROR(CheckAxis(axis, params_shape.rank, "Gather"));
  if (num_indices < 0) return Status::InvalidArgument("Gather: negative number of indices");
  GatherParams p;
  p.outer = DimsProduct(params_shape, 0, axis);
  p.axis_size = params_shape.d[axis];
  p.inner = DimsProduct(params_shape, axis + 1, params_shape.rank);
  p.num_indices = num_indices;
  p.num_elements = p.outer * num_indices * p.inner;
  if (p.num_elements == 0) return Status::Ok();
  return VisitStorage(dtype, [&](auto tag) -> Status {
    using S = decltype(tag);
    const unsigned blocks = GridStrideBlocks(p.num_elements);
    if (index_type == IndexType::kInt32) {
      GatherKernel<S, int32_t><<<blocks, kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const S*>(params), static_cast<const int32_t*>(indices),
          static_cast<S*>(out), bad_index_flag);
    } else {
      GatherKernel<S, int64_t><<<blocks, kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const S*>(params), static_cast<const int64_t*>(indices),
          static_cast<S*>(out), bad_index_flag);
    }
    TFTRT_CUDA_CHECK(cudaGetLastError());
    return Status::Ok();
  });
}

}  // namespace tftrt::cuda
