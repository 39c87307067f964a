#include "kernels/cpu/volume.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/cpu/combine.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/nn_numeric.h"

namespace tftrt {
namespace {

// Calls fn(output_index, input_voxels) for each output voxel of each batch element, with
// the input voxel indices (flat, per batch element) that its window covers; padded
// positions are left out. `voxels` is reused between calls.
template <typename Fn>
void ForEachWindow(const Volume3DShape& s, Fn&& fn) {
  const Window3D& w = s.window;
  std::vector<int64_t> voxels;
  voxels.reserve(w.filter[0] * w.filter[1] * w.filter[2]);
  int64_t index = 0;
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t p = 0; p < w.out[0]; ++p) {
      for (int64_t r = 0; r < w.out[1]; ++r) {
        for (int64_t c = 0; c < w.out[2]; ++c, ++index) {
          voxels.clear();
          for (int64_t fp = 0; fp < w.filter[0]; ++fp) {
            const int64_t ip = p * w.stride[0] - w.pad_before[0] + fp * w.dilation[0];
            if (ip < 0 || ip >= s.in[0]) continue;
            for (int64_t fr = 0; fr < w.filter[1]; ++fr) {
              const int64_t ir = r * w.stride[1] - w.pad_before[1] + fr * w.dilation[1];
              if (ir < 0 || ir >= s.in[1]) continue;
              for (int64_t fc = 0; fc < w.filter[2]; ++fc) {
                const int64_t ic = c * w.stride[2] - w.pad_before[2] + fc * w.dilation[2];
                if (ic < 0 || ic >= s.in[2]) continue;
                // Input voxel (flat over batch) and filter tap, packed as two indices.
                voxels.push_back(((b * s.in[0] + ip) * s.in[1] + ir) * s.in[2] + ic);
                voxels.push_back((fp * w.filter[1] + fr) * w.filter[2] + fc);
              }
            }
          }
          fn(index, voxels);
        }
      }
    }
  }
}

}  // namespace

// Conv3D lowers to GEMM as Conv2D does: each output voxel's receptive field becomes a row
// of an im2col matrix [voxels, planes * rows * cols * in_depth] (zeros where the window
// is in the padding), which multiplies the DHWIO filter seen as [that, out_depth]. Output
// voxels go in chunks so the im2col buffer stays around 4 MiB.
template <typename T>
void Conv3D(const Volume3DShape& s, const T* input, const T* filter, T* output) {
  const Window3D& w = s.window;
  const int64_t taps = w.filter[0] * w.filter[1] * w.filter[2];
  const int64_t k = taps * s.in_depth;
  const int64_t voxels = s.batch * w.out[0] * w.out[1] * w.out[2];
  if (voxels == 0 || s.out_depth == 0) return;
  if (k == 0) {
    std::fill(output, output + voxels * s.out_depth, T{});
    return;
  }
  const int64_t chunk = std::max<int64_t>(1, (int64_t{1} << 20) / k);
  std::vector<T> columns(std::min(chunk, voxels) * k);
  int64_t chunk_start = 0;
  auto flush = [&](int64_t end) {
    Gemm<T>(false, false, end - chunk_start, s.out_depth, k, columns.data(), k, filter, s.out_depth,
            output + chunk_start * s.out_depth, s.out_depth);
    chunk_start = end;
  };
  ForEachWindow(s, [&](int64_t out_index, const std::vector<int64_t>& window) {
    T* row = columns.data() + (out_index - chunk_start) * k;
    std::fill(row, row + k, T{});
    for (size_t v = 0; v < window.size(); v += 2) {
      std::copy_n(input + window[v] * s.in_depth, s.in_depth, row + window[v + 1] * s.in_depth);
    }
    if (out_index + 1 - chunk_start == chunk || out_index + 1 == voxels) flush(out_index + 1);
  });
}

template <typename T>
void MaxPool3D(const Volume3DShape& s, const T* input, T* output) {
  using Wide = WideType<T>;
  std::vector<Wide> best(s.in_depth);
  ForEachWindow(s, [&](int64_t out_index, const std::vector<int64_t>& voxels) {
    std::fill(best.begin(), best.end(), Widen(LowestFinite<T>()));
    for (size_t v = 0; v < voxels.size(); v += 2) {
      const T* in = input + voxels[v] * s.in_depth;
      for (int64_t d = 0; d < s.in_depth; ++d) {
        const Wide x = Widen(in[d]);
        if (x > best[d]) best[d] = x;
      }
    }
    T* out = output + out_index * s.in_depth;
    for (int64_t d = 0; d < s.in_depth; ++d) out[d] = Narrow<T>(best[d]);
  });
}

template <typename T>
void AvgPool3D(const Volume3DShape& s, const T* input, T* output) {
  using Wide = WideType<T>;
  std::vector<Wide> sum(s.in_depth);
  ForEachWindow(s, [&](int64_t out_index, const std::vector<int64_t>& voxels) {
    std::fill(sum.begin(), sum.end(), Wide{0});
    for (size_t v = 0; v < voxels.size(); v += 2) {
      const T* in = input + voxels[v] * s.in_depth;
      for (int64_t d = 0; d < s.in_depth; ++d) sum[d] += Widen(in[d]);
    }
    const Wide count = static_cast<Wide>(voxels.size() / 2);
    T* out = output + out_index * s.in_depth;
    for (int64_t d = 0; d < s.in_depth; ++d) out[d] = Narrow<T>(sum[d] / count);
  });
}

#define TFTRT_INSTANTIATE_VOLUME_(T)                                     \
  template void Conv3D<T>(const Volume3DShape&, const T*, const T*, T*); \
  template void MaxPool3D<T>(const Volume3DShape&, const T*, T*);        \
  template void AvgPool3D<T>(const Volume3DShape&, const T*, T*);
TFTRT_INSTANTIATE_VOLUME_(float)
TFTRT_INSTANTIATE_VOLUME_(double)
TFTRT_INSTANTIATE_VOLUME_(Half)
TFTRT_INSTANTIATE_VOLUME_(BFloat16)
#undef TFTRT_INSTANTIATE_VOLUME_

}  // namespace tftrt
