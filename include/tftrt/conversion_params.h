// ConversionParams: the seed's TrtConversionParams (tf.experimental.tensorrt.ConversionParams),
// with its field names and defaults.
#ifndef TFTRT_CONVERSION_PARAMS_H_
#define TFTRT_CONVERSION_PARAMS_H_

#include <cstdint>
#include <string>

#include "tftrt/status.h"

namespace tftrt {

struct ConversionParams {
  // "FP32" | "FP16" | "INT8", case-insensitive.
  std::string precision_mode = "FP32";
  // Scratch memory an engine may use while running.
  int64_t max_workspace_size_bytes = int64_t{1} << 30;
  // Fewest effective nodes in an engine; > 0, or -1 to convert nothing.
  int minimum_segment_size = 3;
  // Engines (input-shape sets) each engine node keeps; least recently used are evicted.
  int maximum_cached_engines = 1;
  // INT8 only: calibrate with calibration_input_fn (true) or use quantization ops' ranges.
  bool use_calibration = true;
  // When no cached engine fits the inputs: build one (true) or run the native segment.
  bool allow_build_at_runtime = true;
  // tftrt extension. FP32 engines on GPUs: float32 matmuls and convolutions may use TF32
  // tensor cores, as TensorRT does by default (false: full float32 arithmetic).
  bool allow_tf32 = true;
};

// InvalidArgument naming the first bad parameter (the seed's ValueError).
Status ValidateConversionParams(const ConversionParams& params);

}  // namespace tftrt

#endif  // TFTRT_CONVERSION_PARAMS_H_
