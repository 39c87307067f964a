// FFT ops over the innermost 1-3 dimensions (tf.signal): FFT, IFFT, FFT2D, IFFT2D, FFT3D,
// IFFT3D (complex to complex), RFFT, IRFFT, RFFT2D, IRFFT2D, RFFT3D, IRFFT3D (real to
// complex and back, with an fft_length input).
//
// The math is kernels/cpu/fft.h; this file is TF's op contract (core/kernels/fft_ops.cc):
// the real transforms crop each transformed input dimension to fft_length (the innermost
// one of an inverse to fft_length / 2 + 1) and refuse a shorter one; TF's Python wrappers
// (tf.signal.rfft) zero-pad with a Pad op before the RFFT op. An empty input gives an
// output of zeros of the computed shape (TF leaves a non-empty one uninitialized), and
// fft_length 0 on a non-empty input, which aborts TF 2.20, an empty output.
#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/complex.h"
#include "kernels/cpu/element_storage.h"
#include "kernels/cpu/fft.h"
#include "kernels/cpu/strided_copy.h"
#include "runtime/kernel.h"
#include "runtime/kernel_checks.h"

namespace tftrt {
namespace {

// Which transform an op is.
struct FftKind {
  int rank;      // transformed innermost dimensions
  bool forward;  // FFT/RFFT vs IFFT/IRFFT
  bool real;     // RFFT/IRFFT: a real side and an fft_length input
};

// Leading corner of `input`: its last dims cut to `inner` (which are no larger).
Tensor CropInnermost(const Tensor& input, const std::vector<int64_t>& inner) {
  Shape cropped = input.shape();
  std::copy(inner.begin(), inner.end(), cropped.end() - static_cast<int64_t>(inner.size()));
  if (cropped == input.shape()) return input;
  Tensor output(input.dtype(), cropped);
  VisitElementStorage(input.dtype(), [&]<typename S>(std::type_identity<S>) {
    StridedCopy(cropped, static_cast<const S*>(input.raw_data()), DenseStrides(input.shape()),
                static_cast<S*>(output.raw_data()), DenseStrides(cropped));
  });
  return output;
}

// The transform's length per dimension: fft_length for real transforms (checked as TF
// checks it), else the input's innermost dimensions.
StatusOr<std::vector<int64_t>> FftShape(const OpKernelContext& ctx, const FftKind& kind) {
  const Tensor& input = ctx.input(0);
  const int first = input.rank() - kind.rank;
  if (!kind.real) return std::vector<int64_t>(input.shape().begin() + first, input.shape().end());
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 2));
  const Tensor& fft_length = ctx.input(1);
  if (fft_length.dtype() != DataType::kInt32 || fft_length.rank() != 1 ||
      fft_length.dim(0) != kind.rank) {
    return OpError(ctx, "fft_length must have shape [" + std::to_string(kind.rank) + "]");
  }
  std::vector<int64_t> fft_shape(kind.rank);
  for (int i = 0; i < kind.rank; ++i) {
    const int64_t length = fft_length.flat<int32_t>()[i];
    if (length < 0) {
      return OpError(ctx, "fft_length[" + std::to_string(i) +
                              "] must >= 0, but got: " + std::to_string(length));
    }
    const bool halved = !kind.forward && i == kind.rank - 1;
    const int64_t min_length = halved ? length / 2 + 1 : length;
    const int64_t dim = input.dim(first + i);
    if (dim != 0 && dim < min_length) {
      return OpError(ctx, "Input dimension " + std::to_string(first + i) +
                              " must have length of at least " + std::to_string(min_length) +
                              " but got: " + std::to_string(dim));
    }
    fft_shape[i] = length;
  }
  return fft_shape;
}

// The output dtype: the input's for FFT/IFFT; for real transforms the attribute that TF
// types the other side with (Tcomplex of RFFT, Treal of IRFFT), which must pair with the
// input's (float32 with complex64, float64 with complex128).
StatusOr<DataType> OutputDtype(const OpKernelContext& ctx, const FftKind& kind) {
  const DataType in = ctx.input(0).dtype();
  if (!kind.real) {
    if (!IsComplex(in)) return UnsupportedDtype(ctx.node().op, in);
    return in;
  }
  const char* attr = kind.forward ? "Tcomplex" : "Treal";
  DataType out = kind.forward ? DataType::kComplex64 : DataType::kFloat;
  if (HasAttr(ctx.node(), attr)) {
    TFTRT_ASSIGN_OR_RETURN(out, GetTypeAttr(ctx.node(), attr));
  }
  const bool paired = kind.forward ? ComplexDtypeFor(in) == out && out != DataType::kInvalid
                                   : RealDtypeFor(in) == out && out != DataType::kInvalid;
  if (!paired) {
    return OpError(ctx, std::string("Wrong types for ") + (kind.forward ? "forward" : "backward") +
                            " real FFT: in=" + std::string(DataTypeName(in)) +
                            " out=" + std::string(DataTypeName(out)));
  }
  return out;
}

