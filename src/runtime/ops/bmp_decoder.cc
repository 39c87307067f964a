// BMP decoding as TF's DecodeBmp kernel does it (kernels/image/decode_image_op.cc): the
// header fields it reads (pixel data offset, width, height, bits per pixel, nothing else:
// no compression, no palette), its size checks and messages, rows padded to 4 bytes,
// bottom-up unless the height is negative.
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "runtime/ops/image_decode_internal.h"

namespace tftrt::image_decode {
namespace {

template <typename T>
T ReadLittleEndian(std::string_view data, size_t offset) {
  T value;
  std::memcpy(&value, data.data() + offset, sizeof(T));  // x86 and ARM: little-endian
  return value;
}

// One pixel of `in_channels` stored bytes (gray, BGR or BGRA) as `out_channels` RGB(A).
void ConvertPixel(const uint8_t* in, int in_channels, uint8_t* out, int out_channels) {
  if (in_channels == 1) {
    out[0] = in[0];
    if (out_channels >= 3) out[1] = out[2] = in[0];
    if (out_channels == 4) out[3] = 255;
    return;
  }
  out[0] = in[2];
  out[1] = in[1];
  out[2] = in[0];
  if (out_channels == 4) out[3] = in_channels == 4 ? in[3] : 255;
}

}  // namespace

StatusOr<DecodedImage> DecodeBmp(std::string_view data, int channels) {
  if (channels == 1) {
    return Status::InvalidArgument("`channels` must be 0, 3 or 4 for BMP, but got 1");
  }
  if (data.size() < 32) {
    return Status::InvalidArgument(
        "Incomplete bmp content, requires at least 32 bytes to find the header size, width, "
        "height, and bpp, got " +
        std::to_string(data.size()) + " bytes");
  }
  const int32_t header_size = ReadLittleEndian<int32_t>(data, 10);
  const int32_t width = ReadLittleEndian<int32_t>(data, 18);
  const int32_t height = ReadLittleEndian<int32_t>(data, 22);
  const int16_t bits_per_pixel = ReadLittleEndian<int16_t>(data, 28);
  const int in_channels = bits_per_pixel / 8;
  if (in_channels != 1 && in_channels != 3 && in_channels != 4) {
    return Status::InvalidArgument(
        "Number of channels inherent in the image must be 1, 3 or 4, was " +
        std::to_string(in_channels));
  }
  if (width <= 0) return Status::InvalidArgument("Width must be positive");
  if (height == 0) return Status::InvalidArgument("Height must be nonzero");
  if (header_size < 0) return Status::InvalidArgument("header size must be nonnegative");
  const int64_t abs_height = std::llabs(static_cast<int64_t>(height));
  if (static_cast<int64_t>(width) * abs_height >= std::numeric_limits<int32_t>::max() / 8) {
    return Status::InvalidArgument("Total possible pixel bytes must be less than 2^30");
  }
  const int64_t row_size = (static_cast<int64_t>(in_channels) * width + 3) / 4 * 4;
  const int64_t size_diff = static_cast<int64_t>(data.size()) - header_size - row_size * abs_height;
  if (size_diff != 0) {
    return Status::InvalidArgument(
        "Input size should match (header_size + row_size * abs_height) but they differ by " +
        std::to_string(size_diff));
  }
  DecodedImage image;
  image.height = static_cast<int>(abs_height);
  image.width = width;
  image.channels = channels == 0 ? in_channels : channels;
  image.samples8.resize(static_cast<size_t>(image.height) * width * image.channels);
  const auto* pixels = reinterpret_cast<const uint8_t*>(data.data()) + header_size;
  const bool top_down = height < 0;
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = pixels + (top_down ? y : image.height - 1 - y) * row_size;
    for (int x = 0; x < width; ++x) {
      ConvertPixel(row + x * in_channels, in_channels,
                   image.samples8.data() + (static_cast<size_t>(y) * width + x) * image.channels,
                   image.channels);
    }
  }
  return image;
}

}  // namespace tftrt::image_decode
