// PNG decoding through libpng with the transformations of TF's png::CommonInitDecode
// (tensorflow/core/lib/png/png_io.cc): palette and tRNS expanded, alpha added (opaque) or
// stripped to reach the requested channels, RGB to gray with the BT.601 weights libpng is
// given, gray to RGB, 16-bit narrowed by libpng (strip_16) or 8-bit widened by x * 257.
#include <string>

#include "common/optional_library.h"
#include "runtime/ops/image_decode_internal.h"

#ifdef TFTRT_HAVE_PNG
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <memory>
#endif

namespace tftrt::image_decode {

#ifndef TFTRT_HAVE_PNG

StatusOr<DecodedImage> DecodePng(std::string_view, int, int) {
  return MissingLibrary("decoding PNG", "libpng", "libpng-dev");
}

#else

namespace {

// Everything touched after setjmp lives here, in memory (see jpeg_decoder.cc).
struct DecodeState {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string_view input;
  size_t offset = 0;
  std::string error;
  bool error_seen = false;
  int num_passes = 1;
  bool widen_to_16 = false;
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0, channels = 0;
  std::vector<uint8_t> rows;  // decoded bytes, 8 or 16 bits per sample
  ~DecodeState() {
    if (png != nullptr) png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
  }
};

void OnError(png_structp png, png_const_charp message) {
  auto* state = static_cast<DecodeState*>(png_get_error_ptr(png));
  state->error_seen = true;
  state->error = message;
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}

void ReadData(png_structp png, png_bytep out, png_size_t length) {
  auto* state = static_cast<DecodeState*>(png_get_io_ptr(png));
  if (state->input.size() - state->offset < length) {
    std::memset(out, 0, length);
    png_error(png, "More bytes requested to read than available");
  }
  std::memcpy(out, state->input.data() + state->offset, length);
  state->offset += length;
}

// png::CommonInitDecode's transformations for `channels` (0: as stored) and `bits`.
void SetUpTransformations(DecodeState* s, int channels, int bits) {
  png_read_info(s->png, s->info);
  png_get_IHDR(s->png, s->info, &s->width, &s->height, &s->bit_depth, &s->color_type, nullptr,
               nullptr, nullptr);
  const bool has_trns = png_get_valid(s->png, s->info, PNG_INFO_tRNS) != 0;
  s->channels = channels;
  if (s->channels == 0) {
    s->channels = s->color_type == PNG_COLOR_TYPE_PALETTE ? (has_trns ? 4 : 3)
                                                          : png_get_channels(s->png, s->info);
  }
  const bool has_alpha = (s->color_type & PNG_COLOR_MASK_ALPHA) != 0;
  if (s->channels % 2 == 0) {  // 2 or 4 channels: alpha wanted
    if (!has_alpha) {
      if (has_trns) {
        png_set_tRNS_to_alpha(s->png);
      } else {
        png_set_add_alpha(s->png, (1 << s->bit_depth) - 1, PNG_FILLER_AFTER);
      }
    }
  } else if (has_alpha || has_trns) {
    png_set_strip_alpha(s->png);
  }
  if (s->bit_depth > 8 && bits <= 8) png_set_strip_16(s->png);
  s->widen_to_16 = s->bit_depth <= 8 && bits == 16;
  png_set_packing(s->png);
  s->num_passes = png_set_interlace_handling(s->png);
  if (bits > 8) png_set_swap(s->png);  // little-endian samples in memory
  if (s->color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(s->png);
  const bool want_gray = s->channels < 3;
  const bool is_gray = (s->color_type & PNG_COLOR_MASK_COLOR) == 0;
  if (is_gray && s->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(s->png);
  if (want_gray && !is_gray) png_set_rgb_to_gray(s->png, 1, 0.299, 0.587);
  if (!want_gray && is_gray) png_set_gray_to_rgb(s->png);
  png_read_update_info(s->png, s->info);
}

bool Decode(DecodeState* s, int channels, int bits) {
  s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, OnError, OnWarning);
  if (s->png == nullptr) return false;
  s->info = png_create_info_struct(s->png);
  if (s->info == nullptr) return false;
  if (setjmp(png_jmpbuf(s->png))) return false;
  png_set_read_fn(s->png, s, ReadData);
  SetUpTransformations(s, channels, bits);
  // TF's size limits (the PNG kernel's "PNG size too large for int").
  const int64_t total = static_cast<int64_t>(s->width) * s->height;
  if (s->width == 0 || s->height == 0 || s->width >= (1u << 27) || s->height >= (1u << 27) ||
      total >= (int64_t{1} << 29)) {
    s->error = "PNG size too large for int: " + std::to_string(s->width) + " by " +
               std::to_string(s->height);
    return false;
  }
  const size_t sample_bytes = bits == 16 ? 2 : 1;
  const size_t row_bytes = static_cast<size_t>(s->width) * s->channels * sample_bytes;
  s->rows.assign(row_bytes * s->height, 0);
  for (int pass = 0; pass < s->num_passes; ++pass) {
    for (png_uint_32 y = 0; y < s->height; ++y) {
      png_read_row(s->png, s->rows.data() + y * row_bytes, nullptr);
    }
  }
  png_read_end(s->png, s->info);
  return !s->error_seen;
}

}  // namespace

StatusOr<DecodedImage> DecodePng(std::string_view data, int channels, int bits) {
  auto state = std::make_unique<DecodeState>();
  state->input = data;
  // libpng reads 8-bit rows even when 16 bits are wanted from an 8-bit image.
  if (!Decode(state.get(), channels, bits)) {
    if (state->error.rfind("PNG size", 0) == 0) return Status::InvalidArgument(state->error);
    return Status::InvalidArgument("Invalid PNG data, size " + std::to_string(data.size()) +
                                   (state->error.empty() ? "" : " (" + state->error + ")"));
  }
  DecodedImage image;
  image.height = static_cast<int>(state->height);
  image.width = static_cast<int>(state->width);
  image.channels = state->channels;
  const size_t count = static_cast<size_t>(image.height) * image.width * image.channels;
  if (bits == 8) {
    image.samples8.assign(state->rows.begin(), state->rows.begin() + count);
    return image;
  }
  image.samples16.resize(count);
  if (state->widen_to_16) {
    // 8-bit samples, packed at the start of each 16-bit row: x * 257 maps 255 to 65535.
    const size_t row = static_cast<size_t>(image.width) * image.channels;
    for (int y = 0; y < image.height; ++y) {
      const uint8_t* in = state->rows.data() + y * row * 2;
      for (size_t i = 0; i < row; ++i) image.samples16[y * row + i] = in[i] * 257;
    }
  } else {
    std::memcpy(image.samples16.data(), state->rows.data(), count * 2);
  }
  return image;
}

#endif  // TFTRT_HAVE_PNG

}  // namespace tftrt::image_decode
