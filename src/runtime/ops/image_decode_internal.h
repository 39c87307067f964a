// Private to the image decoding ops (decode_image_ops.cc): the JPEG, PNG and BMP decoders,
// one file each, each behind the library it needs (TFTRT_HAVE_JPEG: libjpeg-turbo,
// TFTRT_HAVE_PNG: libpng). Without the library a decoder returns Unimplemented naming it.
#ifndef TFTRT_RUNTIME_OPS_IMAGE_DECODE_INTERNAL_H_
#define TFTRT_RUNTIME_OPS_IMAGE_DECODE_INTERNAL_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "tftrt/status.h"

namespace tftrt::image_decode {

// An image as rows of interleaved channels; 16-bit samples in `samples16`.
struct DecodedImage {
  int height = 0, width = 0, channels = 0;
  std::vector<uint8_t> samples8;
  std::vector<uint16_t> samples16;
};

// TF's jpeg::UncompressFlags as DecodeJpeg / DecodeImage set them.
struct JpegOptions {
  int channels = 0;  // 0 (as stored, at most 3), 1 or 3
  int ratio = 1;     // downscaling: 1, 2, 4 or 8
  bool fancy_upscaling = true;
  bool try_recover_truncated = false;
  float acceptable_fraction = 1.0f;
  bool integer_fast_dct = true;  // TF's default ("" = INTEGER_FAST)
};
// 8-bit samples. InvalidArgument for data libjpeg cannot decode (TF's message).
StatusOr<DecodedImage> DecodeJpeg(std::string_view data, const JpegOptions& options);

// `channels` 0 (as stored; palette images give 3, or 4 with transparency), 1, 2, 3 or 4;
// `bits` 8 or 16 (8-bit images are widened by x * 257, 16-bit ones narrowed by libpng).
StatusOr<DecodedImage> DecodePng(std::string_view data, int channels, int bits);

// BMP (uncompressed 8, 24 or 32 bits per pixel), as TF's own decoder reads it (no library):
// `channels` 0 (as stored), 3 or 4; BGR(A) becomes RGB(A), gray is repeated, alpha opaque.
StatusOr<DecodedImage> DecodeBmp(std::string_view data, int channels);

}  // namespace tftrt::image_decode

#endif  // TFTRT_RUNTIME_OPS_IMAGE_DECODE_INTERNAL_H_
