// An INT8 layer (a convolution or matmul of an INT8 network) on the cpu backend, with
// exact integer arithmetic: each tensor input is quantized to int8 with its dynamic range
// (kernels/cpu/int8_quantize.h), the int8 weights of the plan are used as they are, the
// op's native kernel multiplies the int8 values in int32 (int8 x int8 products summed in
// int32, as int8 tensor-core kernels do), and the int32 result is dequantized with the
// float scale of each output channel (input scale x weight scale). The layer's epilogue
// (bias, activations, ...) then runs in float32 on that result, as TensorRT's fused
// epilogues do.
//
// A depthwise convolution runs as the grouped Conv2D it is (one group per input channel),
// since TF's depthwise kernel takes no integers.
//
// Thread safety: Run may be called concurrently.
#ifndef TFTRT_BACKENDS_CPU_INT8_LAYER_H_
#define TFTRT_BACKENDS_CPU_INT8_LAYER_H_

#include <memory>
#include <vector>

#include "graph/graph.h"
#include "proto/engine.pb.h"
#include "runtime/kernel.h"

namespace tftrt {

class Int8Layer {
 public:
  // REQUIRES: layer.precision() == "INT8". InvalidArgument when a tensor input has no
  // dynamic range, a weight is not int8 or its scales do not match the output channels.
  static StatusOr<std::unique_ptr<Int8Layer>> Compile(const EngineLayer& layer,
                                                      const EngineNetwork& network);

  // The dequantized product for `inputs`, the values of the layer's operands in order
  // (float tensors; the entries of weight operands are ignored: the layer holds them).
  StatusOr<Tensor> Run(const std::vector<Tensor>& inputs) const;

 private:
  struct Operand {
    float scale = 0;      // a tensor operand's quantization scale
    Tensor int32_weight;  // a weight operand's int8 values, widened
  };

  Int8Layer() = default;
  Status CompileOperand(const EngineLayer& layer, int index, const EngineNetwork& network,
                        int64_t out_channels);

  Node node_;
  KernelFn kernel_ = nullptr;
  bool depthwise_ = false;
  std::vector<Operand> operands_;
  // Dequantization scale of each output channel (the output's last dimension), or one.
  std::vector<float> output_scales_ = {1.0f};
};

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_CPU_INT8_LAYER_H_
