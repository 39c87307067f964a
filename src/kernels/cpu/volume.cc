#include "kernels/cpu/volume.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/cpu/combine.h"
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

template <typename T>
void Conv3D(const Volume3DShape& s, const T* input, const T* filter, T* output) {
  using Wide = WideType<T>;
  std::vector<Wide> acc(s.out_depth);
  const int64_t tap_size = s.in_depth * s.out_depth;
  ForEachWindow(s, [&](int64_t out_index, const std::vector<int64_t>& voxels) {
    std::fill(acc.begin(), acc.end(), Wide{0});
    for (size_t v = 0; v < voxels.size(); v += 2) {
      const T* in = input + voxels[v] * s.in_depth;
      const T* taps = filter + voxels[v + 1] * tap_size;
      for (int64_t i = 0; i < s.in_depth; ++i) {
        const Wide x = Widen(in[i]);
        const T* row = taps + i * s.out_depth;
        for (int64_t o = 0; o < s.out_depth; ++o) acc[o] += x * Widen(row[o]);
      }
    }
    T* out = output + out_index * s.out_depth;
    for (int64_t o = 0; o < s.out_depth; ++o) out[o] = Narrow<T>(acc[o]);
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
