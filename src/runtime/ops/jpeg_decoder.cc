// JPEG decoding through libjpeg-turbo with the settings of TF's jpeg::Uncompress
// (tensorflow/core/lib/jpeg/jpeg_mem.cc, jpeg_handle.cc): the same output color space,
// DCT method, fancy upsampling and scale, the same memory source (a fake EOI for
// try_recover_truncated), CMYK converted to RGB by TF's formula, and the same handling of
// images cut short. Same library, same settings: the same pixels as TensorFlow.
#include <algorithm>
#include <memory>
#include <string>

#include "common/optional_library.h"
#include "runtime/ops/image_decode_internal.h"

#ifdef TFTRT_HAVE_JPEG
#include <jerror.h>  // ERREXIT, WARNMS and the message codes, as in TF
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstring>
#endif

namespace tftrt::image_decode {

#ifndef TFTRT_HAVE_JPEG

StatusOr<DecodedImage> DecodeJpeg(std::string_view, const JpegOptions&) {
  return MissingLibrary("decoding JPEG", "libjpeg-turbo", "libjpeg62-turbo-dev");
}

#else

namespace {

const char kInvalidJpeg[] = "jpeg::Uncompress failed. Invalid JPEG data or crop window.";

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void ErrorExit(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings (corrupt data that libjpeg works around) are not errors, as in TF; stay quiet.
void IgnoreMessage(j_common_ptr) {}

// TF's memory source: the whole input in one buffer; past its end, with
// try_recover_truncated, one fake EOI marker (libjpeg then fills in what is missing).
struct MemorySource {
  jpeg_source_mgr pub;
  const JOCTET* data;
  size_t size;
  bool try_recover_truncated;
  int calls_past_end;  // calls of FillInputBuffer once the data ran out
};

// TF inserts a fake EOI each time libjpeg asks past the end (its check for "already
// inserted" compares a pointer libjpeg has moved on). Some inputs make libjpeg ask forever:
// TF 2.20 hangs on the 3 bytes FF D8 FF with try_recover_truncated. tftrt gives up after
// this many calls, far more than any decodable input needs, with TF's read error.
constexpr int kMaxCallsPastEnd = 1000;

const JOCTET kFakeEoi[2] = {0xFF, JPEG_EOI};

void InitSource(j_decompress_ptr cinfo) {
  auto* src = reinterpret_cast<MemorySource*>(cinfo->src);
  src->pub.next_input_byte = src->data;
  src->pub.bytes_in_buffer = src->size;
}

boolean FillInputBuffer(j_decompress_ptr cinfo) {
  auto* src = reinterpret_cast<MemorySource*>(cinfo->src);
  if (src->pub.bytes_in_buffer == 0 && src->pub.next_input_byte == src->data) {
    ERREXIT(cinfo, JERR_INPUT_EMPTY);
  } else if (++src->calls_past_end > kMaxCallsPastEnd) {
    ERREXIT(cinfo, JERR_FILE_READ);
  } else if (src->pub.bytes_in_buffer != 0) {
    return src->try_recover_truncated ? TRUE : FALSE;
  } else if (src->pub.next_input_byte != kFakeEoi && src->try_recover_truncated) {
    WARNMS(cinfo, JWRN_JPEG_EOF);
    src->pub.next_input_byte = kFakeEoi;
    src->pub.bytes_in_buffer = 2;
    return TRUE;
  } else {
    ERREXIT(cinfo, JERR_FILE_READ);
  }
  return FALSE;
}

void SkipInputData(j_decompress_ptr cinfo, long count) {
  auto* src = reinterpret_cast<MemorySource*>(cinfo->src);
  if (count < 0) return;
  if (static_cast<size_t>(count) > src->pub.bytes_in_buffer) {
    src->pub.bytes_in_buffer = 0;
    FillInputBuffer(cinfo);
  } else {
    src->pub.bytes_in_buffer -= count;
    src->pub.next_input_byte += count;
  }
}

void TermSource(j_decompress_ptr) {}

// Everything the decoding touches after setjmp lives here, in memory, so that a longjmp
// back leaves it in a defined state.
struct DecodeState {
  jpeg_decompress_struct cinfo;
  ErrorManager errors;
  MemorySource source;
  DecodedImage image;
  std::vector<JSAMPLE> cmyk_row;
  int rows_read = 0;
  bool started = false;
  std::string error;
};

// CMYK (what libjpeg gives for CMYK/YCCK files) to RGB as TF does; Adobe files store
// inverted CMYK.
void CmykRowToRgb(const JSAMPLE* cmyk, int width, bool adobe, uint8_t* rgb) {
  for (int i = 0; i < width; ++i) {
    const int c = cmyk[4 * i], m = cmyk[4 * i + 1], y = cmyk[4 * i + 2], k = cmyk[4 * i + 3];
    if (adobe) {
      rgb[3 * i] = static_cast<uint8_t>(k * c / 255);
      rgb[3 * i + 1] = static_cast<uint8_t>(k * m / 255);
      rgb[3 * i + 2] = static_cast<uint8_t>(k * y / 255);
    } else {
      rgb[3 * i] = static_cast<uint8_t>((255 - k) * (255 - c) / 255);
      rgb[3 * i + 1] = static_cast<uint8_t>((255 - k) * (255 - m) / 255);
      rgb[3 * i + 2] = static_cast<uint8_t>((255 - k) * (255 - y) / 255);
    }
  }
}

// Reads the scanlines into s->image; false if libjpeg suspended (data ran out) and the
// caller's rules say the rest is missing. Errors longjmp out.
void ReadScanlines(DecodeState* s, const JpegOptions& options) {
  jpeg_decompress_struct& cinfo = s->cinfo;
  DecodedImage& image = s->image;
  const bool cmyk = cinfo.out_color_space == JCS_CMYK;
  const size_t stride = static_cast<size_t>(image.width) * image.channels;
  if (cmyk) s->cmyk_row.resize(static_cast<size_t>(image.width) * 4);
  s->rows_read = image.height;
  while (cinfo.output_scanline < static_cast<JDIMENSION>(image.height)) {
    const size_t line = cinfo.output_scanline;
    JSAMPLE* row = image.samples8.data() + line * stride;
    JSAMPLE* target = cmyk ? s->cmyk_row.data() : row;
    if (jpeg_read_scanlines(&cinfo, &target, 1) == 0) {
      if (!options.try_recover_truncated) {
        s->rows_read = static_cast<int>(line);
        return;
      }
      // Recovering: the first missing line black, every later one a copy of the one above.
      for (size_t l = line; l < static_cast<size_t>(image.height); ++l) {
        uint8_t* out = image.samples8.data() + l * stride;
        if (l == 0) {
          std::memset(out, 0, stride);
        } else {
          std::memcpy(out, out - stride, stride);
        }
      }
      cinfo.output_scanline = image.height;  // so that libjpeg does not complain on exit
      return;
    }
    if (cmyk) CmykRowToRgb(s->cmyk_row.data(), image.width, cinfo.saw_Adobe_marker, row);
  }
}

// jpeg_mem.cc's UncompressLow; false with s->error set on failure.
bool Uncompress(DecodeState* s, std::string_view data, const JpegOptions& options) {
  jpeg_decompress_struct& cinfo = s->cinfo;
  cinfo.err = jpeg_std_error(&s->errors.pub);
  s->errors.pub.error_exit = ErrorExit;
  s->errors.pub.output_message = IgnoreMessage;
  if (setjmp(s->errors.jump)) {
    s->error = s->errors.message;
    if (s->started) jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  s->started = true;
  s->source.pub.init_source = InitSource;
  s->source.pub.fill_input_buffer = FillInputBuffer;
  s->source.pub.skip_input_data = SkipInputData;
  s->source.pub.resync_to_restart = jpeg_resync_to_restart;
  s->source.pub.term_source = TermSource;
  s->source.pub.bytes_in_buffer = 0;
  s->source.pub.next_input_byte = nullptr;
  s->source.data = reinterpret_cast<const JOCTET*>(data.data());
  s->source.size = data.size();
  s->source.try_recover_truncated = options.try_recover_truncated;
  s->source.calls_past_end = 0;
  cinfo.src = &s->source.pub;
  jpeg_read_header(&cinfo, TRUE);

  const int channels = options.channels == 0 ? std::min(cinfo.num_components, 3) : options.channels;
  if (channels == 1) {
    cinfo.out_color_space = JCS_GRAYSCALE;
  } else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    cinfo.out_color_space = JCS_CMYK;  // libjpeg's own CMYK; converted to RGB per row
  } else {
    cinfo.out_color_space = JCS_RGB;
  }
  cinfo.do_fancy_upsampling = options.fancy_upscaling ? TRUE : FALSE;
  cinfo.scale_num = 1;
  cinfo.scale_denom = options.ratio;
  cinfo.dct_method = options.integer_fast_dct ? JDCT_IFAST : JDCT_ISLOW;
  jpeg_calc_output_dimensions(&cinfo);
  const int64_t total =
      static_cast<int64_t>(cinfo.output_height) * cinfo.output_width * cinfo.num_components;
  if (cinfo.output_width == 0 || cinfo.output_height == 0 || total >= (int64_t{1} << 29)) {
    s->error = "image too large or empty: " + std::to_string(cinfo.output_width) + " x " +
               std::to_string(cinfo.output_height);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_start_decompress(&cinfo);
  const int expected_components = cinfo.out_color_space == JCS_CMYK ? 4 : channels;
  if (cinfo.output_components != expected_components) {
    s->error = "unexpected number of output components";
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  s->image.height = static_cast<int>(cinfo.output_height);
  s->image.width = static_cast<int>(cinfo.output_width);
  s->image.channels = channels;
  s->image.samples8.assign(static_cast<size_t>(total / cinfo.num_components) * channels, 0);
  ReadScanlines(s, options);
  if (s->rows_read == s->image.height) {
    jpeg_finish_decompress(&cinfo);
  } else {
    jpeg_abort(reinterpret_cast<j_common_ptr>(&cinfo));
  }
  jpeg_destroy_decompress(&cinfo);
  return true;
}

}  // namespace

StatusOr<DecodedImage> DecodeJpeg(std::string_view data, const JpegOptions& options) {
  if (data.empty()) return Status::InvalidArgument(kInvalidJpeg);
  auto state = std::make_unique<DecodeState>();
  if (!Uncompress(state.get(), data, options)) {
    return Status::InvalidArgument(std::string(kInvalidJpeg) + " (" + state->error + ")");
  }
  DecodedImage& image = state->image;
  // A partial image is kept if enough of it was read; the missing rows are black.
  const float fraction = static_cast<float>(state->rows_read) / image.height;
  if (fraction < std::min(1.0f, options.acceptable_fraction)) {
    return Status::InvalidArgument(std::string(kInvalidJpeg) + " (only " +
                                   std::to_string(state->rows_read) + " of " +
                                   std::to_string(image.height) + " rows)");
  }
  const size_t stride = static_cast<size_t>(image.width) * image.channels;
  std::fill(image.samples8.begin() + state->rows_read * stride, image.samples8.end(), 0);
  return std::move(image);
}

#endif  // TFTRT_HAVE_JPEG

}  // namespace tftrt::image_decode
