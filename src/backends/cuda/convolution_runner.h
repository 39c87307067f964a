// ConvolutionRunner: one 2-D convolution with a fused epilogue on the GPU, through cuDNN 9's
// graph API (cudnn-frontend): TF's Conv2D (grouped too), DepthwiseConv2dNative and
// Conv2DBackpropInput (the transposed convolution of Conv2DTranspose).
//
// Layouts are TensorFlow's: activations NHWC, dense (strides {H*W*C, W*C, C, 1}); filters are
// given on the host in TF's layout and converted once, at creation, to cuDNN's KRSC in the
// I/O dtype, in device memory the runner owns:
//   kConv2D      filter [R, S, C / groups, K]   (TF Conv2D; groups = C / filter's C)
//   kDepthwise   filter [R, S, C, K / C]         (DepthwiseConv2dNative: groups = C)
//   kTransposed  filter [R, S, K, C]             (Conv2DBackpropInput: [R, S, channels of the
//                                                 result, channels of out_backprop]; groups 1)
// Dtypes: kFloat (fp32 I/O and math; TF32 tensor cores unless allow_tf32 is false, as TensorRT
// by default) or kHalf (fp16 I/O, fp32 accumulation and epilogue math). The filter tensor may
// be kFloat or kHalf either way; bias and scale vectors are float32 (see epilogue.h).
//
// Thread safety: immutable after Create. Run may be called from several threads at once, each
// with its own DnnHandles (see dnn_handles.h) of the device the runner was created on.
#ifndef TFTRT_BACKENDS_CUDA_CONVOLUTION_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_CONVOLUTION_RUNNER_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/device_weights.h"
#include "backends/cuda/dnn_handles.h"
#include "backends/cuda/epilogue.h"
#include "backends/cuda/tactics.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

enum class ConvolutionKind { kConv2D, kDepthwise, kTransposed };

// The geometry of one convolution. "Input" and "output" are the runner's: x [N, H, W, C] goes
// in, y [N, P, Q, K] comes out. The window (kernel, pads, strides, dilations) is always that of
// the forward convolution, as TF's attributes are: for kConv2D / kDepthwise it maps x to y
// (P = (H + pad_top + pad_bottom - ((R - 1) * dilation_rows + 1)) / stride_rows + 1, floored);
// for kTransposed it maps y to x (x is TF's out_backprop, y has TF's input_sizes), so the same
// formula holds with (H, W) and (P, Q) swapped. Pads may be asymmetric (TF's SAME pads are).
struct ConvolutionDescription {
  ConvolutionKind kind = ConvolutionKind::kConv2D;
  int64_t batch = 0;
  int64_t input_rows = 0, input_cols = 0, input_channels = 0;     // H, W, C
  int64_t output_rows = 0, output_cols = 0, output_channels = 0;  // P, Q, K
  int64_t kernel_rows = 0, kernel_cols = 0;                       // R, S
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int64_t stride_rows = 1, stride_cols = 1;
  int64_t dilation_rows = 1, dilation_cols = 1;
  int64_t groups = 1;                 // kConv2D: C / filter's C; kDepthwise: C; kTransposed: 1
  DataType dtype = DataType::kFloat;  // kFloat or kHalf: x, y and the residual
  bool allow_tf32 = true;             // kFloat only: false = true fp32 math

  std::string ToString() const;
};

class ConvolutionRunner {
 public:
  // Checks the description, the filter (dtype kFloat or kHalf, the shape its kind needs) and
  // the epilogue (ValidateEpilogue against K) without touching the GPU: InvalidArgument with
  // what is wrong. Create runs it first.
  static Status Validate(const ConvolutionDescription& desc, const Tensor& filter,
                         const std::vector<EpilogueStep>& epilogue);

  // Uploads the filter and the bias / scale vectors, then builds a cuDNN plan for the
  // convolution followed by the whole epilogue; where cuDNN has no engine for that, for
  // ever shorter prefixes of it, down to the bare convolution. Of the plans cuDNN builds
  // within tactics.max_workspace_bytes, the fastest of the first tactics.max_candidates is
  // kept (timed on the GPU with scratch operands, or the timing cache's winner). Uses
  // `handles` (its cuDNN handle, on the current device) only during the call. Errors:
  // InvalidArgument (Validate), Unimplemented (cuDNN has no plan even for the bare
  // convolution; the message has cuDNN's reasons), ResourceExhausted, Internal.
  static StatusOr<std::unique_ptr<ConvolutionRunner>> Create(
      const DnnHandles& handles, const ConvolutionDescription& desc, const Tensor& filter,
      std::vector<EpilogueStep> epilogue, const TacticOptions& tactics = TacticOptions());

  ~ConvolutionRunner();
  ConvolutionRunner(const ConvolutionRunner&) = delete;
  ConvolutionRunner& operator=(const ConvolutionRunner&) = delete;

  const ConvolutionDescription& description() const { return desc_; }
  // How many leading epilogue steps Run applies; the caller applies steps
  // [fused_steps(), epilogue().size()) to y itself.
  int fused_steps() const { return fused_steps_; }
  const std::vector<EpilogueStep>& epilogue() const { return epilogue_; }
  // Device scratch memory that Run needs (0: none; Run then accepts a null workspace).
  int64_t workspace_bytes() const { return workspace_bytes_; }
  // The cuDNN engine configuration chosen ("eng0_k2=1..."), for logs and benchmarks.
  const std::string& plan_name() const { return plan_name_; }

  // Enqueues y = epilogue[0, fused_steps())(conv(x, filter)) on `stream`: binds
  // handles.cudnn() to `stream`, launches, returns without synchronizing and without
  // allocating. x, y: device tensors of the description's input / output shape and dtype;
  // residual: one of y's shape and dtype, required iff a fused step is kResidualAdd (else
  // ignored); workspace: workspace_bytes() of device memory. All device pointers 16-byte
  // aligned (cudaMalloc's are); y must not overlap x or the residual.
  Status Run(const DnnHandles& handles, cudaStream_t stream, const void* x, void* y,
             const void* residual, void* workspace) const;

 private:
  struct Plan;  // the cudnn-frontend graph and its chosen execution plan (in the .cc)

  ConvolutionRunner();
  // Picks plan_->plan_index among plan_->candidates (see Create).
  Status ChoosePlan(const DnnHandles& handles, const TacticOptions& tactics);
  // Run with any built plan (timing runs each candidate).
  Status Execute(const DnnHandles& handles, cudaStream_t stream, const void* x, void* y,
                 const void* residual, void* workspace, int64_t plan_index) const;

  ConvolutionDescription desc_;
  std::vector<EpilogueStep> epilogue_;
  std::shared_ptr<const DeviceWeights> filter_;  // shared across engines (shared_weights.h)
  std::vector<DeviceWeights> channel_vectors_;   // per epilogue step (empty for the others)
  std::unique_ptr<Plan> plan_;
  int fused_steps_ = 0;
  int64_t workspace_bytes_ = 0;
  std::string plan_name_;
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_CONVOLUTION_RUNNER_H_
