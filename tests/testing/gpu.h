// GPU tests run where a CUDA device is present and skip, saying why, everywhere else (CI
// has no GPU).
#ifndef TFTRT_TESTS_TESTING_GPU_H_
#define TFTRT_TESTS_TESTING_GPU_H_

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#define TFTRT_SKIP_WITHOUT_GPU()                                                               \
  do {                                                                                         \
    int tftrt_device_count_ = 0;                                                               \
    if (cudaGetDeviceCount(&tftrt_device_count_) != cudaSuccess || tftrt_device_count_ == 0) { \
      cudaGetLastError();                                                                      \
      GTEST_SKIP() << "no CUDA device here: GPU tests run on a machine with a GPU "            \
                      "(scripts/gpu-test.sh)";                                                 \
    }                                                                                          \
  } while (0)

#endif  // TFTRT_TESTS_TESTING_GPU_H_
