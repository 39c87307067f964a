// Micro benchmark of the cpu Conv2D kernel (kernels/cpu/conv2d.h) on the convolutions of
// a Keras ResNet50 (NHWC, batch 1 by default, 224x224 input): time per layer shape, total,
// and the arithmetic rate reached.
//
// Not built by CMake yet; from the repository root, after building the library:
//   g++ -O2 -std=c++20 -Iinclude -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread
//     bench/conv_bench.cc build-nn/libtftrt.a -lopenblas -lpthread -o /tmp/conv_bench
//   /tmp/conv_bench [batch] [repeats]
// OPENBLAS_NUM_THREADS sets the GEMM's threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/window.h"

namespace {

struct Layer {
  const char* name;
  int64_t size, in_depth, filter, out_depth, stride;
  int count;  // how many times ResNet50 runs this shape
};

// ResNet50 v1 (Keras applications): the stem, then per stage the bottleneck blocks'
// 1x1 reduce, 3x3, 1x1 expand, and the first block's projection shortcut.
const Layer kResNet50[] = {
    {"stem 7x7/2", 224, 3, 7, 64, 2, 1},
    {"s2 1x1 64->64", 56, 64, 1, 64, 1, 1},
    {"s2 1x1 256->64", 56, 256, 1, 64, 1, 2},
    {"s2 3x3 64", 56, 64, 3, 64, 1, 3},
    {"s2 1x1 64->256", 56, 64, 1, 256, 1, 4},  // 3 expands + the shortcut
    {"s3 1x1/2 256->128", 56, 256, 1, 128, 2, 1},
    {"s3 1x1/2 256->512", 56, 256, 1, 512, 2, 1},
    {"s3 1x1 512->128", 28, 512, 1, 128, 1, 3},
    {"s3 3x3 128", 28, 128, 3, 128, 1, 4},
    {"s3 1x1 128->512", 28, 128, 1, 512, 1, 4},
    {"s4 1x1/2 512->256", 28, 512, 1, 256, 2, 1},
    {"s4 1x1/2 512->1024", 28, 512, 1, 1024, 2, 1},
    {"s4 1x1 1024->256", 14, 1024, 1, 256, 1, 5},
    {"s4 3x3 256", 14, 256, 3, 256, 1, 6},
    {"s4 1x1 256->1024", 14, 256, 1, 1024, 1, 6},
    {"s5 1x1/2 1024->512", 14, 1024, 1, 512, 2, 1},
    {"s5 1x1/2 1024->2048", 14, 1024, 1, 2048, 2, 1},
    {"s5 1x1 2048->512", 7, 2048, 1, 512, 1, 2},
    {"s5 3x3 512", 7, 512, 3, 512, 1, 3},
    {"s5 1x1 512->2048", 7, 512, 1, 2048, 1, 3},
};

tftrt::Conv2DShape ShapeOf(const Layer& layer, int64_t batch) {
  tftrt::Conv2DShape shape;
  shape.batch = batch;
  shape.in_rows = shape.in_cols = layer.size;
  shape.in_depth = shape.filter_depth = layer.in_depth;
  shape.out_depth = layer.out_depth;
  auto size =
      tftrt::ComputeWindowedSize(layer.size, layer.filter, 1, layer.stride, tftrt::Padding::kSame);
  if (!size.ok()) std::abort();
  tftrt::Window2D& w = shape.window;
  w.filter_rows = w.filter_cols = layer.filter;
  w.stride_rows = w.stride_cols = layer.stride;
  w.pad_top = w.pad_left = size->pad_before;
  w.out_rows = w.out_cols = size->output;
  return shape;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t batch = argc > 1 ? std::atoll(argv[1]) : 1;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::mt19937 rng(0);
  std::normal_distribution<float> normal;
  double total_seconds = 0, total_flops = 0;
  std::printf("%-22s %10s %10s %8s\n", "layer", "ms/run", "ms*count", "GFLOP/s");
  for (const Layer& layer : kResNet50) {
    const tftrt::Conv2DShape shape = ShapeOf(layer, batch);
    const auto& w = shape.window;
    std::vector<float> input(batch * layer.size * layer.size * layer.in_depth);
    std::vector<float> filter(layer.filter * layer.filter * layer.in_depth * layer.out_depth);
    std::vector<float> output(batch * w.out_rows * w.out_cols * layer.out_depth);
    for (float& v : input) v = normal(rng);
    for (float& v : filter) v = normal(rng);
    tftrt::Conv2D<float>(shape, input.data(), filter.data(), output.data());  // warm-up
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      tftrt::Conv2D<float>(shape, input.data(), filter.data(), output.data());
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      best = std::min(best, elapsed.count());
    }
    const double flops = 2.0 * output.size() * layer.filter * layer.filter * layer.in_depth;
    total_seconds += best * layer.count;
    total_flops += flops * layer.count;
    std::printf("%-22s %10.3f %10.3f %8.1f\n", layer.name, best * 1e3, best * 1e3 * layer.count,
                flops / best * 1e-9);
  }
  std::printf("total (batch %lld): %.1f ms, %.1f GFLOP/s\n", static_cast<long long>(batch),
              total_seconds * 1e3, total_flops / total_seconds * 1e-9);
  return 0;
}