Shape OutputShape(const Shape& input_shape, const std::vector<int64_t>& fft_shape,
                  const FftKind& kind) {
  Shape shape = input_shape;
  const size_t first = shape.size() - fft_shape.size();
  for (size_t i = 0; i < fft_shape.size(); ++i) shape[first + i] = fft_shape[i];
  if (kind.real && kind.forward && fft_shape.back() != 0) shape.back() = fft_shape.back() / 2 + 1;
  return shape;
}

// Runs the transform of `input` (already cropped) into `output`, in C's precision.
template <typename C>
Status Transform(const Tensor& input, Tensor& output, const FftLayout& layout,
                 const FftKind& kind) {
  using Real = RealOf<C>;
  if (!kind.real) {
    return ComplexFft(AsStdComplex<C>(input), AsStdComplex<C>(output), layout, kind.forward);
  }
  if (kind.forward) return RealFft(input.flat<Real>(), AsStdComplex<C>(output), layout);
  return InverseRealFft(AsStdComplex<C>(input), output.flat<Real>(), layout);
}

template <FftKind kKind>
Status FftKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  if (Status library = FftLibraryAvailable(); !library.ok()) {
    return OpUnimplemented(ctx, library.message());
  }
  const Tensor& input = ctx.input(0);
  if (input.rank() < kKind.rank) {
    return OpError(ctx, "Input must have rank of at least " + std::to_string(kKind.rank) +
                            " but got: " + ShapeToString(input.shape()));
  }
  TFTRT_ASSIGN_OR_RETURN(const DataType out_dtype, OutputDtype(ctx, kKind));
  TFTRT_ASSIGN_OR_RETURN(const std::vector<int64_t> fft_shape, FftShape(ctx, kKind));
  Tensor output(out_dtype, OutputShape(input.shape(), fft_shape, kKind));
  if (input.NumElements() == 0 || output.NumElements() == 0) {
    ctx.set_output(0, std::move(output));
    return Status::Ok();
  }
  // The part of the input the transform reads: an inverse real transform reads the
  // non-redundant half of its innermost dimension.
  std::vector<int64_t> read = fft_shape;
  if (kKind.real && !kKind.forward) read.back() = fft_shape.back() / 2 + 1;
  const Tensor cropped = CropInnermost(input, read);

  FftLayout layout{.batch = 1, .dims = fft_shape};
  for (int d = 0; d < input.rank() - kKind.rank; ++d) layout.batch *= input.dim(d);
  const DataType complex_dtype = IsComplex(input.dtype()) ? input.dtype() : out_dtype;
  Status status = Status::Ok();
  VisitType(ComplexTypes{}, complex_dtype,
            [&]<typename C>() { status = Transform<C>(cropped, output, layout, kKind); });
  if (status.code() == StatusCode::kUnimplemented) return OpUnimplemented(ctx, status.message());
  if (!status.ok()) return OpError(ctx, status.message());
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterSpectralOps(KernelRegistry& registry) {
  registry.Register("FFT", &FftKernel<FftKind{1, true, false}>);
  registry.Register("IFFT", &FftKernel<FftKind{1, false, false}>);
  registry.Register("FFT2D", &FftKernel<FftKind{2, true, false}>);
  registry.Register("IFFT2D", &FftKernel<FftKind{2, false, false}>);
  registry.Register("FFT3D", &FftKernel<FftKind{3, true, false}>);
  registry.Register("IFFT3D", &FftKernel<FftKind{3, false, false}>);
  registry.Register("RFFT", &FftKernel<FftKind{1, true, true}>);
  registry.Register("IRFFT", &FftKernel<FftKind{1, false, true}>);
  registry.Register("RFFT2D", &FftKernel<FftKind{2, true, true}>);
  registry.Register("IRFFT2D", &FftKernel<FftKind{2, false, true}>);
  registry.Register("RFFT3D", &FftKernel<FftKind{3, true, true}>);
  registry.Register("IRFFT3D", &FftKernel<FftKind{3, false, true}>);
}

}  // namespace tftrt
