// Device copies of constants shared by every engine of the process that holds the same
// bytes. The engines of one segment, built for several input shapes, carry the same weights
// (BERT-base at FP16: 220 MB each), and each engine uploaded its own copy: a model serving
// batches 1 and 128 held its weights twice. A copy lives while any engine holds it.
//
// Thread safety: Upload may be called from several threads at once.
#ifndef TFTRT_BACKENDS_CUDA_SHARED_WEIGHTS_H_
#define TFTRT_BACKENDS_CUDA_SHARED_WEIGHTS_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "backends/cuda/device_weights.h"
#include "tftrt/status.h"

namespace tftrt::cuda {

// The device copy of `bytes` bytes at `host`: the one an engine of this process already
// holds where the bytes are equal, else a new upload. Copies of less than
// kSharedWeightsMinBytes are not looked up (each is uploaded; too small to matter).
StatusOr<std::shared_ptr<const DeviceWeights>> UploadShared(const void* host, size_t bytes);

inline constexpr size_t kSharedWeightsMinBytes = 64 * 1024;

// UploadShared of float `values` converted to `dtype` (kFloat, or kHalf rounded to nearest
// even), as DeviceWeights::UploadAs converts them.
StatusOr<std::shared_ptr<const DeviceWeights>> UploadSharedAs(const std::vector<float>& values,
                                                              DataType dtype);

// How many bytes the process's shared copies hold now (for tests).
size_t SharedWeightsBytes();

}  // namespace tftrt::cuda

#endif  // TFTRT_BACKENDS_CUDA_SHARED_WEIGHTS_H_
