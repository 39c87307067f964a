// PointwiseConvolutionRunner: an fp16 1x1 convolution (stride 1, no padding, one group) as
// the matmul it is, y [N*H*W, K] = x [N*H*W, C] · filter [C, K], on CUTLASS's tensor-core
// GEMM with the bias and a Relu / Relu6 in its epilogue (cutlass/bias_clamp_matmul.h), one
// tile configuration per runner: engines time each configuration against cuDNN
// (dnn_layers.cc). TF's filter [1, 1, C, K] is the GEMM's B as it is (uploaded once as half,
// shared with other engines). Fuses what a BiasClamp expresses (bias_clamp.h: a leading
// BiasAdd, its values rounded to fp16, then a Relu or Relu6); the caller applies the steps
// after those.
//
// Thread safety: immutable after Create; Run may be called from several threads at once.
#ifndef TFTRT_BACKENDS_CUDA_POINTWISE_CONVOLUTION_RUNNER_H_
#define TFTRT_BACKENDS_CUDA_POINTWISE_CONVOLUTION_RUNNER_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/bias_clamp.h"
#include "backends/cuda/convolution_runner.h"
#include "backends/cuda/cutlass/bias_clamp_matmul.h"
#include "backends/cuda/device_weights.h"
#include "backends/cuda/epilogue.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt::cuda {

class PointwiseConvolutionRunner {
 public:
  // The GEMM of a 1x1 convolution: M = N * H * W, N = K, K = C.
  static BiasClampMatMulShape MatMulShape(const ConvolutionDescription& desc);

  // Whether configuration `config` (0 <= config < BiasClampMatMulConfigs()) takes `desc`: an
  // fp16 ungrouped Conv2D with a 1x1 window, stride 1, dilation 1 and no padding, whose
  // GEMM BiasClampMatMulSupports (C and K multiples of 8, a GPU of compute capability 8.0 or
  // later). No configuration takes any in a build without CUTLASS.
  static bool Handles(const ConvolutionDescription& desc, int config);

  // Uploads the filter, and the bias where one is fused (on the current device). Errors:
  // InvalidArgument (ConvolutionRunner::Validate, or a description that `config` does not
  // take), ResourceExhausted, Internal.
  static StatusOr<std::unique_ptr<PointwiseConvolutionRunner>> Create(
      const ConvolutionDescription& desc, const Tensor& filter, std::vector<EpilogueStep> epilogue,
      int config);

  PointwiseConvolutionRunner(const PointwiseConvolutionRunner&) = delete;
  PointwiseConvolutionRunner& operator=(const PointwiseConvolutionRunner&) = delete;

  const ConvolutionDescription& description() const { return desc_; }
  // How many leading epilogue steps Run applies (BiasClampSteps of the epilogue).
  int fused_steps() const { return epilogue_.steps; }
  // The configuration's name, for logs and the timing cache.
  std::string name() const { return BiasClampMatMulConfigName(config_); }

  // No scratch memory (the form SpaceToDepthConvolutionRunner's has).
  size_t workspace_bytes() const { return 0; }

  // Enqueues y = epilogue[0, fused_steps())(conv(x, filter)) on `stream`, without
  // synchronizing or allocating. x, y: device tensors of the description's shapes, 16-byte
  // aligned; the workspace is ignored.
  Status Run(cudaStream_t stream, const void* x, void* y, void* workspace = nullptr) const;

 private:
  PointwiseConvolutionRunner() = default;

  ConvolutionDescription desc_;
  int config_ = 0;
  std::shared_ptr<const DeviceWeights> filter_;  // [C, K] half, shared across engines
  DeviceBiasClamp epilogue_;                     // the fused steps, the bias on the device
};

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_POINTWISE_CONVOLUTION_RUNNER_H_
